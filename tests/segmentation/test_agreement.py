"""The adjusted Rand index of segmentation/agreement.py: known answers, and scikit-learn's value to the bit."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from segmentation.agreement import adjusted_rand


def test_known_answers() -> None:
    labels = np.array([0, 0, 1, 1, 2, 2])
    assert adjusted_rand(labels, labels) == 1.0
    assert adjusted_rand(labels, np.array([5, 5, 3, 3, 9, 9])) == 1.0  # same partition, other names
    assert adjusted_rand(np.zeros(6, int), np.zeros(6, int)) == 1.0
    # By hand (Hubert and Arabie): pairs together in both 2, expected 3 * 6 / 15 = 1.2, maximum (3 + 6) / 2 = 4.5,
    # so (2 - 1.2) / (4.5 - 1.2) = 0.2424...
    assert adjusted_rand(labels, np.array([0, 0, 0, 1, 1, 1])) == pytest.approx(0.24242424242424243)


@pytest.mark.parametrize("seed", range(20))
def test_same_float_as_scikit_learn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 5000))
    labels = rng.integers(0, int(rng.integers(1, 13)), n)
    other = np.where(rng.random(n) < rng.random(), labels, rng.integers(0, int(rng.integers(1, 13)), n))
    assert adjusted_rand(labels, other) == adjusted_rand_score(labels, other)
    assert adjusted_rand(other, labels) == adjusted_rand_score(labels, other)
