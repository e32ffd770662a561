"""The choice of k beyond Gaussian blobs: k = 1 answers, forced splits, merged components, near ties, point masses."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation import clustering, segment
from segmentation.clustering import k_reason, near_tie, scan_done, tie_reason
from segmentation.columns import prepare_table
from segmentation.features import FeatureSpace
from segmentation.mixture import Mixture
from segmentation.synthetic import planted_audience


def _homogeneous(n: int, seed: int) -> pd.DataFrame:
    """One population: skewed money, a zero-inflated count, categories; nothing planted."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "age": np.clip(rng.normal(40, 12, n), 18, 90).round(),
            "orders": rng.poisson(3, n),
            "site_visits": np.where(rng.random(n) < 0.3, 0, rng.poisson(8, n)),
            "total_spend": rng.lognormal(5, 1.0, n).round(2),
            "device": rng.choice(np.array(["iOS", "Android", "Desktop"], dtype=object), n),
        }
    )


def _correlated(n: int, seed: int) -> pd.DataFrame:
    """One population whose money columns rise together: a diagonal model tiles it with components."""
    rng = np.random.default_rng(seed)
    z = rng.multivariate_normal(np.zeros(3), [[1, 0.75, 0.6], [0.75, 1, 0.5], [0.6, 0.5, 1]], n)
    return pd.DataFrame(
        {
            "income": np.exp(10.8 + 0.5 * z[:, 0]).round(-2),
            "total_spend": np.exp(6 + 0.9 * z[:, 1]).round(2),
            "avg_basket": np.exp(3.5 + 0.6 * z[:, 2]).round(2),
        }
    )


@pytest.fixture(scope="module")
def flat() -> pd.DataFrame:
    return _homogeneous(1_200, 4)


def test_a_homogeneous_audience_is_one_segment(flat: pd.DataFrame) -> None:
    result = segment(flat)
    assert result.k == 1 and result.no_distinct_segments
    assert len(result.segments) == 1 and result.segments[0].size == len(flat)
    assert result.segments[0].name == "Whole audience"
    assert set(np.unique(result.labels)) == {0}
    assert result.k_reason.startswith("k=1: one segment for everyone"), result.k_reason
    # k=2 fits best but does not hold up; k=3, 4 and 5 fit worse in a row, so the scan stops there.
    assert set(result.k_scores) == set(range(1, 6)) and max(result.k_scores.values()) == result.k_scores[2]
    assert result.k_reason.endswith("larger k were not tried, the fit getting no better at k=3, 4 and 5."), (
        result.k_reason
    )
    data = result.to_dict()
    assert data["k"] == 1 and len(data["segments"]) == 1 and data["no_distinct_segments"] is True


def test_a_forced_split_of_a_homogeneous_audience_is_flagged(flat: pd.DataFrame) -> None:
    forced = segment(flat, k=3)
    assert forced.k == 3 and forced.no_distinct_segments
    assert forced.k_alternative is None


def test_correlated_numbers_are_one_segment_not_a_tiling() -> None:
    result = segment(_correlated(1_500, 2))
    assert result.k == 1, result.k_reason


def test_planted_segments_are_not_flagged_as_no_structure() -> None:
    rng = np.random.default_rng(1)
    truth = np.repeat([0, 1, 2], [500, 300, 200])
    table = pd.DataFrame(
        {
            "spend": rng.lognormal(np.array([3.0, 5.0, 7.0])[truth], 0.4),
            "orders": rng.poisson(np.array([1.0, 6.0, 15.0])[truth]),
            "plan": np.array(["free", "plus", "pro"], dtype=object)[truth],
        }
    )
    result = segment(table)
    assert result.k == 3 and not result.no_distinct_segments


def _model(icl_per_row: float, n: int = 1000, share: float = 0.3) -> Mixture:
    """A stand-in with the ICL and smallest share that `near_tie` reads."""
    k = 2
    log_weights = np.log(np.array([1 - share, share], dtype=np.float32))
    empty = np.zeros((k, 0), dtype=np.float32)
    n_params = 10
    log_likelihood = -(icl_per_row * n - n_params * np.log(n)) / 2
    return Mixture(log_weights, empty, empty, empty, empty, empty, float(log_likelihood), 0.0, n_params, n)


def test_near_tie_names_the_close_k_and_why() -> None:
    fits = {3: _model(-10.0), 4: _model(-10.003), 5: _model(-10.2)}
    stability = {3: 0.95, 4: 0.97, 5: 0.9}
    assert near_tie(fits, stability, 3, 0.8) == 4
    assert near_tie({3: fits[3], 5: fits[5]}, stability, 3, 0.8) is None
    # an unstable or tiny-segment neighbour is no alternative
    assert near_tie(fits, {3: 0.95, 4: 0.5, 5: 0.9}, 3, 0.8) is None
    assert tie_reason(3, 4, stability) == "it scores slightly better and is the simpler of the two"
    assert tie_reason(4, 3, {3: 0.8, 4: 0.95}) == "it is the more stable when the data is resampled"


def test_the_scan_of_k_stops_after_three_worse_fits_in_a_row_above_the_choice() -> None:
    icl = {1: 12.0, 2: 11.0, 3: 10.0, 4: 10.4, 5: 10.6, 6: 10.9}  # per row: lower fits better, so k=3 is the best
    fits = {k: _model(value) for k, value in icl.items()}
    stable = dict.fromkeys(icl, 0.95)
    assert scan_done(fits, stable)
    assert not scan_done({k: fits[k] for k in range(1, 6)}, stable)  # two worse fits are not yet a trend
    assert not scan_done({**fits, 6: _model(10.5)}, stable)  # the fit improves again at 6: go on
    # The last fit holds a segment under 5%: a merge start from k=7 could still improve the fits below.
    assert not scan_done({**fits, 6: _model(10.9, share=0.03)}, stable)
    # k=2 and k=3 do not hold up, so the choice is k=4, which is one of the three worse fits: go on.
    assert not scan_done(fits, {1: 1.0, 2: 0.5, 3: 0.5, 4: 0.95, 5: 0.95, 6: 0.95})


def test_stopping_the_scan_early_finds_what_the_full_scan_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    table, _ = planted_audience(k=3, n_rows=1_500, seed=2)
    stopped = segment(table)
    assert max(stopped.k_scores) < 12 and "larger k were not tried" in stopped.k_reason
    monkeypatch.setattr(clustering, "WORSE_IN_A_ROW", 12)
    full = segment(table)
    assert sorted(full.k_scores) == list(range(1, 13)) and "not tried" not in full.k_reason
    assert full.k == stopped.k == 3
    assert np.array_equal(full.labels, stopped.labels)


def test_the_note_never_calls_the_near_tie_worse_and_says_where_the_scan_stopped() -> None:
    """On ISLP's Smarket the report offered k=6 as fitting about equally well while the note said it fitted worse."""
    icl = {4: 22.70, 5: 22.5885, 6: 22.5914, 7: 22.70, 8: 22.75}
    fits = {k: _model(value) for k, value in icl.items()}
    stable = dict.fromkeys(icl, 0.95)
    tie = k_reason(fits, stable, 5, bar=0.8, forced=False, stopped=True, alternative=6)
    assert "; k=6 fits about as well (-22.59); larger k were not tried" in tie and "worse" not in tie
    assert "; k=6 fits worse (-22.59)" in k_reason(fits, stable, 5, bar=0.8, forced=False)
    merged = k_reason(fits, stable, 5, bar=0.8, forced=False, merged=4, stopped=True)
    assert merged.endswith("were merged; larger k were not tried, the fit getting no better at k=6, 7 and 8.")


def test_a_merged_choice_does_not_call_its_fit_the_best_when_an_unstable_k_fits_better() -> None:
    """On the wholesale file the note said "the best fit has 4 components (-17.72)" beside k=5 at -17.53."""
    fits = {4: _model(17.72), 5: _model(17.53)}  # ICL per row: fit scores -17.72 and -17.53
    reason = k_reason(fits, {4: 0.9, 5: 0.6}, 4, bar=0.8, forced=False, merged=3)
    assert reason.startswith(
        "k=3: the best fit of the candidates that refits on subsamples reproduce has 4 components (fit score "
        "-17.72, stability 0.90, needed 0.80)"
    )


def test_spikes_become_levels_and_smooth_columns_stay_numbers() -> None:
    rng = np.random.default_rng(0)
    n = 2_000
    table = pd.DataFrame(
        {
            "open_rate": np.clip(rng.normal(0.5, 0.4, n), 0, 1),  # about 11% at 0 and at 1
            "rating": rng.integers(1, 6, n),  # five values: each a level
            "income": rng.lognormal(10, 0.4, n).round(-2),  # many values, no spike
            "visits": np.where(rng.random(n) < 0.4, 0, rng.poisson(9, n)),  # a zero spike
        }
    )
    blocks = {block.name: block for block in FeatureSpace(prepare_table(table)).blocks}
    assert blocks["open_rate"].n_masses == 2 and blocks["open_rate"].interior
    assert blocks["rating"].n_masses == 5 and not blocks["rating"].interior
    assert blocks["income"].masses is None
    assert blocks["visits"].n_masses == 1 and blocks["visits"].interior
