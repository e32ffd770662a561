"""Seeded planted segments and a catalog with known right answers, for the influencer matching benchmark.

Each planted segment has its own country, interest and age band. For each one the catalog holds right
matches (its topic under a real-world category name, its country and age), near misses with the right age
and gender mix (right topic in the wrong country; right country with the wrong topic), all with more
followers than the right matches, and
suspicious accounts that fit perfectly but have bought followers or likes, no audience data or tiny reach.
Plus background creators on random topics.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from segmentation.catalog_index import CatalogEntry
from segmentation.result import AGE_BANDS, AudienceMix, SegmentationResult, SegmentProfile


@dataclass(frozen=True)
class Planted:
    country: str
    interest: str
    category: str  # how creators about the interest are filed
    age: str
    female: float


PLANTED = (
    Planted("BR", "fitness", "Fitness & Gym", "25-34", 0.72),
    Planted("US", "gaming", "Video games", "18-24", 0.22),
    Planted("DE", "finance", "Finance & Economics", "35-44", 0.4),
    Planted("FR", "cooking", "Food & Drinks", "45-54", 0.66),
    Planted("IN", "tech", "Science & Technology", "25-34", 0.3),
    Planted("MX", "beauty", "Beauty", "18-24", 0.86),
    Planted("GB", "parenting", "Family", "35-44", 0.8),
    Planted("ES", "sports", "Sports with a ball", "18-24", 0.3),
    Planted("CA", "travel", "Nature & landscapes", "55-64", 0.55),
    Planted("IT", "fashion", "Clothing & Outfits", "25-34", 0.78),
)
INTERESTS = (*(p.interest for p in PLANTED), "music", "movies")
CATEGORIES = (*(p.category for p in PLANTED), "Music", "Movies")
COUNTRIES = tuple(p.country for p in PLANTED)
RIGHT, TOPIC_ONLY, COUNTRY_ONLY, SUSPICIOUS = 8, 6, 6, 4


@dataclass(frozen=True)
class Fixture:
    result: SegmentationResult
    catalog: list[CatalogEntry]
    planted: list[Planted]  # by segment id
    suspicious: frozenset[tuple[str, str]]

    def is_right(self, segment_id: int, entry: CatalogEntry) -> bool:
        """A healthy creator about the segment's interest whose audience is in the segment's country."""
        planted = self.planted[segment_id]
        return (
            entry.key not in self.suspicious
            and planted.category in entry.topics
            and entry.audience_country == planted.country
        )


def planted_fixture(seed: int, n_segments: int = 6, background: int = 600) -> Fixture:
    rng = np.random.default_rng(seed)
    chosen = [PLANTED[i] for i in rng.permutation(len(PLANTED))[:n_segments]]
    mixes = [_segment_mix(rng, planted) for planted in chosen]
    overall = _average(mixes)
    profiles = tuple(
        SegmentProfile(id=i, size=1000, share=1 / n_segments, name=p.interest, features=(), audience=mix, stability=1)
        for i, (p, mix) in enumerate(zip(chosen, mixes, strict=True))
    )
    result = SegmentationResult(
        labels=np.zeros(0, dtype=np.int32),
        segments=profiles,
        k=n_segments,
        k_scores={},
        k_reason="",
        stability=1.0,
        columns=(),
        n_rows=1000 * n_segments,
        audience=overall,
        seed=seed,
    )
    catalog: list[CatalogEntry] = []
    suspicious: set[tuple[str, str]] = set()
    for segment_id, planted in enumerate(chosen):
        made = _creators_for(rng, segment_id, planted)
        suspicious |= {entry.key for entry in made["suspicious"]}
        catalog += [entry for group in made.values() for entry in group]
    catalog += [
        _creator(
            rng,
            f"bg{n}",
            str(rng.choice(CATEGORIES)),
            str(rng.choice(COUNTRIES)),
            age=str(rng.choice(AGE_BANDS)),
            female=50,
            size=rng.uniform(4, 7.5),
        )
        for n in range(background)
    ]
    order = rng.permutation(len(catalog))
    return Fixture(result, [catalog[i] for i in order], chosen, frozenset(suspicious))


def _segment_mix(rng: np.random.Generator, planted: Planted) -> AudienceMix:
    countries = {code: float(rng.uniform(0.01, 0.05)) for code in COUNTRIES if code != planted.country}
    countries[planted.country] = float(rng.uniform(0.6, 0.8))
    interests = {name: float(rng.uniform(0.05, 0.2)) for name in INTERESTS}
    interests[planted.interest] = float(rng.uniform(0.75, 0.95))
    ages = {band: float(rng.uniform(0.02, 0.1)) for band in AGE_BANDS}
    ages[planted.age] = float(rng.uniform(0.5, 0.7))
    female = float(np.clip(planted.female + rng.normal(0, 0.03), 0, 1))
    return AudienceMix(
        age_bands=_normalised(ages),
        age_known=1.0,
        gender={"female": female, "male": 1 - female},
        gender_known=1.0,
        countries=_top(_normalised(countries), 5),
        countries_known=1.0,
        interests=_top(interests, 5),
        interests_known=1.0,
    )


def _average(mixes: list[AudienceMix]) -> AudienceMix:
    def mean(dicts: list[dict[str, float]]) -> dict[str, float]:
        keys = {key for d in dicts for key in d}
        return {key: sum(d.get(key, 0.0) for d in dicts) / len(dicts) for key in keys}

    gender = mean([m.gender for m in mixes])
    return AudienceMix(
        age_bands=mean([m.age_bands for m in mixes]),
        age_known=1.0,
        gender=gender,
        gender_known=1.0,
        countries=_top(mean([dict(m.countries) for m in mixes]), 5),
        countries_known=1.0,
        interests=_top(mean([dict(m.interests) for m in mixes]), 5),
        interests_known=1.0,
    )


def _creators_for(rng: np.random.Generator, segment: int, planted: Planted) -> dict[str, list[CatalogEntry]]:
    others = [code for code in COUNTRIES if code != planted.country]
    other_topics = [c for c in CATEGORIES if c != planted.category]
    female = planted.female * 100
    return {
        "right": [
            _creator(
                rng,
                f"s{segment}_right{n}",
                planted.category,
                planted.country,
                age=planted.age,
                female=female,
                size=rng.uniform(4, 6.3),
            )
            for n in range(RIGHT)
        ],
        "topic_only": [
            _creator(
                rng,
                f"s{segment}_topic{n}",
                planted.category,
                str(rng.choice(others)),
                age=planted.age,
                female=female,
                size=rng.uniform(6.5, 7.7),
            )
            for n in range(TOPIC_ONLY)
        ],
        "country_only": [
            _creator(
                rng,
                f"s{segment}_country{n}",
                str(rng.choice(other_topics)),
                planted.country,
                age=planted.age,
                female=female,
                size=rng.uniform(6.5, 7.7),
            )
            for n in range(COUNTRY_ONLY)
        ],
        "suspicious": _suspicious(rng, segment, planted, female),
    }


def _suspicious(rng: np.random.Generator, segment: int, planted: Planted, female: float) -> list[CatalogEntry]:
    base = [
        _creator(rng, f"s{segment}_sus{n}", planted.category, planted.country, age=planted.age, female=female, size=6.5)
        for n in range(SUSPICIOUS)
    ]
    return [
        replace(base[0], platform="instagram", engagement_rate=0.0003),  # bought followers
        replace(base[1], platform="instagram", engagement_rate=0.45),  # bought likes
        replace(base[2], audience_country=None, audience_age=None, audience_female_pct=None),
        replace(base[3], followers=300),
    ]


def _creator(
    rng: np.random.Generator, handle: str, category: str, country: str, *, age: str, female: float, size: float
) -> CatalogEntry:
    """A healthy creator with 10**size followers."""
    followers = int(10**size)
    return CatalogEntry(
        platform=str(rng.choice(("instagram", "tiktok", "youtube"))),
        handle=handle,
        followers=followers,
        engagement_rate=float(0.06 * (followers / 10_000) ** -0.25 * rng.lognormal(0, 0.2)),
        topics=(category,),
        audience_country=country,
        audience_age=age,
        audience_female_pct=float(np.clip(female + rng.normal(0, 5), 0, 100)),
    )


def _normalised(shares: dict[str, float]) -> dict[str, float]:
    total = sum(shares.values())
    return {key: value / total for key, value in shares.items()}


def _top(shares: dict[str, float], limit: int) -> tuple[tuple[str, float], ...]:
    return tuple(sorted(shares.items(), key=lambda pair: -pair[1])[:limit])
