"""Where to start: segments ranked by what they are worth, each place with its reason in one line.

The order, best first:
- with an outcome column (bought, converted, responded, ...): by the outcome's lift over the whole audience,
  segments whose 95% interval lies wholly above the overall rate first; for an outcome a campaign wants to
  avoid (churned, defaulted, cancelled, complained) the lowest rate ranks first;
- else with a value column: by share of the total value x sqrt(value per person index). Share alone favours a
  large segment of middling customers; the index alone favours a handful of outliers. The blend puts first the
  segment that holds much of the value *and* where each person is worth more, which is where a per-head
  campaign budget returns most (on the sample audience: the 12% frequent high spenders with 42% of spend at
  3.5x rank above the 22% lapsed high-income buyers with 47% at 2.1x);
- else by size, and `ranking_note` says so in one sentence.
Ties fall back to size, then to the segment id, so the order is always the same for the same result.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from segmentation.result import SegmentProfile

AVOIDED_OUTCOMES = ("churn", "cancel", "default", "complain", "unsubscrib", "return", "refund", "lapsed")
NO_WORTH_NOTE = "No spend or outcome column found, so segments are ranked by size; add --value COL."


class OutcomeLike(Protocol):
    """An outcome rate per segment (`segmentation.result.OutcomeRate` once outcomes are found by the engine)."""

    @property
    def column(self) -> str: ...
    @property
    def rate(self) -> float: ...
    @property
    def overall(self) -> float: ...
    @property
    def lift(self) -> float: ...
    @property
    def ci(self) -> tuple[float, float]: ...


@dataclass(frozen=True)
class RankedSegment:
    """One place of the ranking: the segment id and why it sits there."""

    segment: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"segment": self.segment, "reason": self.reason}


def rank_segments(
    segments: Sequence[SegmentProfile],
    *,
    outcomes: Mapping[int, Sequence[OutcomeLike]] | None = None,
    row_noun: str = "people",
) -> tuple[RankedSegment, ...]:
    """Every segment once, best first (see the module docstring for the order)."""
    first_outcome = {sid: rates[0] for sid, rates in (outcomes or {}).items() if rates}
    if first_outcome and len(first_outcome) == len(segments):
        ordered = sorted(segments, key=lambda p: (_outcome_key(first_outcome[p.id]), -p.size, p.id))
        return tuple(RankedSegment(p.id, _outcome_reason(p, first_outcome[p.id], row_noun)) for p in ordered)
    if segments and all(p.value is not None for p in segments):
        ordered = sorted(segments, key=lambda p: (-_worth_score(p), -p.size, p.id))
        return tuple(RankedSegment(p.id, _value_reason(p, row_noun)) for p in ordered)
    ordered = sorted(segments, key=lambda p: (-p.size, p.id))
    return tuple(RankedSegment(p.id, f"{p.size:,} {row_noun} ({_pct(p.share)} of the audience)") for p in ordered)


def ranking_note(value_column: str | None, outcome_columns: Sequence[str] = ()) -> str | None:
    """The one sentence a report shows when nothing says what segments are worth; None otherwise."""
    return None if value_column or outcome_columns else NO_WORTH_NOTE


def is_avoided(column: str) -> bool:
    """An outcome a campaign wants less of (churn, default, ...): a low rate is the good one."""
    words = re.sub(r"[^a-z]+", " ", column.lower())
    return any(word in words for word in AVOIDED_OUTCOMES)


def value_phrase(profile: SegmentProfile, row_noun: str = "people") -> str:
    """ "12% of people, 55% of revenue" for a segment with a value; "" without."""
    if profile.value is None:
        return ""
    return f"{_pct(profile.share)} of {row_noun}, {_pct(profile.value.share)} of {profile.value.column}"


def _outcome_key(rate: OutcomeLike) -> tuple[int, float]:
    if is_avoided(rate.column):
        confident = rate.ci[1] < rate.overall
        return (0 if confident else 1, rate.rate)
    confident = rate.ci[0] > rate.overall
    return (0 if confident else 1, -rate.lift)


def _outcome_reason(profile: SegmentProfile, rate: OutcomeLike, row_noun: str) -> str:
    reason = (
        f"{rate.column} {_pct(rate.rate)} vs {_pct(rate.overall)} overall ({rate.lift:.1f}x), "
        f"{profile.size:,} {row_noun}"
    )
    if profile.value is not None:
        reason += f"; {_pct(profile.value.share)} of {profile.value.column}"
    return reason


def _value_reason(profile: SegmentProfile, row_noun: str) -> str:
    assert profile.value is not None
    return f"{value_phrase(profile, row_noun)} ({profile.value.per_person_index:.1f}x the average per person)"


def _worth_score(profile: SegmentProfile) -> float:
    if profile.value is None:
        return 0.0
    return profile.value.share * math.sqrt(max(profile.value.per_person_index, 0.0))


def _pct(share: float) -> str:
    percent = share * 100
    if 0 < percent < 1:
        return f"{percent:.1f}%"
    return f"{percent:.0f}%"
