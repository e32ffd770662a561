"""Seeded audiences described group by group, turned into SegmentationResults the way the engine profiles them.

Each group has a size, numeric means (within-group standard deviation 1) and country shares. Like the engine's
profiles, a profile lists at most one value per column and only effects of at least 0.3 (filled up to three),
so tracking has to cope with features left out; the audience mix holds the full country and gender shares.
Sampling noise is drawn from the seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from segmentation.result import AudienceMix, ColumnRole, FeatureEffect, SegmentationResult, SegmentProfile

NUMERIC = ("age", "orders", "spend")
COUNTRIES = ("DE", "FR", "US")


@dataclass(frozen=True)
class Group:
    name: str
    size: int
    means: tuple[float, float, float]
    countries: tuple[float, float, float]
    genders: tuple[float, float] = (0.5, 0.5)
    extra: dict[str, float] = field(default_factory=dict)


def audience(groups: list[Group], *, seed: int = 0, order: list[int] | None = None) -> SegmentationResult:
    """A SegmentationResult for `groups`; `order` shuffles which engine id each group gets."""
    rng = np.random.default_rng(seed)
    sizes = np.array([g.size for g in groups], dtype=float)
    weights = sizes / sizes.sum()
    means = np.array([g.means for g in groups]) + rng.normal(0, 0.03, (len(groups), 3))
    overall_mean = weights @ means
    overall_std = np.sqrt(1 + weights @ ((means - overall_mean) ** 2))
    country = np.array([g.countries for g in groups])
    country = np.clip(country + rng.normal(0, 0.01, country.shape), 0, 1)
    country = country / country.sum(axis=1, keepdims=True)
    overall_country = weights @ country
    genders = np.array([g.genders for g in groups])
    overall_gender = weights @ genders
    ids = order or list(range(len(groups)))
    segments = []
    for index, group in enumerate(groups):
        features = [
            FeatureEffect(
                column=column,
                kind="numeric",
                label=column,
                value=None,
                segment_value=float(means[index, j] * 10 + 40),
                overall_value=float(overall_mean[j] * 10 + 40),
                effect=float((means[index, j] - overall_mean[j]) / overall_std[j]),
            )
            for j, column in enumerate(NUMERIC)
        ]
        countries = [
            FeatureEffect(
                column="country",
                kind="category",
                label=f"country = {code}",
                value=code,
                segment_value=float(country[index, j]),
                overall_value=float(overall_country[j]),
                effect=float(country[index, j] / overall_country[j]),
            )
            for j, code in enumerate(COUNTRIES)
        ]
        features.append(max(countries, key=lambda f: f.effect))
        features.sort(key=_strength, reverse=True)
        kept = [f for f in features if _strength(f) >= 0.3]
        features = kept if len(kept) >= 3 else features[:3]
        segments.append(
            SegmentProfile(
                id=ids[index],
                size=group.size,
                share=float(weights[index]),
                name=group.name,
                features=tuple(features),
                audience=_mix(genders[index], country[index]),
                stability=0.9,
            )
        )
    segments.sort(key=lambda s: s.id)
    return SegmentationResult(
        labels=np.repeat([s.id for s in segments], [s.size for s in segments]).astype(np.int32),
        segments=tuple(segments),
        k=len(groups),
        k_scores={},
        k_reason="planted",
        stability=0.9,
        columns=(
            *(ColumnRole(c, "numeric", True, "planted") for c in NUMERIC),
            ColumnRole("country", "categorical", True, "planted", semantic="country"),
        ),
        n_rows=int(sizes.sum()),
        audience=_mix(overall_gender, overall_country),
    )


def _strength(feature: FeatureEffect) -> float:
    return abs(feature.effect) if feature.kind == "numeric" else abs(float(np.log(max(feature.effect, 1e-6))))


def _mix(genders: np.ndarray, countries: np.ndarray) -> AudienceMix:
    return AudienceMix(
        gender={"female": float(genders[0]), "male": float(genders[1])},
        gender_known=1.0,
        countries=tuple((code, float(share)) for code, share in zip(COUNTRIES, countries, strict=True)),
        countries_known=1.0,
    )


YOUNG = Group("Young Germans", 400, (-2.0, 0.0, 0.0), (0.8, 0.1, 0.1))
SPENDERS = Group("Big spenders", 300, (0.0, 0.5, 2.5), (0.2, 0.2, 0.6))
LOYAL = Group("Loyal French", 200, (1.5, 2.0, 0.0), (0.1, 0.8, 0.1))
QUIET = Group("Quiet Americans", 300, (1.0, -1.5, -1.0), (0.1, 0.1, 0.8), genders=(0.3, 0.7))
BASE = [YOUNG, SPENDERS, LOYAL, QUIET]
