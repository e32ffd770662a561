"""Value per segment and the ranking, checked against pandas on real customer files (shared data sets always;
tables shipped in PyPI packages when the package is installed)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bot.report.report_input import ReportInput
from segmentation import SegmentationResult, segment
from segmentation.errors import InvalidOptionError
from segmentation.ranking import NO_WORTH_NOTE, rank_segments, ranking_note, times_average
from tests.targeting.public_tables import cdnow_customers, islp_table, segmented, shared_file

PERSONALITY = ("customer_personality", "marketing_campaign.csv")
WHOLESALE = ("wholesale_customers", "Wholesale customers data.csv")
MALL = ("mall_customers", "Mall_Customers.csv")


def assert_values_match_pandas(frame: pd.DataFrame, result: SegmentationResult, column: str) -> None:
    """share = segment sum / total, index = share / share of rows: recomputed with pandas from the labels."""
    values = pd.to_numeric(frame[column], errors="coerce")
    by_segment = values.groupby(result.labels).sum() / values.sum()
    people = pd.Series(result.labels).value_counts(normalize=True)
    assert result.value_column == column
    for profile in result.segments:
        assert profile.value is not None and profile.value.column == column
        assert profile.value.share == pytest.approx(by_segment[profile.id], abs=1e-9)
        assert profile.value.per_person_index == pytest.approx(by_segment[profile.id] / people[profile.id], rel=1e-9)
    assert sum(p.value.share for p in result.segments if p.value) == pytest.approx(1.0)


def test_personality_spend_and_response_match_pandas_and_the_best_responders_rank_first() -> None:
    path = shared_file(*PERSONALITY)
    frame = pd.read_csv(path, sep="\t")
    result = segment(path.read_bytes(), value="MntWines")
    assert_values_match_pandas(frame, result, "MntWines")
    assert result.outcome_columns == ("Response",)
    response = frame["Response"].groupby(result.labels).mean()
    for profile in result.segments:
        (rate,) = profile.outcomes
        assert rate.rate == pytest.approx(response[profile.id], abs=1e-9)
        assert rate.lift == pytest.approx(response[profile.id] / frame["Response"].mean(), rel=1e-9)
    ranking = ReportInput.of(result).ranking
    assert ranking[0].segment == response.idxmax()
    assert "Response" in ranking[0].reason and "of wine spend (MntWines)" in ranking[0].reason
    assert "clearly higher" in ranking[0].reason


def test_value_alone_ranks_by_share_weighted_by_value_per_person() -> None:
    frame = pd.read_csv(shared_file(*PERSONALITY), sep="\t").drop(columns=["Response"])
    result = segment(frame.to_csv(index=False).encode(), value="MntWines")
    assert result.outcome_columns == ()
    ranking = ReportInput.of(result).ranking
    scores = {p.id: p.value.share * p.value.per_person_index**0.5 for p in result.segments if p.value}
    assert [r.segment for r in ranking] == sorted(scores, key=lambda s: -scores[s])
    assert "of wine spend (MntWines)" in ranking[0].reason


def test_wholesale_an_explicit_value_column_matches_pandas() -> None:
    path = shared_file(*WHOLESALE)
    frame = pd.read_csv(path, sep=";")
    result = segment(path.read_bytes(), value="Grocery")
    assert_values_match_pandas(frame, result, "Grocery")


def test_a_file_without_value_or_outcome_keeps_its_report_and_gets_the_note() -> None:
    result = segmented(*MALL)
    # "SpendingScore (1-100)" is a score, not money: no value column.
    assert result.value_column is None
    assert all(p.value is None for p in result.segments)
    report = ReportInput.of(result)
    assert report.ranking_note == NO_WORTH_NOTE
    data = report.to_dict()
    assert data["value_column"] is None
    sizes = {p.id: p.size for p in result.segments}
    assert [r["segment"] for r in data["ranking"]] == sorted(sizes, key=lambda s: (-sizes[s], s))


def test_value_column_found_automatically_prefers_money_over_counts() -> None:
    rng = np.random.default_rng(3)
    n = 300
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 70, n),
            "orders": rng.integers(1, 20, n),
            "total_revenue": rng.gamma(2.0, 50.0, n).round(2),
            "satisfaction_score": rng.integers(1, 10, n),
        }
    )
    result = segment(frame, seed=1)
    assert result.value_column == "total_revenue"
    assert_values_match_pandas(frame, result, "total_revenue")


def test_an_unknown_value_column_is_one_sentence() -> None:
    with pytest.raises(InvalidOptionError, match="--value nope is not a numeric column"):
        segment(shared_file(*MALL).read_bytes(), value="nope")


def test_cdnow_the_frequent_recent_high_spenders_are_ranked_first() -> None:
    frame = cdnow_customers()
    result = segment(frame.to_csv(index=False).encode())
    assert_values_match_pandas(frame, result, "total_spend")
    top = next(p for p in result.segments if p.id == ReportInput.of(result).ranking[0].segment)
    assert top.value is not None and top.value.per_person_index > 3
    assert "high spenders" in top.name.lower()


class _Rate:
    def __init__(self, column: str, rate: float, overall: float, ci: tuple[float, float]) -> None:
        self.column, self.rate, self.overall, self.ci = column, rate, overall, ci
        self.lift = rate / overall


def test_outcomes_when_given_rank_by_confident_lift_and_avoided_outcomes_by_low_rate() -> None:
    result = segmented(*MALL)
    ids = [p.id for p in result.segments]
    bought = {i: [_Rate("bought", 0.06 * (1 + i), 0.1, (0.05 * (1 + i), 0.07 * (1 + i)))] for i in ids}
    ranked = rank_segments(result.segments, outcomes=bought)
    assert ranked[0].segment == max(ids)
    assert "bought" in ranked[0].reason and "overall" in ranked[0].reason
    churned = {i: [_Rate("churned", 0.06 * (1 + i), 0.1, (0.05 * (1 + i), 0.07 * (1 + i)))] for i in ids}
    assert rank_segments(result.segments, outcomes=churned)[0].segment == min(ids)
    assert ranking_note(None, ("bought",)) is None


def test_outcome_rates_that_cannot_be_told_apart_from_overall_say_so_and_fall_back_to_size() -> None:
    result = segmented(*MALL)
    assert result.value_column is None and len(result.segments) >= 3
    ids = sorted(p.id for p in result.segments)
    # Every interval holds the overall rate except the last segment's, wholly above it.
    bought = {i: [_Rate("bought", 0.1 + 0.01 * i, 0.1, (0.05, 0.2))] for i in ids[:-1]}
    bought[ids[-1]] = [_Rate("bought", 0.3, 0.1, (0.25, 0.35))]
    ranked = rank_segments(result.segments, outcomes=bought)
    assert ranked[0].segment == ids[-1] and "clearly higher" in ranked[0].reason
    sizes = {p.id: p.size for p in result.segments}
    assert [r.segment for r in ranked[1:]] == sorted(ids[:-1], key=lambda s: (-sizes[s], s))
    assert all("not clearly different from overall" in r.reason and "placed by size" in r.reason for r in ranked[1:])


def test_a_rate_told_apart_but_hardly_different_is_slightly_not_clearly_lower() -> None:
    """On 200,000 rows 20.0% vs 20.5% is beyond chance, but "clearly lower" beside "(1.0x)" read as a contradiction."""
    result = segmented(*MALL)
    ids = sorted(p.id for p in result.segments)
    churned = {i: [_Rate("churned", 0.205, 0.205, (0.195, 0.215))] for i in ids}
    churned[ids[0]] = [_Rate("churned", 0.200, 0.205, (0.198, 0.202))]
    churned[ids[-1]] = [_Rate("churned", 0.100, 0.205, (0.090, 0.110))]
    reasons = {r.segment: r.reason for r in rank_segments(result.segments, outcomes=churned)}
    assert "(1.0x), slightly lower, beyond chance (95% interval" in reasons[ids[0]]
    assert "(0.5x), clearly lower (95% interval" in reasons[ids[-1]]


def islp_outcomes(table: str, outcome: str) -> tuple[pd.DataFrame, SegmentationResult, pd.Series]:
    """The table, its segmentation, and the outcome's rate per segment as pandas computes it."""
    data = islp_table(table)
    frame = pd.read_csv(io.BytesIO(data))
    result = segment(data)
    flags = (frame[outcome] == "Yes").astype(float)
    rates = flags.groupby(result.labels).mean()
    for profile in result.segments:
        (rate,) = [o for o in profile.outcomes if o.column == outcome]
        assert rate.rate == pytest.approx(rates[profile.id], abs=1e-9)
        assert rate.overall == pytest.approx(flags.mean(), abs=1e-9)
        assert rate.lift == pytest.approx(rates[profile.id] / flags.mean(), rel=1e-9)
        assert rate.ci[0] <= rate.rate <= rate.ci[1]
    assert ReportInput.of(result).ranking_note is None
    return frame, result, rates


def test_caravan_the_segment_that_clearly_buys_the_policy_more_often_ranks_first() -> None:
    _, result, rates = islp_outcomes("Caravan", "Purchase")
    ranking = ReportInput.of(result).ranking
    assert ranking[0].segment == rates.idxmax()
    top = next(p.outcomes[0] for p in result.segments if p.id == ranking[0].segment)
    assert top.ci[0] > top.overall, "its 95% interval lies wholly above the overall rate"
    assert ranking[0].reason.startswith(f"Purchase {top.rate * 100:.1f}% vs {top.overall * 100:.1f}% overall")
    assert "clearly higher" in ranking[0].reason


def test_default_no_segment_is_clearly_safer_so_the_top_place_says_so_and_the_riskier_one_is_last() -> None:
    _, result, rates = islp_outcomes("Default", "default")
    ranking = ReportInput.of(result).ranking
    by_id = {p.id: p for p in result.segments}
    # default is an outcome to avoid: the segment clearly above the overall rate (pandas: the highest) is last.
    assert ranking[-1].segment == rates.idxmax() and "clearly higher" in ranking[-1].reason
    risky = by_id[ranking[-1].segment].outcomes[0]
    assert risky.ci[0] > risky.overall
    # The others' intervals hold the overall rate: no place is earned by the outcome, so they go by size.
    rest = [by_id[r.segment] for r in ranking[:-1]]
    assert all(p.outcomes[0].ci[0] <= p.outcomes[0].overall <= p.outcomes[0].ci[1] for p in rest)
    assert [p.id for p in rest] == sorted((p.id for p in rest), key=lambda s: (-by_id[s].size, s))
    assert "not clearly different from overall" in ranking[0].reason and "placed by size" in ranking[0].reason


def test_a_mistyped_value_column_gets_a_suggestion() -> None:
    sample = Path(__file__).resolve().parents[2] / "bot" / "samples" / "sample_audience.csv"
    with pytest.raises(InvalidOptionError, match=r"--value total_spnd is not .*; did you mean 'total_spend'\?$"):
        segment(sample.read_bytes(), value="total_spnd")


@pytest.mark.parametrize(
    ("index", "words"), [(3.456, "3.5x"), (0.2, "0.2x"), (0.049, "under 0.1x"), (0.0001, "under 0.1x"), (0.0, "0.0x")]
)
def test_a_segment_worth_almost_nothing_is_not_called_zero_times_the_average(index: float, words: str) -> None:
    """CDNOW and marketing_campaign showed "0.0x the average per person" for segments that spend a little."""
    assert times_average(index) == words
