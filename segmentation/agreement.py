"""How far two partitions of the same rows agree: the adjusted Rand index, as scikit-learn computes it.

The stability of a candidate k is the mean agreement of its fit with refits on subsamples. scikit-learn's
`adjusted_rand_score` would cost the engine an import of about 2 CPU seconds; this is the same integer pair
counts (ordered pairs, as scikit-learn counts them) and the same final expression, so the value is the same
float.
"""

from __future__ import annotations

import numpy as np


def adjusted_rand(labels: np.ndarray, other: np.ndarray) -> float:
    """The adjusted Rand index of two labelings of the same rows (1 = the same partition, about 0 = chance)."""
    _, rows = np.unique(labels, return_inverse=True)
    _, columns = np.unique(other, return_inverse=True)
    n_rows, n_columns = int(rows.max(initial=-1)) + 1, int(columns.max(initial=-1)) + 1
    table = np.bincount(rows * n_columns + columns, minlength=n_rows * n_columns)
    table = table.astype(np.int64).reshape(n_rows, n_columns)
    n = len(rows)
    # Pair counts over ordered pairs of rows: together in both, only in `other`, only in `labels`, in neither.
    squares = int((table**2).sum())
    both = squares - n
    only_other = int((table @ table.sum(axis=0)).sum()) - squares
    only_labels = int((table.T @ table.sum(axis=1)).sum()) - squares
    neither = n**2 - only_other - only_labels - squares
    if only_other == 0 and only_labels == 0:
        return 1.0
    return (
        2.0
        * (both * neither - only_labels * only_other)
        / ((both + only_labels) * (only_labels + neither) + (both + only_other) * (only_other + neither))
    )
