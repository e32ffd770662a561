"""The balanced feature space: every column weighs the same before weighting; noise columns end up light."""

from __future__ import annotations

import numpy as np
import pandas as pd

from segmentation.clustering import column_weights
from segmentation.columns import prepare_table
from segmentation.features import MAX_LEVELS, FeatureSpace


def _space(table: pd.DataFrame) -> FeatureSpace:
    return FeatureSpace(prepare_table(table))


def test_each_column_contributes_unit_total_variance() -> None:
    rng = np.random.default_rng(0)
    n = 2_000
    table = pd.DataFrame(
        {
            "spend": rng.lognormal(4, 1.5, n),
            "city": rng.choice([f"city{i}" for i in range(60)], n),
            "plan": rng.choice(["free", "pro"], n, p=[0.9, 0.1]),
            "tags": ["|".join(rng.choice(list("abcdef"), 2, replace=False)) for _ in range(n)],
        }
    )
    space = _space(table)
    matrix = space.rows(np.arange(n))
    assert matrix.dtype == np.float32
    variances = [matrix[:, part].var(axis=0).sum() for part in space.slices]
    assert np.allclose(variances, 1.0, atol=0.02)
    widths = {block.name: block.width for block in space.blocks}
    assert widths == {"spend": 1, "city": MAX_LEVELS + 1, "plan": 2, "tags": 6}


def test_skewed_spend_is_log_transformed_and_missing_sits_at_the_mean() -> None:
    rng = np.random.default_rng(1)
    spend = rng.lognormal(3, 1.2, 1_000)
    spend[:50] = np.nan
    space = _space(pd.DataFrame({"spend": spend, "visits": rng.normal(10, 2, 1_000)}))
    values = space.rows(np.arange(1_000))[:, 0]
    assert np.all(values[:50] == 0.0)
    logged = np.log1p(spend[50:])
    assert np.corrcoef(values[50:], logged)[0, 1] > 0.99


def test_noise_columns_get_low_weight() -> None:
    rng = np.random.default_rng(2)
    truth = rng.integers(0, 3, 1_500)
    table = pd.DataFrame(
        {
            "income": rng.normal(np.array([30, 60, 90])[truth], 5),
            "region": np.array(["north", "south", "east"])[truth],
            "noise_number": rng.normal(0, 1, 1_500),
            "noise_colour": rng.choice(["red", "blue", "green", "white"], 1_500),
        }
    )
    space = _space(table)
    weights = dict(
        zip([b.name for b in space.blocks], column_weights(space, space.rows(np.arange(1_500)), truth), strict=True)
    )
    assert weights["income"] > 0.9 and weights["region"] > 0.9
    assert weights["noise_number"] < 0.05 and weights["noise_colour"] < 0.05
