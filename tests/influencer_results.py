"""Hand-built segmentation results with known audiences, for the influencer matching and storage tests."""

from __future__ import annotations

import numpy as np

from segmentation.catalog_index import CatalogEntry
from segmentation.result import AudienceMix, SegmentationResult, SegmentProfile


def mix(
    countries: dict[str, float],
    interests: dict[str, float],
    ages: dict[str, float] | None = None,
    female: float | None = None,
) -> AudienceMix:
    return AudienceMix(
        age_bands=ages or {},
        age_known=1.0 if ages else 0.0,
        gender={} if female is None else {"female": female, "male": 1 - female},
        gender_known=0.0 if female is None else 1.0,
        countries=tuple(sorted(countries.items(), key=lambda pair: -pair[1])),
        countries_known=1.0,
        interests=tuple(sorted(interests.items(), key=lambda pair: -pair[1])),
        interests_known=1.0 if interests else 0.0,
    )


def result_of(overall: AudienceMix, *segments: AudienceMix) -> SegmentationResult:
    profiles = tuple(
        SegmentProfile(
            id=number,
            size=100,
            share=1 / len(segments),
            name=f"segment {number}",
            features=(),
            audience=audience,
            stability=0.9,
        )
        for number, audience in enumerate(segments)
    )
    return SegmentationResult(
        labels=np.zeros(0, dtype=np.int32),
        segments=profiles,
        k=len(segments),
        k_scores={},
        k_reason="",
        stability=0.9,
        columns=(),
        n_rows=100 * len(segments),
        audience=overall,
    )


# Two segments against one audience: Brazilian fitness fans aged 25-34, mostly women; young US gamers, mostly men.
OVERALL = mix(
    {"US": 0.5, "BR": 0.3, "DE": 0.2},
    {"fitness": 0.3, "gaming": 0.3, "music": 0.5},
    {"18-24": 0.4, "25-34": 0.4, "35-44": 0.2},
    female=0.5,
)
FITNESS_BR = mix(
    {"BR": 0.78, "US": 0.12, "DE": 0.1},
    {"fitness": 0.7, "music": 0.5},
    {"18-24": 0.2, "25-34": 0.7, "35-44": 0.1},
    female=0.8,
)
GAMERS_US = mix(
    {"US": 0.8, "BR": 0.1, "DE": 0.1},
    {"gaming": 0.7, "music": 0.5},
    {"18-24": 0.7, "25-34": 0.2, "35-44": 0.1},
    female=0.2,
)
TWO_SEGMENTS = result_of(OVERALL, FITNESS_BR, GAMERS_US)


def creator(
    handle: str,
    topics: tuple[str, ...],
    country: str | None,
    *,
    platform: str = "instagram",
    followers: int = 250_000,
    engagement: float | None = 0.03,
    age: str | None = None,
    female: float | None = None,
) -> CatalogEntry:
    return CatalogEntry(
        platform=platform,
        handle=handle,
        followers=followers,
        engagement_rate=engagement,
        topics=topics,
        audience_country=country,
        audience_age=age,
        audience_female_pct=female,
    )
