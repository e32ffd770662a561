"""For a segment no creator fits: the closest creator in the catalog and, in plain words, why it falls short."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from segmentation import match_text
from segmentation.catalog_index import CatalogIndex
from segmentation.match_targets import SegmentTarget, Shares
from segmentation.result import AGE_BANDS


@dataclass(frozen=True)
class NearMiss:
    """The best creator for a segment that still fits too little to suggest: its score and why not."""

    platform: str
    handle: str
    score: float
    why_not: str

    def to_dict(self) -> dict[str, object]:
        return {"platform": self.platform, "handle": self.handle, "score": self.score, "why_not": self.why_not}


def closest_miss(target: SegmentTarget, index: CatalogIndex, score: np.ndarray, allowed: np.ndarray) -> NearMiss | None:
    """The allowed creator with the highest score, and its weakest signal (the largest weighted shortfall)."""
    ranked = np.where(allowed, score, -np.inf)
    if not np.isfinite(ranked).any():
        return None
    position = int(np.argmax(ranked))
    if ranked[position] <= 0 and int(np.count_nonzero(ranked == ranked[position])) > 1:
        return None  # every creator matches on nothing: naming one of them "closest" would be an arbitrary pick
    entry = index.entries[position]
    shortfalls = {
        dimension: weight * (1 - _score(dimension, target, index, position))
        for dimension, weight in target.weights.items()
        if weight > 0
    }
    weakest = max(shortfalls, key=lambda dimension: shortfalls[dimension]) if shortfalls else None
    why = _why_not(weakest, target, index, position) if weakest else "this segment has no audience data to match"
    return NearMiss(platform=entry.platform, handle=entry.handle, score=round(float(score[position]), 3), why_not=why)


def _score(dimension: str, target: SegmentTarget, index: CatalogIndex, position: int) -> float:
    if dimension == "interests":
        row = index.interests.getrow(position)
        matched = float(np.asarray(row @ target.interest_weights).ravel()[0]) if index.has_topics[position] else 0.0
        return min(1.0, matched / target.interest_top) if target.interest_top > 0 else 0.0
    if dimension == "country":
        return float(target.country_scores[index.countries[position]]) if index.countries[position] >= 0 else 0.0
    if dimension == "age":
        return float(target.age_scores[index.ages[position]]) if index.ages[position] >= 0 else 0.0
    female = float(index.female[position])
    if np.isnan(female) or target.female is None:
        return 0.0
    return max(0.0, 1 - 2 * abs(female - target.female.segment))


def _why_not(dimension: str, target: SegmentTarget, index: CatalogIndex, position: int) -> str:
    entry = index.entries[position]
    if dimension == "interests":
        wanted = ", ".join(sorted(target.interests, key=lambda key: -target.interests[key].segment)[:3])
        if not entry.topics:
            return f"no topics in the catalog, while this segment is into {wanted}"
        return f"posts about {', '.join(entry.topics[:2])}, while this segment is into {wanted}"
    if dimension == "country":
        top, share = _top(target.countries)
        name = target.country_names.get(top, top)
        if entry.audience_country is None:
            return f"no audience country in the catalog, while {match_text.percent(share)} of this segment is in {name}"
        mine = target.countries.get(entry.audience_country)
        mine_share = match_text.percent(mine.segment) if mine else "almost none"
        return (
            f"audience mostly in {entry.audience_country}, where {mine_share} of this segment is "
            f"({_where_most(name, share)})"
        )
    if dimension == "age":
        top, share = _top(target.ages)
        band = AGE_BANDS[int(index.ages[position])] if index.ages[position] >= 0 else None
        if band is None:
            return f"no audience age in the catalog, while {_segment_age(top, share)}"
        return f"audience mostly aged {band}, while {_segment_age(top, share)}"
    assert target.female is not None
    segment = match_text.percent(target.female.segment)
    if np.isnan(index.female[position]):
        return f"no audience gender split in the catalog, while this segment is {segment} female"
    return f"audience {match_text.percent(float(index.female[position]))} female, this segment {segment}"


def _segment_age(top: str, share: float) -> str:
    """'this segment is mostly 35-44 (62%)' only for a majority; a plurality is called the largest group."""
    if share > 0.5:
        return f"this segment is mostly {top} ({match_text.percent(share)})"
    return f"this segment's largest age group is {top} ({match_text.percent(share)})"


def _where_most(name: str, share: float) -> str:
    if share > 0.5:
        return f"most are in {name}, {match_text.percent(share)}"
    return f"the largest share is in {name}, {match_text.percent(share)}"


def _top(shares: dict[str, Shares]) -> tuple[str, float]:
    best = max(shares, key=lambda key: shares[key].segment)
    return best, shares[best].segment
