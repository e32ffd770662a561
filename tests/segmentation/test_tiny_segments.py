"""A 2.5% segment next to a dominant one: found as a segment of its own, not absorbed into a larger one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation import segment
from segmentation.clustering import merge_start
from segmentation.columns import prepare_table
from segmentation.features import FeatureSpace
from segmentation.mixture import encode, fit_mixture


def _with_tiny_segment(seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """2,400 rows: a 52% segment, three middle ones and 60 rows (2.5%) of a distinct segment; two noise columns."""
    rng = np.random.default_rng(seed)
    truth = np.repeat(np.arange(5), [1250, 450, 350, 290, 60])
    n = len(truth)
    region = np.array(["north", "south", "east", "west", "islands"], dtype=object)
    table = pd.DataFrame(
        {
            "age": np.clip(rng.normal(np.array([42, 28, 55, 35, 64])[truth], 5), 16, 90).round(),
            "spend": np.exp(rng.normal(np.log(np.array([120.0, 60, 400, 900, 2500]))[truth], 0.45)).round(2),
            "orders": rng.poisson(np.array([3, 8, 2, 12, 6])[truth]),
            "region": np.where(rng.random(n) < 0.7, region[truth], rng.choice(region, n)),
            "opted_in": rng.random(n) < np.array([0.3, 0.8, 0.2, 0.6, 0.9])[truth],
            "noise_a": rng.normal(50, 10, n).round(1),
            "noise_b": rng.choice(np.array(["red", "blue", "green"], dtype=object), n),
        }
    )
    return table, truth


@pytest.mark.parametrize("seed", [5, 8, 11])
def test_a_tiny_segment_is_found_next_to_a_dominant_one(seed: int) -> None:
    """Before, every start at k=5 split the dominant segment instead, and the 60 rows went into a larger one."""
    table, truth = _with_tiny_segment(seed)
    result = segment(table)
    tiny = truth == 4
    overlap = max(
        float((tiny & (result.labels == s)).sum() / (tiny | (result.labels == s)).sum()) for s in range(result.k)
    )
    assert overlap >= 0.9, result.k_reason
    assert result.k >= 5


def test_the_merge_start_joins_two_tiles_of_one_segment_and_keeps_a_tiny_distinct_one() -> None:
    rng = np.random.default_rng(3)
    values = np.concatenate([rng.normal(0, 1, 1_000), rng.normal(9, 0.5, 40)])
    table = pd.DataFrame({"score": values, "other": rng.normal(0, 1, len(values))})
    space = FeatureSpace(prepare_table(table))
    data = encode(space, np.arange(space.n_rows))
    # Three components: the big segment cut in two at its middle, and the 40 distinct rows.
    start = np.where(np.arange(len(values)) >= 1_000, 2, (values > 0).astype(int)).astype(np.int32)
    model = fit_mixture(data, start, 3, max_iter=1)
    merged = merge_start(model, data)
    assert len(np.unique(merged)) == 2
    assert len(np.unique(merged[:1_000])) == 1 and len(np.unique(merged[1_000:])) == 1
    assert merged[0] != merged[-1]
