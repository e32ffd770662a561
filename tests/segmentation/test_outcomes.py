"""Outcome columns: found by name, kept out of the clustering, reported per segment with a Wilson interval."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from segmentation import InvalidOptionError, segment
from segmentation.columns import prepare_table
from segmentation.outcomes import wilson_interval
from segmentation.value import value_column


@pytest.fixture(scope="module")
def audience() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(3)
    truth = np.repeat([0, 1], [700, 300])
    table = pd.DataFrame(
        {
            "spend": rng.lognormal(np.array([3.0, 6.0])[truth], 0.4).round(2),
            "plan": np.array(["free", "pro"], dtype=object)[truth],
            "age": rng.normal(40, 10, 1000).round(),
            "bought": np.where(rng.random(1000) < np.array([0.05, 0.3])[truth], "yes", "no"),
            "Purchase": (rng.random(1000) < 0.1).astype(int),
            "newsletter_opt_in": rng.random(1000) < 0.5,
        }
    )
    return table, truth


def test_outcome_columns_are_found_and_kept_out(audience: tuple[pd.DataFrame, np.ndarray]) -> None:
    table, _ = audience
    roles = {role.name: role for role in prepare_table(table).roles}
    for name in ("bought", "Purchase"):
        assert roles[name].semantic == "outcome" and not roles[name].used
        assert roles[name].reason.startswith("outcome (yes/no result): kept out of the clustering")
    assert roles["newsletter_opt_in"].used and roles["newsletter_opt_in"].semantic is None


def test_outcome_rates_per_segment(audience: tuple[pd.DataFrame, np.ndarray]) -> None:
    table, _ = audience
    result = segment(table)
    assert result.outcome_columns == ("bought", "Purchase")
    overall = float((table["bought"] == "yes").mean())
    for profile in result.segments:
        bought = next(o for o in profile.outcomes if o.column == "bought")
        members = result.labels == profile.id
        assert bought.rate == pytest.approx(float((table["bought"][members] == "yes").mean()))
        assert bought.overall == pytest.approx(overall)
        assert bought.lift == pytest.approx(bought.rate / overall)
        assert bought.ci[0] <= bought.rate <= bought.ci[1]
    rates = sorted(o.rate for p in result.segments for o in p.outcomes if o.column == "bought")
    assert rates[-1] > 2 * rates[0]  # the pro segment buys far more often
    data = result.to_dict()
    assert data["outcome_columns"] == ["bought", "Purchase"]
    first = data["segments"][0]["outcomes"][0]
    assert set(first) == {"column", "rate", "overall", "lift", "ci"} and len(first["ci"]) == 2


def test_outcome_and_cluster_on_flags(audience: tuple[pd.DataFrame, np.ndarray]) -> None:
    table, _ = audience
    chosen = prepare_table(table, outcomes=["newsletter_opt_in"])
    roles = {role.name: role for role in chosen.roles}
    assert roles["newsletter_opt_in"].semantic == "outcome" and not roles["newsletter_opt_in"].used
    assert roles["bought"].used and roles["bought"].semantic is None  # naming outcomes replaces the automatic ones
    back = {role.name: role for role in prepare_table(table, cluster_on=["bought"]).roles}
    assert back["bought"].used and back["bought"].semantic == "outcome"
    with pytest.raises(InvalidOptionError, match="not a yes/no column"):
        prepare_table(table, outcomes=["spend"])
    with pytest.raises(InvalidOptionError, match="'age' is not an outcome column"):
        prepare_table(table, cluster_on=["age"])
    with pytest.raises(InvalidOptionError, match="There is no column 'bougth' in --outcome; did you mean 'bought'"):
        prepare_table(table, outcomes=["bougth"])


@pytest.mark.parametrize(("successes", "n"), [(0, 10), (3, 10), (10, 10), (208, 1000), (1, 3)])
def test_wilson_interval_matches_the_formula(successes: int, n: int) -> None:
    low, high = wilson_interval(successes, n)
    p, z = successes / n, stats.norm.ppf(0.975)
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    assert (low, high) == pytest.approx((max(0.0, centre - half), min(1.0, centre + half)))
    assert 0.0 <= low <= p <= high <= 1.0
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_a_two_category_outcome_is_refused_with_the_values_named() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"status": rng.choice(["Active", "Churned"], 200), "spend": rng.gamma(2, 50, 200)})
    with pytest.raises(InvalidOptionError, match=r"has two values \(Active, Churned\) but Segbot cannot tell"):
        prepare_table(frame, outcomes=["status"])


def test_a_net_value_column_is_refused_for_its_negative_rows_not_its_total() -> None:
    rng = np.random.default_rng(0)
    amounts = rng.gamma(2, 50, 400)
    amounts[:40] *= -1  # 10% refunds, the total stays positive
    frame = pd.DataFrame({"net_revenue": amounts, "age": rng.integers(18, 70, 400)})
    with pytest.raises(InvalidOptionError, match=r"negative amounts in 10% of rows"):
        value_column(prepare_table(frame), "net_revenue")


def test_a_restaurant_bill_is_the_value_column_of_a_bills_file() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "total_bill": rng.gamma(4, 5, 300).round(2),
            "tip": rng.gamma(2, 1.5, 300).round(2),
            "size": rng.integers(1, 6, 300),
        }
    )
    chosen = value_column(prepare_table(frame))
    assert chosen is not None and chosen.name == "total_bill"
