"""The engine's k-means (segmentation/kmeans.py) gives scikit-learn's KMeans labels exactly.

EM starts from these labels, so any difference would change segments; each case is seeded and compared label
for label with `sklearn.cluster.KMeans` run with the same settings on one thread, as the engine runs it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from segmentation.kmeans import kmeans_labels


def _points(kind: str, n: int, width: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if kind == "blobs":
        centers = rng.normal(size=(5, width)) * 3
        return (centers[rng.integers(0, 5, n)] + rng.normal(size=(n, width))).astype(np.float32)
    if kind == "one-hot":  # few values per column, many tied distances
        return (rng.integers(0, 3, size=(n, width)) * 0.7).astype(np.float32)
    # few distinct rows: k-means++ draws duplicates and Lloyd relocates empty clusters
    return rng.normal(size=(3, width)).astype(np.float32)[rng.integers(0, 3, n)]


def _scikit_learn(points: np.ndarray, k: int, n_init: int, seed: int, max_iter: int) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = KMeans(n_clusters=k, n_init=n_init, random_state=seed, max_iter=max_iter).fit(points)
    return np.asarray(model.labels_)


CASES = [
    ("blobs", 3000, 40, 6, 1, 50),
    ("blobs", 1000, 2, 3, 2, 300),
    ("blobs", 700, 1, 4, 1, 50),
    ("blobs", 2500, 450, 8, 1, 50),  # wider than a BLAS block of features
    ("one-hot", 2000, 60, 12, 1, 50),
    ("one-hot", 500, 9, 2, 2, 300),
    ("few-distinct", 400, 5, 7, 1, 50),
    ("few-distinct", 300, 3, 2, 2, 300),
    ("blobs", 257, 17, 1, 1, 50),
    ("blobs", 5, 3, 5, 1, 50),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_labels_are_scikit_learns(case: tuple[str, int, int, int, int, int]) -> None:
    kind, n, width, k, n_init, max_iter = case
    for seed in (0, 12345, 2**32 - 1):
        points = _points(kind, n, width, seed % 97)
        with threadpool_limits(limits=1):
            expected = _scikit_learn(points, k, n_init, seed, max_iter)
            found = kmeans_labels(points, k, n_init=n_init, seed=seed, max_iter=max_iter)
        assert found.dtype == np.int32
        np.testing.assert_array_equal(found, expected)


def test_points_are_not_changed() -> None:
    points = _points("blobs", 300, 4, 1)
    copy = points.copy()
    kmeans_labels(points, 3, n_init=1, seed=0)
    np.testing.assert_array_equal(points, copy)


def test_too_few_rows_and_other_dtypes_are_refused() -> None:
    with pytest.raises(ValueError, match="n_samples=2"):
        kmeans_labels(np.zeros((2, 3), np.float32), 3, n_init=1, seed=0)
    with pytest.raises(TypeError, match="float32"):
        kmeans_labels(np.zeros((5, 3)), 2, n_init=1, seed=0)
