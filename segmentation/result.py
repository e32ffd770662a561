"""The result of a segmentation: frozen dataclasses that every other part of Segbot reads.

This is the pinned interface. Fields may be added; none may be renamed or removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

Role = Literal[
    "numeric",
    "categorical",
    "multilabel",
    "date",
    "boolean",
    "identifier",
    "free_text",
    "constant",
    "empty",
    "excluded",
]

AGE_BANDS: tuple[str, ...] = ("13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")


@dataclass(frozen=True)
class ColumnRole:
    """What Segbot decided a column is, whether it feeds the clustering, and why."""

    name: str
    role: Role
    used: bool
    reason: str
    weight: float = 0.0
    missing_share: float = 0.0
    # What the column means for the audience mix, when recognised: "age", "gender", "country",
    # "interests", "birth_year"; None otherwise.
    semantic: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ColumnRole:
        return cls(
            name=data["name"],
            role=data["role"],
            used=data["used"],
            reason=data["reason"],
            weight=data.get("weight", 0.0),
            missing_share=data.get("missing_share", 0.0),
            semantic=data.get("semantic"),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "used": self.used,
            "reason": self.reason,
            "weight": round(self.weight, 4),
            "missing_share": round(self.missing_share, 4),
            "semantic": self.semantic,
        }


@dataclass(frozen=True)
class FeatureEffect:
    """One way a segment differs from the whole audience.

    kind "numeric": segment_value / overall_value are medians, effect is the standardized difference
    (segment mean minus overall mean, over the overall standard deviation).
    kind "category" / "label": segment_value / overall_value are shares in [0, 1] of rows having `value`,
    effect is the lift (segment share / overall share).
    """

    column: str
    kind: Literal["numeric", "category", "label"]
    label: str
    value: str | None
    segment_value: float
    overall_value: float
    effect: float
    # How to show a numeric feature's values: "currency", "percent", "days", "years", "year" (calendar) or None.
    unit: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureEffect:
        return cls(
            column=data["column"],
            kind=data["kind"],
            label=data["label"],
            value=data.get("value"),
            segment_value=data["segment_value"],
            overall_value=data["overall_value"],
            effect=data["effect"],
            unit=data.get("unit"),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "kind": self.kind,
            "label": self.label,
            "value": self.value,
            "segment_value": _round(self.segment_value),
            "overall_value": _round(self.overall_value),
            "effect": _round(self.effect),
            "unit": self.unit,
        }


@dataclass(frozen=True)
class AudienceMix:
    """An audience summary in the vocabulary influencer tools use.

    Shares are fractions of the rows where the value is known; `*_known` says what fraction that is.
    `countries` holds ISO 3166 alpha-2 codes with their share, best first; `country_names` maps code to name.
    """

    age_bands: dict[str, float] = field(default_factory=dict)
    age_known: float = 0.0
    gender: dict[str, float] = field(default_factory=dict)
    gender_known: float = 0.0
    countries: tuple[tuple[str, float], ...] = ()
    country_names: dict[str, str] = field(default_factory=dict)
    countries_known: float = 0.0
    interests: tuple[tuple[str, float], ...] = ()
    interests_known: float = 0.0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AudienceMix:
        countries = tuple((c["code"], c["share"]) for c in data.get("countries", []))
        return cls(
            age_bands=dict(data.get("age_bands", {})),
            age_known=data.get("age_known", 0.0),
            gender=dict(data.get("gender", {})),
            gender_known=data.get("gender_known", 0.0),
            countries=countries,
            country_names={c["code"]: c["name"] for c in data.get("countries", [])},
            countries_known=data.get("countries_known", 0.0),
            interests=tuple((i["interest"], i["share"]) for i in data.get("interests", [])),
            interests_known=data.get("interests_known", 0.0),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "age_bands": {band: _round(share) for band, share in self.age_bands.items()},
            "age_known": _round(self.age_known),
            "gender": {g: _round(share) for g, share in self.gender.items()},
            "gender_known": _round(self.gender_known),
            "countries": [
                {"code": code, "name": self.country_names.get(code, code), "share": _round(share)}
                for code, share in self.countries
            ],
            "countries_known": _round(self.countries_known),
            "interests": [{"interest": name, "share": _round(share)} for name, share in self.interests],
            "interests_known": _round(self.interests_known),
        }


@dataclass(frozen=True)
class OutcomeRate:
    """How often a yes/no outcome (bought, churned, ...) happened in one segment, against the whole audience.

    Rates are fractions in [0, 1] of the rows where the outcome is known; `lift` is rate / overall (0 when
    nobody in the audience has the outcome); `ci` is the Wilson 95% interval of the segment's rate.
    """

    column: str
    rate: float
    overall: float
    lift: float
    ci: tuple[float, float]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OutcomeRate:
        low, high = data["ci"]
        return cls(
            column=data["column"],
            rate=data["rate"],
            overall=data["overall"],
            lift=data["lift"],
            ci=(float(low), float(high)),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "rate": _round(self.rate),
            "overall": _round(self.overall),
            "lift": _round(self.lift),
            "ci": [_round(self.ci[0]), _round(self.ci[1])],
        }


@dataclass(frozen=True)
class SegmentValue:
    """What one segment is worth on the value column (spend, revenue, orders, ...).

    `share` is the segment's part of the column's total (0-1); `per_person_index` is its value per person over
    the audience's value per person (1.0 = the average person; share / the segment's share of people).
    """

    column: str
    share: float
    per_person_index: float

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SegmentValue:
        return cls(column=data["column"], share=data["share"], per_person_index=data["per_person_index"])

    def to_dict(self) -> dict[str, Any]:
        return {"column": self.column, "share": _round(self.share), "per_person_index": _round(self.per_person_index)}


@dataclass(frozen=True)
class CampaignBrief:
    """A campaign brief for one segment, built only from the data (see `segmentation.brief`).

    `who`: the name and its strongest differences in one line; `differences`: those differences in plain words;
    `cares_about`: interests, categories and products that over-index; `reach`: channels, devices, platforms,
    times or countries that over-index; `lead_with`: message angles from what over-indexes; `worth`: what the
    segment is worth (value share and index, outcome rates), or its size when the file says nothing of worth.
    """

    who: str
    differences: tuple[str, ...]
    cares_about: tuple[str, ...]
    reach: tuple[str, ...]
    lead_with: tuple[str, ...]
    worth: str

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CampaignBrief:
        return cls(
            who=data["who"],
            differences=tuple(data.get("differences", [])),
            cares_about=tuple(data.get("cares_about", [])),
            reach=tuple(data.get("reach", [])),
            lead_with=tuple(data.get("lead_with", [])),
            worth=data.get("worth", ""),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "who": self.who,
            "differences": list(self.differences),
            "cares_about": list(self.cares_about),
            "reach": list(self.reach),
            "lead_with": list(self.lead_with),
            "worth": self.worth,
        }


@dataclass(frozen=True)
class SegmentProfile:
    """One segment: who is in it and what sets it apart."""

    id: int
    size: int
    share: float
    name: str
    features: tuple[FeatureEffect, ...]
    audience: AudienceMix
    stability: float
    confidence_note: str | None = None
    outcomes: tuple[OutcomeRate, ...] = ()
    value: SegmentValue | None = None  # None: the file has no value column
    brief: CampaignBrief | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SegmentProfile:
        return cls(
            id=data["id"],
            size=data["size"],
            share=data["share"],
            name=data["name"],
            features=tuple(FeatureEffect.from_dict(f) for f in data.get("features", [])),
            audience=AudienceMix.from_dict(data.get("audience", {})),
            stability=data.get("stability", 0.0),
            confidence_note=data.get("confidence_note"),
            outcomes=tuple(OutcomeRate.from_dict(o) for o in data.get("outcomes", [])),
            value=SegmentValue.from_dict(data["value"]) if data.get("value") else None,
            brief=CampaignBrief.from_dict(data["brief"]) if data.get("brief") else None,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "size": self.size,
            "share": _round(self.share),
            "name": self.name,
            "features": [f.to_dict() for f in self.features],
            "audience": self.audience.to_dict(),
            "stability": _round(self.stability),
            "confidence_note": self.confidence_note,
            "outcomes": [o.to_dict() for o in self.outcomes],
            "value": self.value.to_dict() if self.value else None,
            "brief": self.brief.to_dict() if self.brief else None,
        }


@dataclass(frozen=True)
class SegmentationResult:
    """Everything `segmentation.segment` found. `labels[i]` is the segment id of input row i."""

    labels: np.ndarray
    segments: tuple[SegmentProfile, ...]
    k: int
    k_scores: dict[int, float]
    k_reason: str
    stability: float
    columns: tuple[ColumnRole, ...]
    n_rows: int
    audience: AudienceMix
    seed: int = 0
    # Per candidate k: how well refits on subsamples reproduce the fit (adjusted Rand, 1 = always).
    k_stability: dict[int, float] = field(default_factory=dict)
    # A near tie: another k that fits about as well as `k` (None when the choice is clear or k was forced),
    # and in plain words why `k` is the one shown.
    k_alternative: int | None = None
    k_alternative_reason: str | None = None
    # True when a single segment describes the audience as well as any split: k == 1, or a forced split the
    # data does not support (renderers then warn that the segments are a forced split).
    no_distinct_segments: bool = False
    # When the best fit's components were merged (numbers that rise together inside one segment): how many.
    k_merged_from: int | None = None
    # Yes/no outcome columns (bought, churned, ...) kept out of the clustering unless asked, shown per segment.
    outcome_columns: tuple[str, ...] = ()
    # What one row is, in the words reports use: "people", "customers", "bills", "transactions", "channels",
    # "accounts", "rows".
    row_noun: str = "people"
    # The column segments are valued on (spend, revenue, orders, ...); None when the file has none.
    value_column: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SegmentationResult:
        """Rebuild a stored result (labels are not stored, so they come back empty)."""
        return cls(
            labels=np.empty(0, dtype=np.int32),
            segments=tuple(SegmentProfile.from_dict(s) for s in data["segments"]),
            k=data["k"],
            k_scores={int(k): v for k, v in data.get("k_scores", {}).items()},
            k_reason=data.get("k_reason", ""),
            stability=data.get("stability", 0.0),
            columns=tuple(ColumnRole.from_dict(c) for c in data.get("columns", [])),
            n_rows=data["rows"],
            audience=AudienceMix.from_dict(data.get("audience", {})),
            seed=data.get("seed", 0),
            k_stability={int(k): v for k, v in data.get("k_stability", {}).items()},
            k_alternative=data.get("k_alternative"),
            k_alternative_reason=data.get("k_alternative_reason"),
            no_distinct_segments=data.get("no_distinct_segments", False),
            k_merged_from=data.get("k_merged_from"),
            outcome_columns=tuple(data.get("outcome_columns", [])),
            row_noun=data.get("row_noun", "people"),
            value_column=data.get("value_column"),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.n_rows,
            "k": self.k,
            "k_scores": {str(k): _round(score) for k, score in sorted(self.k_scores.items())},
            "k_stability": {str(k): _round(value) for k, value in sorted(self.k_stability.items())},
            "k_reason": self.k_reason,
            "k_alternative": self.k_alternative,
            "k_alternative_reason": self.k_alternative_reason,
            "no_distinct_segments": self.no_distinct_segments,
            "k_merged_from": self.k_merged_from,
            "stability": _round(self.stability),
            "seed": self.seed,
            "columns": [c.to_dict() for c in self.columns],
            "audience": self.audience.to_dict(),
            "outcome_columns": list(self.outcome_columns),
            "row_noun": self.row_noun,
            "value_column": self.value_column,
            "segments": [s.to_dict() for s in self.segments],
        }


def _round(value: float) -> float:
    return round(float(value), 4)
