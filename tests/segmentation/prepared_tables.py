"""Small hand-built PreparedTables for the profile, naming and audience tests."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from segmentation.prepared import PreparedColumn, PreparedTable
from segmentation.result import Role


def numeric(
    name: str,
    values: Sequence[float],
    *,
    semantic: str | None = None,
    source: str | None = None,
    unit: str | None = None,
    used: bool = True,
) -> PreparedColumn:
    role: Role = "date" if source else "numeric"
    numbers = np.asarray(values, dtype=np.float64)
    return PreparedColumn(name, role, semantic=semantic, source=source, unit=unit, numbers=numbers, used=used)


def boolean(name: str, values: Sequence[float]) -> PreparedColumn:
    return PreparedColumn(name, "boolean", numbers=np.asarray(values, dtype=np.float64))


def categorical(name: str, values: Sequence[str | None], semantic: str | None = None) -> PreparedColumn:
    return PreparedColumn(name, "categorical", semantic=semantic, categories=pd.Categorical(list(values)))


def multilabel(name: str, cells: Sequence[str | None], semantic: str | None = "interests") -> PreparedColumn:
    """`cells` like "fitness|travel"; None is a missing cell, "" a known cell without labels."""
    vocabulary = sorted({label for cell in cells if cell for label in cell.split("|")})
    rows = [row for row, cell in enumerate(cells) if cell for _ in cell.split("|")]
    cols = [vocabulary.index(label) for cell in cells if cell for label in cell.split("|")]
    matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(cells), len(vocabulary)))
    known = np.array([cell is not None for cell in cells])
    return PreparedColumn(
        name, "multilabel", semantic=semantic, labels=matrix, vocabulary=tuple(vocabulary), labels_known=known
    )


def table(*columns: PreparedColumn, reference_year: int | None = None) -> PreparedTable:
    sizes = {_length(column) for column in columns}
    assert len(sizes) == 1, "every column needs the same number of rows"
    return PreparedTable(n_rows=sizes.pop(), columns=columns, roles=(), reference_year=reference_year)


def _length(column: PreparedColumn) -> int:
    if column.numbers is not None:
        return len(column.numbers)
    if column.categories is not None:
        return len(column.categories)
    assert column.labels is not None
    return int(column.labels.shape[0])
