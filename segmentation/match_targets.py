"""What a segment looks for in a creator, relative to the whole audience.

For each dimension (interests, country, age band, gender) a score per possible creator value in [0, 1] and a
weight: dimensions where the segment differs from the whole audience weigh more, and within interests the
over-represented ones (by lift) carry the weight, not what everyone has.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from segmentation.catalog_index import CatalogIndex
from segmentation.countries import country_name
from segmentation.result import AGE_BANDS, AudienceMix, SegmentationResult, SegmentProfile
from segmentation.topics import interest_keys

# How much each dimension counts before looking at how distinctive the segment is on it.
BASE_WEIGHTS = {"interests": 1.0, "country": 0.8, "age": 0.5, "gender": 0.4}
# The score of a creator whose value on a dimension is unknown.
UNKNOWN_SCORES = {"interests": 0.2, "country": 0.3, "age": 0.4, "gender": 0.5}
# An interest counts as over-represented from this lift up.
MIN_LIFT = 1.05
# The share assumed for a value the whole audience's (top-N) summary does not list, when it lists everything.
UNLISTED_SHARE = 0.01


@dataclass(frozen=True)
class Shares:
    """A value's share in the segment and in the whole audience (`overall_exact` False: an upper bound)."""

    segment: float
    overall: float
    overall_exact: bool = True
    label: str | None = None  # the segment's own word for an interest ("food"), which its key may differ from

    @property
    def lift(self) -> float:
        return self.segment / max(self.overall, UNLISTED_SHARE)


@dataclass(frozen=True, eq=False)
class SegmentTarget:
    """One segment's scoring arrays, aligned with a `CatalogIndex`; the last slot of each is "unknown"."""

    weights: dict[str, float]
    interest_weights: np.ndarray  # per index.interest_names
    # Over all of the segment's interests, also those no creator covers (so nobody is scored on a partial list).
    interest_top: float
    interest_total: float
    interests: dict[str, Shares]
    country_scores: np.ndarray  # per index.country_codes + unknown
    countries: dict[str, Shares]
    age_scores: np.ndarray  # per AGE_BANDS + unknown
    ages: dict[str, Shares]
    female: Shares | None
    country_names: dict[str, str]


def segment_target(result: SegmentationResult, segment: SegmentProfile, index: CatalogIndex) -> SegmentTarget:
    interests = _interest_shares(result, segment)
    countries = _listed_shares(dict(segment.audience.countries), dict(result.audience.countries))
    ages = _listed_shares(segment.audience.age_bands, result.audience.age_bands)
    female = _female(segment.audience, result.audience)
    by_interest = _interest_weight_by_key(interests)
    interest_distinct = max((s.segment - s.overall for s in interests.values()), default=0.0)
    weights = {
        "interests": _weight("interests", max(0.0, interest_distinct)) if by_interest else 0.0,
        "country": _weight("country", _distance(countries)) if countries else 0.0,
        "age": _weight("age", _distance(ages)) if ages else 0.0,
        "gender": _weight("gender", abs(female.segment - female.overall)) if female else 0.0,
    }
    age_scores = _value_scores(ages, AGE_BANDS, UNKNOWN_SCORES["age"])
    return SegmentTarget(
        weights=weights,
        interest_weights=np.array([by_interest.get(name, 0.0) for name in index.interest_names], dtype=np.float64),
        interest_top=max(by_interest.values(), default=0.0),
        interest_total=sum(by_interest.values()),
        interests=interests,
        country_scores=_value_scores(countries, index.country_codes, UNKNOWN_SCORES["country"]),
        countries=countries,
        age_scores=_with_neighbours(age_scores),
        ages=ages,
        female=female,
        country_names={code: segment.audience.country_names.get(code) or country_name(code) for code in countries},
    )


def _weight(dimension: str, distinctiveness: float) -> float:
    return BASE_WEIGHTS[dimension] * (0.4 + min(1.0, 2 * distinctiveness))


def _interest_shares(result: SegmentationResult, segment: SegmentProfile) -> dict[str, Shares]:
    """Shares per interest word: from the segment's audience mix, made exact by its label effects if any."""
    listed = _listed_shares(dict(segment.audience.interests), dict(result.audience.interests))
    interest_columns = {column.name for column in result.columns if column.semantic == "interests"}
    for feature in segment.features:
        if feature.kind == "label" and feature.value and feature.column in interest_columns:
            listed[feature.value] = Shares(feature.segment_value, feature.overall_value, label=feature.value)
    by_key: dict[str, Shares] = {}
    for label, shares in listed.items():
        for key in interest_keys(label):
            if key not in by_key or shares.segment > by_key[key].segment:
                by_key[key] = shares
    return by_key


def _listed_shares(segment: dict[str, float], overall: dict[str, float]) -> dict[str, Shares]:
    """Segment shares with the overall share of each value; an unlisted overall value is bounded by the
    smallest listed one (the summaries keep only the top few)."""
    floor = min(overall.values()) if len(overall) >= 5 else UNLISTED_SHARE
    return {
        value: Shares(share, overall.get(value, floor), value in overall, label=value)
        for value, share in segment.items()
        if share > 0
    }


def _interest_weight_by_key(interests: dict[str, Shares]) -> dict[str, float]:
    """Weight per interest word: share x log2(lift) for over-represented ones (else half the plain share)."""
    raised = {key: s.segment * math.log2(s.lift) for key, s in interests.items() if s.lift >= MIN_LIFT}
    return raised or {key: 0.5 * s.segment for key, s in interests.items()}


def _distance(shares: dict[str, Shares]) -> float:
    """Total variation distance between the segment's and the audience's distributions (listed values)."""
    return 0.5 * sum(abs(s.segment - s.overall) for s in shares.values())


def _value_scores(shares: dict[str, Shares], values: tuple[str, ...], unknown: float) -> np.ndarray:
    """Score per value: its share relative to the segment's top value, damped when under-represented."""
    top = max((s.segment for s in shares.values()), default=0.0)
    scores = np.zeros(len(values) + 1, dtype=np.float64)
    scores[-1] = unknown
    if top <= 0:
        return scores
    for position, value in enumerate(values):
        if value in shares:
            share = shares[value]
            scores[position] = share.segment / top * min(1.0, share.lift)
    return scores


def _with_neighbours(scores: np.ndarray) -> np.ndarray:
    """An audience in the next age band up or down still half-fits."""
    bands = scores[:-1]
    shifted = np.maximum(np.r_[bands[1:], 0.0], np.r_[0.0, bands[:-1]]) * 0.5
    return np.asarray(np.r_[np.maximum(bands, shifted), scores[-1]])


def _female(segment: AudienceMix, overall: AudienceMix) -> Shares | None:
    segment_share, overall_share = _female_share(segment), _female_share(overall)
    if segment_share is None or overall_share is None:
        return None
    return Shares(segment_share, overall_share)


def _female_share(mix: AudienceMix) -> float | None:
    total = sum(mix.gender.values())
    if total <= 0 or ("female" not in mix.gender and "male" not in mix.gender):
        return None
    return mix.gender.get("female", 0.0) / total
