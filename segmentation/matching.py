"""Suggesting creators for each segment: whose audience looks like the segment, relative to everyone.

`match_catalog(result, catalog, per_segment=N)` scores every creator against every segment with numpy
(the catalog becomes arrays once, see `catalog_index`), keeps creators above a minimum fit that match on at
least one signal they have data for, ranks healthy creators above flagged ones (see `credibility`), spreads
creators across segments, and explains each pick. A suggestion's score is its fit times its evidence (see
`match_evidence`): a match on gender alone can never score like one on interests, country and age. When the
file offers too little evidence nothing is suggested; a segment nobody fits gets its closest creator and why
not (`match_misses`). `match_influencers` returns only the suggestions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from segmentation import match_text
from segmentation.catalog_index import CatalogEntry, CatalogIndex, build_catalog_index
from segmentation.match_evidence import EVIDENCE, MatchEvidence, match_evidence
from segmentation.match_misses import NearMiss, closest_miss
from segmentation.match_targets import MIN_LIFT, UNKNOWN_SCORES, SegmentTarget, segment_target
from segmentation.result import AGE_BANDS, SegmentationResult
from segmentation.topics import interest_keys

__all__ = [
    "CatalogEntry",
    "CatalogIndex",
    "CatalogMatch",
    "NearMiss",
    "Suggestion",
    "build_catalog_index",
    "match_catalog",
    "match_influencers",
]

# Creators fitting a segment less than this are never suggested for it.
MIN_FIT = 0.3
# A dimension counts as a reason from this score up.
REASON_SCORE = 0.5
# Each earlier pick of the same creator (for another segment) lowers its rank by this much.
REUSE_PENALTY = 0.15
MAX_REUSE_PENALTY = 0.5
# Bigger accounts win near-ties, never more than this.
REACH_BONUS = 0.02
_PINNED_TIER = 2.0
_FLAGGED_TIER = -1.0


@dataclass(frozen=True)
class Suggestion:
    """A creator suggested for a segment: score in [0, 1] (fit times evidence, see `match_evidence`), why (at
    least one reason), and warnings."""

    platform: str
    handle: str
    score: float
    reasons: tuple[str, ...]
    flags: tuple[str, ...] = ()
    name: str | None = None
    followers: int | None = None
    pinned: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "handle": self.handle,
            "name": self.name,
            "followers": self.followers,
            "score": round(self.score, 3),
            "reasons": list(self.reasons),
            "flags": list(self.flags),
            "pinned": self.pinned,
        }


@dataclass(frozen=True)
class CatalogMatch:
    """Suggestions per segment id (best first), the evidence they rest on, and for each segment nobody fits
    (while the catalog is not empty and suggestions are not withheld) the closest creator and why not."""

    suggestions: dict[int, tuple[Suggestion, ...]]
    evidence: MatchEvidence
    closest: dict[int, NearMiss]


@dataclass
class _Pool:
    """A segment's best candidates (catalog positions) with their rank keys."""

    target: SegmentTarget
    fit: np.ndarray
    score: np.ndarray  # fit x evidence, what a suggestion shows
    candidates: np.ndarray
    keys: np.ndarray  # rank keys, lowered to -inf once chosen
    rank_keys: np.ndarray
    chosen: list[int] = field(default_factory=list)


def match_influencers(
    result: SegmentationResult,
    catalog: Sequence[CatalogEntry] | CatalogIndex,
    *,
    per_segment: int,
    pinned: frozenset[tuple[str, str]] = frozenset(),
    blocked: frozenset[tuple[str, str]] = frozenset(),
) -> dict[int, tuple[Suggestion, ...]]:
    """At most `per_segment` suggestions per segment id, best first. Keys of pinned/blocked: (platform, handle)."""
    return match_catalog(result, catalog, per_segment=per_segment, pinned=pinned, blocked=blocked).suggestions


def match_catalog(
    result: SegmentationResult,
    catalog: Sequence[CatalogEntry] | CatalogIndex,
    *,
    per_segment: int,
    pinned: frozenset[tuple[str, str]] = frozenset(),
    blocked: frozenset[tuple[str, str]] = frozenset(),
) -> CatalogMatch:
    """Suggestions for every segment with the evidence behind them and the closest creator where none fits."""
    evidence = match_evidence(result)
    index = catalog if isinstance(catalog, CatalogIndex) else build_catalog_index(catalog)
    empty: dict[int, tuple[Suggestion, ...]] = {segment.id: () for segment in result.segments}
    if per_segment <= 0 or len(index) == 0 or evidence.withheld:
        return CatalogMatch(suggestions=empty, evidence=evidence, closest={})
    pinned_mask = _mask(index, pinned)
    allowed = ~_mask(index, blocked)
    pools = {
        segment.id: _pool(segment_target(result, segment, index), index, pinned_mask, allowed, per_segment)
        for segment in result.segments
    }
    _choose(pools, len(index), per_segment)
    suggestions = {
        segment_id: tuple(_suggestion(index, pool, position, bool(pinned_mask[position])) for position in _ranked(pool))
        for segment_id, pool in pools.items()
    }
    closest = {
        segment_id: miss
        for segment_id, pool in pools.items()
        if not suggestions[segment_id] and (miss := closest_miss(pool.target, index, pool.score, allowed)) is not None
    }
    return CatalogMatch(suggestions=suggestions, evidence=evidence, closest=closest)


def _mask(index: CatalogIndex, keys: frozenset[tuple[str, str]]) -> np.ndarray:
    mask = np.zeros(len(index), dtype=bool)
    positions = [index.positions[key] for key in keys if key in index.positions]
    mask[positions] = True
    return mask


def fit_scores(target: SegmentTarget, index: CatalogIndex) -> np.ndarray:
    """How well each creator's audience fits the segment, in [0, 1] (0 when the segment has no audience data)."""
    return fit_and_evidence(target, index)[0]


def fit_and_evidence(target: SegmentTarget, index: CatalogIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per creator: the fit in [0, 1]; the evidence in [0, 1] (the share of the segment's profile the creator's
    data lets the match use, see `match_evidence`); and whether it fits on at least one signal it has data for
    (so a suggestion always has a reason)."""
    n_creators = len(index)
    total = sum(target.weights.values())
    fit = np.zeros(n_creators, dtype=np.float64)
    evidence = np.zeros(n_creators, dtype=np.float64)
    matched = np.zeros(n_creators, dtype=bool)
    if total <= 0:
        return fit, evidence, matched
    for dimension, weight in target.weights.items():
        if weight > 0:
            scores = _dimension_scores(dimension, target, index)
            known = _known(dimension, index)
            fit += weight * scores
            evidence += EVIDENCE[dimension] * known
            matched |= known & (scores > 0)
    return fit / total, evidence, matched


def _known(dimension: str, index: CatalogIndex) -> np.ndarray:
    if dimension == "interests":
        return index.has_topics
    if dimension == "country":
        return index.countries >= 0
    if dimension == "age":
        return index.ages >= 0
    return np.asarray(~np.isnan(index.female))


def _dimension_scores(dimension: str, target: SegmentTarget, index: CatalogIndex) -> np.ndarray:
    if dimension == "interests":
        matched = np.asarray(index.interests @ target.interest_weights).ravel()
        scores = 0.75 * np.minimum(1.0, matched / target.interest_top) + 0.25 * matched / target.interest_total
        return np.where(index.has_topics, scores, UNKNOWN_SCORES["interests"])
    if dimension == "country":
        return np.asarray(target.country_scores[index.countries])
    if dimension == "age":
        return np.asarray(target.age_scores[index.ages])
    assert target.female is not None
    closeness = np.clip(1 - 2 * np.abs(index.female - target.female.segment), 0.0, 1.0)
    return np.where(np.isnan(index.female), UNKNOWN_SCORES["gender"], closeness)


def _pool(
    target: SegmentTarget, index: CatalogIndex, pinned: np.ndarray, allowed: np.ndarray, per_segment: int
) -> _Pool:
    fit, evidence, matched = fit_and_evidence(target, index)
    score = fit * evidence
    reach = np.clip(np.log10(np.fmax(index.followers, 1.0)) / 9, 0.0, 1.0)  # fmax: unknown counts as 1
    tiers = np.where(pinned, _PINNED_TIER, np.where(index.flags > 0, _FLAGGED_TIER, 0.0))
    keys = tiers + score + REACH_BONUS * reach
    keys = np.where(allowed & matched & (fit >= MIN_FIT), keys, -np.inf)
    # Enough candidates that spreading creators over the segments never runs a segment dry.
    size = min(len(index), per_segment * 4 + 20)
    candidates = np.argpartition(-keys, size - 1)[:size] if size < len(index) else np.arange(len(index))
    candidates = candidates[np.isfinite(keys[candidates])]
    # Shown order: tier, then the score as shown (3 decimals), reach only between equal shown scores.
    rank_keys = tiers[candidates] + np.round(score[candidates], 3) + 1e-6 * reach[candidates]
    return _Pool(target=target, fit=fit, score=score, candidates=candidates, keys=keys[candidates], rank_keys=rank_keys)


def _choose(pools: dict[int, _Pool], n_creators: int, per_segment: int) -> None:
    """Greedy picks over all segments at once, best (segment, creator) pair first; a creator already picked
    for other segments ranks lower, so it is reused only where it still beats the alternatives."""
    uses = np.zeros(n_creators, dtype=np.float64)
    open_pools = {segment_id: pool for segment_id, pool in pools.items() if pool.candidates.size}
    while open_pools:
        best_key, best_segment, best_slot = -np.inf, -1, -1
        for segment_id, pool in open_pools.items():
            penalty = np.minimum(MAX_REUSE_PENALTY, REUSE_PENALTY * uses[pool.candidates])
            adjusted = pool.keys - penalty
            slot = int(np.argmax(adjusted))
            if adjusted[slot] > best_key:
                best_key, best_segment, best_slot = float(adjusted[slot]), segment_id, slot
        pool = open_pools[best_segment]
        pool.chosen.append(best_slot)
        uses[pool.candidates[best_slot]] += 1
        pool.keys[best_slot] = -np.inf
        if len(pool.chosen) >= per_segment or not np.isfinite(pool.keys).any():
            del open_pools[best_segment]


def _ranked(pool: _Pool) -> list[int]:
    """The chosen creators (catalog positions), best first by their own rank key: pinned, then healthy, then
    flagged, each by fit (reuse penalties only decide who is chosen)."""
    slots = np.array(pool.chosen, dtype=np.int64)
    return [int(pool.candidates[slot]) for slot in slots[np.argsort(-pool.rank_keys[slots], kind="stable")]]


def _suggestion(index: CatalogIndex, pool: _Pool, position: int, pinned: bool) -> Suggestion:
    entry = index.entries[position]
    reasons = ((match_text.PINNED_REASON,) if pinned else ()) + _reasons(pool.target, index, position)
    return Suggestion(
        platform=entry.platform,
        handle=entry.handle,
        score=round(float(pool.score[position]), 3),
        reasons=reasons,
        flags=match_text.flag_texts(
            int(index.flags[position]),
            float(index.followers[position]),
            float(index.engagement[position]),
            entry.platform,
        ),
        name=entry.name,
        followers=entry.followers,
        pinned=pinned,
    )


def _reasons(target: SegmentTarget, index: CatalogIndex, position: int) -> tuple[str, ...]:
    """A sentence for every dimension where the creator fits; the best one when none reaches REASON_SCORE."""
    scored: list[tuple[float, str]] = []
    for dimension, weight in target.weights.items():
        if weight <= 0:
            continue
        found = _dimension_reason(dimension, target, index, position)
        if found is not None:
            scored.append((weight * found[0], found[1]) if found[0] >= REASON_SCORE else (-1 + found[0], found[1]))
    scored.sort(key=lambda pair: -pair[0])
    strong = tuple(text for value, text in scored if value >= 0)
    return strong or tuple(text for _, text in scored[:1])


def _dimension_reason(
    dimension: str, target: SegmentTarget, index: CatalogIndex, position: int
) -> tuple[float, str] | None:
    if dimension == "interests":
        return _interest_reason(target, index.entries[position])
    if dimension == "country":
        code_index = int(index.countries[position])
        if code_index < 0:
            return None
        code = index.country_codes[code_index]
        shares = target.countries.get(code)
        if shares is None:
            return None
        name = target.country_names.get(code, code)
        return float(target.country_scores[code_index]), match_text.country_reason(name, shares.segment, shares.overall)
    if dimension == "age":
        return _age_reason(target, int(index.ages[position]))
    female = float(index.female[position])
    if np.isnan(female) or target.female is None:
        return None
    closeness = max(0.0, 1 - 2 * abs(female - target.female.segment))
    return closeness, match_text.gender_reason(female, target.female.segment)


def _age_reason(target: SegmentTarget, band_index: int) -> tuple[float, str] | None:
    if band_index < 0 or target.age_scores[band_index] <= 0:
        return None
    band = AGE_BANDS[band_index]
    score = float(target.age_scores[band_index])
    if band in target.ages:
        shares = target.ages[band]
        return score, match_text.age_reason(band, shares.segment, shares.overall)
    # Only a neighbouring band is in the segment: the audience half-fits.
    neighbours = [AGE_BANDS[i] for i in (band_index - 1, band_index + 1) if 0 <= i < len(AGE_BANDS)]
    near = max((b for b in neighbours if b in target.ages), key=lambda b: target.ages[b].segment)
    return score, match_text.age_neighbour_reason(band, near, target.ages[near].segment)


def _interest_reason(target: SegmentTarget, entry: CatalogEntry) -> tuple[float, str] | None:
    best: tuple[float, str] | None = None
    for topic in entry.topics:
        for key in interest_keys(topic):
            shares = target.interests.get(key)
            if shares is None:
                continue
            # Only an over-represented interest is a strong reason; a common one is a fallback.
            strength = min(1.0, 0.5 + shares.lift - MIN_LIFT) if shares.lift >= MIN_LIFT else 0.3
            if best is None or strength > best[0]:
                overall = shares.overall if shares.overall_exact else None
                # The segment's own word: its "food" and a creator's "Food & Cooking" meet on the key "cooking",
                # and "(cooking), an interest of 49%" would give food's share to cooking.
                best = strength, match_text.interest_reason(topic, shares.label or key, shares.segment, overall)
    return best
