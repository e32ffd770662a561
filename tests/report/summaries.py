"""Segmentation summaries for the report tests, built from the real result dataclasses (then `to_dict()`).

Tests edit the summary as stored JSON, then `typed(summary)` gives the `ReportInput` renderers read.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bot.report.report_input import ReportInput
from segmentation.matching import Suggestion
from segmentation.result import AudienceMix, ColumnRole, FeatureEffect, SegmentationResult, SegmentProfile

COUNTRIES = (("BR", "Brazil"), ("US", "United States"), ("DE", "Germany"), ("IN", "India"), ("FR", "France"))
INTERESTS = ("gaming", "music", "fitness", "travel", "cooking", "fashion")
COLUMNS = (
    ColumnRole("age", "numeric", True, "numbers from 16 to 70", 1.0, semantic="age"),
    ColumnRole("country", "categorical", True, "12 distinct values", 1.0, semantic="country"),
    ColumnRole("interests", "multilabel", True, "lists of labels separated by ;", 1.0, semantic="interests"),
    ColumnRole("email", "identifier", False, "every value is unique, so it cannot describe a group"),
)


def audience(index: int) -> AudienceMix:
    (code, name), (other_code, other_name) = COUNTRIES[index % 5], COUNTRIES[(index + 1) % 5]
    return AudienceMix(
        age_bands={"18-24": 0.52, "25-34": 0.30, "35-44": 0.12, "45-54": 0.06},
        age_known=0.97,
        gender={"female": 0.61, "male": 0.37, "non-binary": 0.02},
        gender_known=0.8,
        countries=((code, 0.78), (other_code, 0.1)),
        country_names={code: name, other_code: other_name},
        countries_known=1.0,
        interests=((INTERESTS[index % 6], 0.7), (INTERESTS[(index + 2) % 6], 0.41)),
        interests_known=0.92,
    )


def features(n_features: int, column_name: str = "interests") -> tuple[FeatureEffect, ...]:
    found = [
        FeatureEffect("age", "numeric", "age", None, 24, 38, -1.3),
        FeatureEffect("country", "category", "country: Brazil", "Brazil", 0.78, 0.12, 6.5),
    ]
    found += [
        FeatureEffect(column_name, "label", f"{column_name}: topic {j}", f"topic {j}", 0.05, 0.4, 0.125)
        for j in range(n_features)
    ]
    return tuple(found[:n_features])


def influencer(handle: str, *, name: str | None = "Ana Souza", flags: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "platform": "instagram",
        "handle": handle,
        "name": name,
        "followers": 125_000,
        "score": 0.82,
        "reasons": ["78% of her audience is in Brazil", "posts about gaming"],
        "flags": list(flags),
    }


def summary(
    k: int = 4,
    rows: int = 3000,
    *,
    names: tuple[str, ...] = (),
    n_features: int = 4,
    column_name: str = "interests",
    columns: tuple[ColumnRole, ...] = COLUMNS,
) -> dict[str, Any]:
    """A result with k segments of equal size; the last segment is small when `rows` is small."""
    sizes = [rows // k] * k
    sizes[0] += rows - sum(sizes)
    segments = tuple(
        SegmentProfile(
            id=i + 1,
            size=size,
            share=size / rows,
            name=names[i] if i < len(names) else f"Young Brazilian gamers {i + 1}",
            features=features(n_features, column_name),
            audience=audience(i),
            stability=0.9 - 0.05 * i,
            confidence_note="Small segment: treat its differences as a hint." if size < 100 else None,
        )
        for i, size in enumerate(sizes)
    )
    result = SegmentationResult(
        labels=np.zeros(rows, dtype=np.int32),
        segments=segments,
        k=k,
        k_scores={n: 0.3 + 0.02 * n for n in range(2, 13)},
        k_reason=f"{k} segments separate the audience best while staying stable.",
        stability=0.82,
        columns=columns,
        n_rows=rows,
        audience=audience(0),
    )
    return result.to_dict()


def with_influencers(data: dict[str, Any], per_segment: int = 3) -> dict[str, Any]:
    for segment in data["segments"]:
        segment["influencers"] = [
            influencer(f"creator{segment['id']}_{j}", flags=("engagement looks bought",) if j == 0 else ())
            for j in range(per_segment)
        ]
    return data


def typed(data: dict[str, Any]) -> ReportInput:
    """The report input of a summary: the result, and per-segment "influencers" when a segment has that key."""
    result = SegmentationResult.from_dict(data)
    asked = any("influencers" in segment for segment in data["segments"])
    suggestions = {
        int(segment["id"]): tuple(_suggestion(s) for s in segment.get("influencers", ()))
        for segment in data["segments"]
    }
    return ReportInput.of(result, suggestions if asked else None, catalog_size=data.get("catalog_size"))


def _suggestion(data: dict[str, Any]) -> Suggestion:
    return Suggestion(
        platform=data["platform"],
        handle=data["handle"],
        score=data["score"],
        reasons=tuple(data["reasons"]),
        flags=tuple(data.get("flags", ())),
        name=data.get("name"),
        followers=data.get("followers"),
        pinned=bool(data.get("pinned")),
    )
