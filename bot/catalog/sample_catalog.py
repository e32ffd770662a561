"""The seeded synthetic sample catalog shipped as `bot/samples/sample_influencers.csv`.

Invented creators (not real people) across the interests, countries and age groups of the demo audience,
on Instagram, TikTok and YouTube, written with real-world category names ("Fitness & Gym", "Food & Drinks")
so the topic vocabulary is exercised. About one in eight is suspicious on purpose: engagement far too low
or too high for the follower count, no audience data, or a tiny account.
Regenerate with `python -m bot.catalog.sample_catalog`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from bot.catalog.writing import catalog_csv
from segmentation.catalog_index import CatalogEntry
from segmentation.credibility import DEFAULT_BOUNDS, PLATFORM_BOUNDS

SAMPLE_PATH = Path(__file__).resolve().parents[1] / "samples" / "sample_influencers.csv"
SAMPLE_SIZE = 400

# Interest -> (category names as creator databases write them, handle words, typical audience age bands,
# typical female share of the audience in percent).
INTERESTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], float]] = {
    "fitness": (
        ("Fitness & Gym", "Health & Fitness", "Fitness", "Yoga"),
        ("fit", "gym", "lift", "yoga"),
        ("18-24", "25-34"),
        55,
    ),
    "travel": (
        ("Travel", "Nature & landscapes", "Adventure travel"),
        ("travel", "wander", "trip", "roam"),
        ("25-34", "35-44"),
        58,
    ),
    "gaming": (("Video games", "Gaming", "Esports"), ("gamer", "play", "pixel", "quest"), ("13-17", "18-24"), 25),
    "tech": (
        ("Science & Technology", "Computers & Gadgets", "Tech reviews"),
        ("tech", "byte", "gadget", "code"),
        ("25-34", "35-44"),
        30,
    ),
    "beauty": (("Beauty", "Makeup", "Skincare"), ("glow", "glam", "beauty", "skin"), ("18-24", "25-34"), 86),
    "cooking": (
        ("Food & Cooking", "Food & Drinks", "Recipes"),
        ("chef", "kitchen", "bake", "food"),
        ("25-34", "35-44", "45-54"),
        66,
    ),
    "finance": (
        ("Finance & Economics", "Business & Careers", "Personal finance"),
        ("money", "invest", "wealth", "budget"),
        ("25-34", "35-44", "45-54"),
        38,
    ),
    "parenting": (("Family", "Parenting", "Kids & Toys"), ("mama", "papa", "family", "kids"), ("25-34", "35-44"), 80),
    "fashion": (
        ("Fashion", "Clothing & Outfits", "Modeling"),
        ("style", "outfit", "chic", "vogue"),
        ("18-24", "25-34"),
        74,
    ),
    "music": (("Music", "Music & Dance"), ("beats", "song", "music", "vibes"), ("13-17", "18-24", "25-34"), 54),
    "sports": (
        ("Sports with a ball", "Sports", "Racing Sports"),
        ("goal", "hoops", "match", "sport"),
        ("18-24", "25-34", "35-44"),
        30,
    ),
    "movies": (
        ("Cinema & Actors/actresses", "Movies", "Shows"),
        ("film", "cinema", "screen", "movie"),
        ("18-24", "25-34"),
        50,
    ),
    "wine": (
        ("Wine & Spirits", "Food & Drinks", "Sommelier"),
        ("wine", "vino", "cellar", "grape"),
        ("35-44", "45-54", "55-64"),
        48,
    ),
    "news": (
        ("News & Politics", "Journalism", "Current affairs"),
        ("news", "brief", "daily", "report"),
        ("45-54", "55-64", "65+"),
        47,
    ),
    "home": (
        ("Home & Garden", "Gardening", "Interior design"),
        ("garden", "bloom", "nest", "decor"),
        ("45-54", "55-64", "65+"),
        70,
    ),
    "books": (
        ("Books", "Literature & Journalism", "BookTok"),
        ("books", "reads", "page", "novel"),
        ("25-34", "55-64", "65+"),
        68,
    ),
}
COUNTRIES = ("US", "BR", "GB", "DE", "FR", "IN", "MX", "ES", "CA", "IT", "AU", "PT")
COUNTRY_WEIGHTS = (0.24, 0.13, 0.1, 0.08, 0.07, 0.08, 0.08, 0.06, 0.06, 0.03, 0.04, 0.03)
# Where each interest's creators mostly have their audience (as in the demo audience); the rest anywhere.
HOME_COUNTRIES: dict[str, tuple[str, ...]] = {
    "fitness": ("BR", "BR", "PT", "US"),
    "gaming": ("US", "GB", "CA", "DE", "FR"),
    "music": ("US", "GB", "BR"),
    "tech": ("US", "IN", "DE", "MX"),
    "travel": ("US", "GB", "CA", "BR"),
    "finance": ("US", "GB", "CA", "DE"),
    "wine": ("US", "GB", "CA", "FR"),
    "news": ("US", "GB", "CA", "AU"),
    "home": ("US", "GB", "CA", "AU"),
    "books": ("US", "GB", "CA", "AU"),
    "cooking": ("US", "MX", "CA", "FR"),
    "fashion": ("BR", "MX", "US", "FR"),
    "beauty": ("US", "BR", "MX", "FR"),
    "parenting": ("US", "GB", "ES", "IN"),
    "sports": ("ES", "GB", "BR", "US"),
    "movies": ("US", "IN", "GB", "MX"),
}
HOME_SHARE = 0.6
PLATFORMS = ("instagram", "tiktok", "youtube")
PLATFORM_WEIGHTS = (0.45, 0.3, 0.25)
_HANDLE_STARTS = ("the", "daily", "real", "its", "just", "hey", "mr", "miss", "urban", "sunny", "little", "big")


def sample_catalog(seed: int = 0, size: int = SAMPLE_SIZE) -> list[CatalogEntry]:
    """`size` invented creators; the same seed gives the same catalog."""
    rng = np.random.default_rng(seed)
    interests = list(INTERESTS)
    entries: list[CatalogEntry] = []
    taken: set[str] = set()
    for number in range(size):
        interest = interests[number % len(interests)]
        categories, words, bands, female = INTERESTS[interest]
        handle = _handle(rng, words, taken)
        topics = [str(rng.choice(categories))]
        if rng.random() < 0.35:
            other = interests[int(rng.integers(len(interests)))]
            if other != interest:
                topics.append(str(rng.choice(INTERESTS[other][0])))
        followers = int(round(10 ** rng.uniform(3.7, 7.3), -2))
        platform = str(rng.choice(PLATFORMS, p=PLATFORM_WEIGHTS))
        entry = CatalogEntry(
            platform=platform,
            handle=handle,
            name=handle.replace(".", " ").replace("_", " ").title(),
            followers=followers,
            engagement_rate=_healthy_engagement(rng, followers, platform),
            topics=tuple(topics),
            audience_country=_country(rng, interest),
            audience_age=str(rng.choice(bands)),
            audience_female_pct=float(np.clip(round(female + rng.normal(0, 8)), 3, 97)),
            avg_likes=None,
            avg_views=None,
            price=float(round(followers * rng.uniform(0.004, 0.012), -1)),
        )
        entries.append(_with_extras(_suspicious(rng, entry, number), rng))
    return entries


def _country(rng: np.random.Generator, interest: str) -> str:
    if rng.random() < HOME_SHARE:
        return str(rng.choice(HOME_COUNTRIES[interest]))
    return str(rng.choice(COUNTRIES, p=COUNTRY_WEIGHTS))


def _handle(rng: np.random.Generator, words: tuple[str, ...], taken: set[str]) -> str:
    while True:
        start, word = str(rng.choice(_HANDLE_STARTS)), str(rng.choice(words))
        separator = str(rng.choice(("", ".", "_")))
        handle = f"{start}{separator}{word}{int(rng.integers(1, 100)) if rng.random() < 0.4 else ''}"
        if handle not in taken:
            taken.add(handle)
            return handle


# Typical engagement relative to Instagram's, as in public rankings (benchmarks/results/credibility.md):
# TikTok likes often exceed the followers; YouTube likes per subscriber are a hundred times lower.
PLATFORM_ENGAGEMENT = {"instagram": 1.0, "tiktok": 2.5, "youtube": 0.05}


def _healthy_engagement(rng: np.random.Generator, followers: int, platform: str) -> float:
    """Engagement falls with size: on Instagram about 6% at 10k followers, 2% at 1M, 1% at 10M."""
    typical = 0.06 * (followers / 10_000) ** -0.25 * PLATFORM_ENGAGEMENT[platform]
    return float(f"{typical * rng.lognormal(0, 0.3):.3g}")


def _suspicious(rng: np.random.Generator, entry: CatalogEntry, number: int) -> CatalogEntry:
    """Every 8th creator gets one credibility problem, in turn."""
    if number % 8 != 7:
        return entry
    problem = (number // 8) % 4
    low, high = PLATFORM_BOUNDS.get(entry.platform, DEFAULT_BOUNDS)
    if problem == 0:  # bought followers: engagement far below what the platform's creators get
        followers = max(entry.followers or 0, 500_000)
        return replace(entry, followers=followers, engagement_rate=float(f"{low * rng.uniform(0.2, 0.8):.2g}"))
    if problem == 1:  # bought likes
        followers = max(entry.followers or 0, 150_000)
        return replace(entry, followers=followers, engagement_rate=float(f"{high * rng.uniform(1.2, 2.4):.3g}"))
    if problem == 2:
        return replace(entry, audience_country=None, audience_age=None, audience_female_pct=None)
    return replace(entry, followers=int(rng.integers(150, 900)))


def _with_extras(entry: CatalogEntry, rng: np.random.Generator) -> CatalogEntry:
    """Average likes (and views on video platforms) consistent with the engagement rate."""
    if entry.engagement_rate is None or entry.followers is None:
        return entry
    likes = float(round(entry.followers * entry.engagement_rate * 0.9))
    views = float(round(entry.followers * rng.uniform(0.1, 0.6))) if entry.platform != "instagram" else None
    return replace(entry, avg_likes=likes, avg_views=views)


def write_sample(path: Path = SAMPLE_PATH) -> Path:
    path.write_text(catalog_csv(sample_catalog()), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(f"Wrote {write_sample()}")
