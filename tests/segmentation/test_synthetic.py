"""The planted-audience generator: seeded, mixed types, messy, with unequal known segments."""

from __future__ import annotations

import numpy as np
import pandas as pd

from segmentation.synthetic import planted_audience


def test_same_seed_same_table_and_truth() -> None:
    first, truth = planted_audience(k=5, n_rows=500, seed=9)
    second, again = planted_audience(k=5, n_rows=500, seed=9)
    pd.testing.assert_frame_equal(first, second)
    assert np.array_equal(truth, again)
    other, _ = planted_audience(k=5, n_rows=500, seed=10)
    assert not first.equals(other)


def test_mixed_messy_columns_and_unequal_segments() -> None:
    table, truth = planted_audience(k=6, n_rows=3_000, seed=2)
    assert len(table) == len(truth) == 3_000
    sizes = np.bincount(truth)
    assert len(sizes) == 6 and sizes.min() >= 0.05 * 3_000 and sizes.max() > 1.5 * sizes.min()
    assert table["customer_id"].is_unique and table["email"].str.endswith("@example.com").all()
    assert pd.api.types.is_datetime64_any_dtype(table["signup_date"])
    assert table["newsletter_opt_in"].dtype == bool
    assert table["interests"].dropna().str.contains("|", regex=False).mean() > 0.5
    assert 0.02 < table["total_spend"].isna().mean() < 0.1
    assert table["country"].nunique() > table["gender"].nunique() >= 3
    # Spend is right-skewed.
    assert table["total_spend"].skew() > 1.5
    # Segments explain much of age and next to nothing of a noise column.
    assert _explained(table["age"], truth) > 0.5
    assert _explained(table["survey_score"], truth) < 0.01


def _explained(column: pd.Series, truth: np.ndarray) -> float:
    """Share of the column's variance between segments (eta squared), missing cells left out."""
    known = column.notna().to_numpy()
    values, groups = column.to_numpy(dtype=float)[known], truth[known]
    means = pd.Series(values).groupby(groups).transform("mean").to_numpy()
    return float(((means - values.mean()) ** 2).sum() / ((values - values.mean()) ** 2).sum())
