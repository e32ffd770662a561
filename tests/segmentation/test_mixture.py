"""The EM core (segmentation/mixture.py) against reference formulas: scipy.stats densities, weighted moments.

Every test builds a small seeded feature space with one of each block kind (a number with missing cells, a
category with missing cells, a multi-label column with unknown cells), so each column group of the design
matrix is exercised.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from segmentation.features import FeatureSpace
from segmentation.mixture import (
    LABEL_PRIOR,
    LEVEL_PRIOR,
    VARIANCE_FLOOR,
    Mixture,
    MixtureData,
    e_step,
    em_posterior,
    encode,
    fit_mixture,
    m_step,
    n_parameters,
    row_max,
    row_sum,
)
from tests.segmentation.prepared_tables import categorical, multilabel, numeric, table

N_ROWS = 300


@pytest.fixture(scope="module")
def space() -> FeatureSpace:
    rng = np.random.default_rng(3)
    group = rng.integers(0, 2, N_ROWS)
    spend = rng.normal(np.where(group == 1, 3.0, -1.0), 1.0)
    spend[rng.random(N_ROWS) < 0.1] = np.nan
    age = rng.normal(40, 10, N_ROWS)
    plans = np.array(["basic", "plus", "pro"])[np.where(group == 1, rng.integers(1, 3, N_ROWS), 0)]
    plan = [None if rng.random() < 0.1 else str(value) for value in plans]
    pool = ["fitness", "travel", "gaming", "food"]
    cells: list[str | None] = []
    for row in range(N_ROWS):
        draw = rng.random()
        if draw < 0.08:
            cells.append(None)
        else:
            chosen = [label for label in pool if rng.random() < (0.7 if (label == "fitness") == group[row] else 0.2)]
            cells.append("|".join(chosen))
    return FeatureSpace(
        table(numeric("spend", spend), numeric("age", age), categorical("plan", plan), multilabel("interests", cells))
    )


@pytest.fixture(scope="module")
def data(space: FeatureSpace) -> MixtureData:
    return encode(space, np.arange(N_ROWS))


def _fitted(data: MixtureData, k: int = 2) -> Mixture:
    start = (np.arange(data.n_rows) % k).astype(np.int32)
    return fit_mixture(data, start, k)


def test_design_columns_are_named_groups_in_order(data: MixtureData) -> None:
    groups = data.columns
    assert (data.n_numbers, data.n_levels, data.n_labels) == (2, 3, 4)
    widths = [
        g.stop - g.start
        for g in (groups.numbers, groups.squares, groups.present, groups.levels, groups.labels, groups.label_known)
    ]
    assert widths == [2, 2, 2, 3, 4, 4]
    assert groups.label_known.stop == data.design.shape[1]
    numbers, squares = data.design[:, groups.numbers], data.design[:, groups.squares]
    np.testing.assert_allclose(squares, numbers**2, rtol=1e-6)
    # a missing number is 0 with presence 0; a missing category is an all-zero row of levels
    assert np.all(numbers[data.design[:, groups.present] == 0] == 0)
    assert set(np.unique(data.design[:, groups.levels].sum(axis=1))) == {0.0, 1.0}


def test_log_joint_term_by_term_against_scipy(space: FeatureSpace, data: MixtureData) -> None:
    model = _fitted(data, 3)
    joint = model.log_joint(data)
    groups = data.columns
    numbers, present = data.design[:, groups.numbers], data.design[:, groups.present]
    levels = data.design[:, groups.levels]
    labels, known = data.design[:, groups.labels], data.design[:, groups.label_known]
    for row in range(0, N_ROWS, 7):
        for segment in range(model.k):
            expected = float(model.log_weights[segment])
            for j in range(data.n_numbers):
                if present[row, j]:
                    expected += stats.norm.logpdf(
                        numbers[row, j], loc=model.means[segment, j], scale=np.sqrt(model.variances[segment, j])
                    )
            level = np.flatnonzero(levels[row])
            if level.size:
                expected += float(model.log_levels[segment, level[0]])
            for label in range(data.n_labels):
                if known[row, label]:
                    rate = np.exp(model.log_labels[segment, label])
                    expected += stats.bernoulli.logpmf(int(labels[row, label]), rate)
            assert joint[row, segment] == pytest.approx(expected, rel=1e-4, abs=1e-3)


def test_log_likelihood_is_the_log_sum_of_the_joint(data: MixtureData) -> None:
    model = _fitted(data)
    joint = model.log_joint(data).astype(np.float64)
    expected = float(np.logaddexp.reduce(joint, axis=1).sum())
    posterior, log_likelihood, entropy = e_step(model, data)
    assert log_likelihood == pytest.approx(expected, rel=1e-6)
    assert model.log_likelihood == pytest.approx(expected, rel=1e-6)
    np.testing.assert_allclose(posterior.sum(axis=1), 1.0, rtol=1e-5)
    assert entropy == pytest.approx(-(posterior * np.log(np.maximum(posterior, 1e-300))).sum(), rel=1e-3)


@pytest.mark.parametrize("k", [1, 2, 5, 7, 8, 9, 12])
def test_e_step_gives_numpys_log_sum_exp_bit_for_bit(data: MixtureData, k: int) -> None:
    """The E-step reduces over the k segments column by column (faster than numpy's reductions along such a
    short axis); it must give exactly numpy's numbers, or every fit, score and segment would move."""
    start = np.random.default_rng(k).integers(0, k, data.n_rows).astype(np.int32)
    model = fit_mixture(data, start, k, max_iter=3)
    joint = model.log_joint(data).astype(np.float64)
    top = joint.max(axis=1, keepdims=True)
    norm = (top + np.log(np.exp(joint - top).sum(axis=1, keepdims=True))).ravel()
    posterior, log_likelihood, _ = e_step(model, data)
    assert np.array_equal(posterior, np.exp(joint - norm[:, None]).astype(np.float32))
    assert log_likelihood == float(norm.sum())


@pytest.mark.parametrize("k", [1, 2, 5, 8, 12])
def test_em_loop_posterior_is_the_e_steps_to_float32_rounding(data: MixtureData, k: int) -> None:
    """EM's loop divides by each row's sum instead of exponentiating again: the same posterior as the E-step to
    the last float32 bit on these rows, and the same log-likelihood to float64 rounding."""
    start = np.random.default_rng(k).integers(0, k, data.n_rows).astype(np.int32)
    model = fit_mixture(data, start, k, max_iter=3)
    posterior, log_likelihood, _ = e_step(model, data)
    fast, fast_log_likelihood = em_posterior(model, data)
    assert fast.dtype == np.float32
    np.testing.assert_array_max_ulp(fast, posterior, maxulp=1)
    assert fast_log_likelihood == pytest.approx(log_likelihood, rel=1e-12)


@pytest.mark.parametrize("k", range(1, 17))
def test_row_reductions_are_numpys_bit_for_bit(k: int) -> None:
    rng = np.random.default_rng(k)
    for spread in (1.0, 30.0, 300.0):
        logs = rng.normal(0.0, spread, (2_000, k))
        with np.errstate(over="ignore", under="ignore"):
            values = np.exp(logs)
        assert np.array_equal(row_sum(values), values.sum(axis=1))
        assert np.array_equal(row_max(logs), logs.max(axis=1))


def test_m_step_matches_weighted_moments(space: FeatureSpace, data: MixtureData) -> None:
    rng = np.random.default_rng(8)
    responsibilities = rng.dirichlet(np.ones(3), size=N_ROWS).astype(np.float32)
    model = m_step(data, responsibilities)
    groups = data.columns
    numbers, present = data.design[:, groups.numbers], data.design[:, groups.present].astype(bool)
    codes = space.blocks[2].codes
    assert codes is not None
    labels, known = data.design[:, groups.labels], data.design[:, groups.label_known].astype(bool)
    for segment in range(3):
        weights = responsibilities[:, segment].astype(np.float64)
        assert np.exp(model.log_weights[segment]) == pytest.approx(weights.sum() / N_ROWS, rel=1e-4)
        for j in range(data.n_numbers):
            rows = present[:, j]
            mean = np.average(numbers[rows, j], weights=weights[rows])
            variance = np.average((numbers[rows, j] - mean) ** 2, weights=weights[rows])
            assert model.means[segment, j] == pytest.approx(mean, rel=1e-4, abs=1e-5)
            assert model.variances[segment, j] == pytest.approx(max(variance, VARIANCE_FLOOR), rel=1e-3)
        counts = np.array([weights[codes == level].sum() for level in range(data.n_levels)]) + LEVEL_PRIOR
        np.testing.assert_allclose(np.exp(model.log_levels[segment]), counts / counts.sum(), rtol=1e-4)
        for label in range(data.n_labels):
            rows = known[:, label]
            rate = (np.sum(weights[rows] * labels[rows, label]) + LABEL_PRIOR) / (weights[rows].sum() + 2 * LABEL_PRIOR)
            assert np.exp(model.log_labels[segment, label]) == pytest.approx(rate, rel=1e-4)
            assert np.exp(model.log_no_labels[segment, label]) == pytest.approx(1 - rate, rel=1e-4)


def test_variance_floor_holds_for_a_constant_segment(data: MixtureData) -> None:
    responsibilities = np.zeros((N_ROWS, 2), dtype=np.float32)
    responsibilities[:, 0] = 1.0
    responsibilities[0, :] = (0.0, 1.0)  # one row alone: zero spread
    model = m_step(data, responsibilities)
    assert np.all(model.variances[1] == pytest.approx(VARIANCE_FLOOR))


@pytest.mark.parametrize("k", [1, 2, 4])
def test_parameter_count(data: MixtureData, k: int) -> None:
    # 2 numbers (mean + variance each), plan with 3 levels (2 free), 4 labels (one rate each); k - 1 weights
    expected = (k - 1) + k * (2 * 2 + 2 + 4)
    assert n_parameters(data, k) == expected
    model = m_step(data, np.eye(k, dtype=np.float32)[np.arange(N_ROWS) % k])
    assert model.n_params == expected
    assert model.bic == pytest.approx(-2 * model.log_likelihood + expected * np.log(N_ROWS))


def test_em_never_lowers_the_log_likelihood(data: MixtureData) -> None:
    model = m_step(data, np.eye(3, dtype=np.float32)[np.arange(N_ROWS) % 3])
    trace = []
    for _ in range(40):
        posterior, log_likelihood, _ = e_step(model, data)
        trace.append(log_likelihood)
        model = m_step(data, posterior)
    steps = np.diff(trace)
    # EM with the small level/label priors maximises the penalised likelihood; float32 products add noise
    assert np.all(steps >= -1e-5 * abs(trace[-1]))
    assert trace[-1] > trace[0]


def test_fit_separates_the_planted_groups(space: FeatureSpace, data: MixtureData) -> None:
    model = _fitted(data)
    assert model.k == 2
    spend = data.design[:, data.columns.numbers][:, 0]
    labels = model.predict(data)
    high = int(np.argmax(model.means[:, 0]))
    assert spend[labels == high].mean() > spend[labels != high].mean() + 1.0


def test_reordered_keeps_each_segment_together(data: MixtureData) -> None:
    model = _fitted(data, 3)
    order = np.array([2, 0, 1])
    again = model.reordered(order)
    np.testing.assert_allclose(again.log_joint(data), model.log_joint(data)[:, order], rtol=1e-6)
