"""Clustering on planted audiences: the right k, the planted segments, order-free and repeatable."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from segmentation.clustering import Clustering, cluster
from segmentation.columns import prepare_table
from segmentation.features import FeatureSpace
from segmentation.synthetic import planted_audience


def _cluster(table: pd.DataFrame, *, k: int | None = None, seed: int = 0) -> Clustering:
    return cluster(FeatureSpace(prepare_table(table)), k=k, k_range=range(2, 13), seed=seed)


@pytest.fixture(scope="module")
def planted() -> tuple[pd.DataFrame, np.ndarray, Clustering]:
    table, truth = planted_audience(k=4, n_rows=1_200, seed=11)
    return table, truth, _cluster(table)


@pytest.mark.parametrize(("k", "seed"), [(3, 21), (5, 4)])
def test_planted_audiences_are_recovered_without_being_told_k(k: int, seed: int) -> None:
    table, truth = planted_audience(k=k, n_rows=1_200, seed=seed)
    found = _cluster(table)
    assert found.k == k
    assert adjusted_rand_score(truth, found.labels) >= 0.9


def test_planted_k4(planted: tuple[pd.DataFrame, np.ndarray, Clustering]) -> None:
    _, truth, found = planted
    assert found.k == 4
    assert adjusted_rand_score(truth, found.labels) >= 0.9
    # The scan stops after k=5, 6 and 7 fit worse in a row.
    assert set(found.k_scores) == set(range(2, 8)) == set(found.k_stability)
    assert found.k_reason.startswith("k=4: best fit score")
    assert max(found.k_scores, key=lambda c: found.k_scores[c]) == 4


def test_segments_numbered_by_size_and_stable(planted: tuple[pd.DataFrame, np.ndarray, Clustering]) -> None:
    _, _, found = planted
    sizes = np.bincount(found.labels)
    assert len(sizes) == found.k and np.all(np.diff(sizes) <= 0)
    assert set(found.stability_by_segment) == set(range(found.k))
    assert all(0.8 <= value <= 1.0 for value in found.stability_by_segment.values())
    assert 0.8 <= found.stability <= 1.0


def test_same_seed_same_partition(planted: tuple[pd.DataFrame, np.ndarray, Clustering]) -> None:
    table, _, found = planted
    again = _cluster(table)
    assert np.array_equal(found.labels, again.labels)
    assert found.k_scores == again.k_scores


def test_shuffled_rows_give_the_same_partition(planted: tuple[pd.DataFrame, np.ndarray, Clustering]) -> None:
    table, _, found = planted
    order = np.random.default_rng(5).permutation(len(table))
    shuffled = _cluster(table.iloc[order].reset_index(drop=True))
    assert shuffled.k == found.k
    assert np.array_equal(shuffled.labels, found.labels[order])


def test_forced_k_and_every_row_labelled(planted: tuple[pd.DataFrame, np.ndarray, Clustering]) -> None:
    table, _, _ = planted
    forced = _cluster(table, k=6)
    assert forced.k == 6 and set(forced.k_scores) == {6}
    assert forced.k_reason.startswith("k=6 was asked for")
    assert len(forced.labels) == len(table) and set(np.unique(forced.labels)) == set(range(6))
