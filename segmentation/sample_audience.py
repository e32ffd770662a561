"""A seeded, realistic synthetic customer export with five planted segments, for `make demo` and tests.

The planted segments, largest first: young mobile gamers, high-income lapsed buyers, Brazil-based fitness
fans, older newsletter readers and loyal big spenders. The file is as messy as a real export: genders and
countries in mixed spellings (`F`/`female`/`Woman`, `US`/`USA`/`United States`, `Brasil`), spend as
`$1,234.50` strings, day-first purchase dates, multi-label interests (`fitness|travel`), yes/no flags, a few
blanks and `NA`s and impossible ages. Dates count back from a fixed day, never from the clock.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

AS_OF = pd.Timestamp("2025-06-30")
# Everyone has a small chance of every interest, not only their segment's.
BACKGROUND_INTEREST = 0.04
COLUMNS = (
    "customer_id",
    "email",
    "age",
    "gender",
    "country",
    "signup_date",
    "last_purchase_date",
    "total_spend",
    "orders",
    "annual_income",
    "device",
    "acquisition_channel",
    "interests",
    "newsletter_opt_in",
)
_GENDER_SPELLINGS = {
    "female": ("F", "female", "Female", "Woman", "f"),
    "male": ("M", "male", "Male", "Man", "m"),
    "other": ("non-binary", "Non-binary", "other"),
    "unknown": ("", "prefer not to say", "NA"),
}
_COUNTRY_SPELLINGS = {
    "US": ("US", "USA", "United States", "united states", "U.S."),
    "GB": ("UK", "United Kingdom", "GB"),
    "BR": ("Brazil", "Brasil", "BR", "brazil"),
    "CA": ("Canada", "CA"),
    "DE": ("Germany", "DE", "Deutschland"),
    "MX": ("Mexico", "México"),
    "FR": ("France", "FR"),
    "AU": ("Australia", "AU"),
    "PT": ("Portugal",),
}


@dataclass(frozen=True)
class PlantedSegment:
    """How one planted segment's rows are drawn."""

    name: str
    share: float
    age: tuple[float, float, float, float]  # mean, sd, min, max
    genders: dict[str, float]
    countries: dict[str, float]
    signup_days: tuple[int, int]  # days before AS_OF, low..high
    last_purchase_days: tuple[int, int]
    spend: tuple[float, float]  # lognormal mean and sigma of dollars
    orders: float  # Poisson mean (plus one)
    income: tuple[float, float]  # lognormal mean and sigma of dollars
    devices: dict[str, float]
    channels: dict[str, float]
    interests: dict[str, float]  # probability of each interest
    newsletter: float


PLANTED: tuple[PlantedSegment, ...] = (
    PlantedSegment(
        "Young mobile gamers",
        0.30,
        (21, 3, 15, 29),
        {"male": 0.68, "female": 0.25, "other": 0.04, "unknown": 0.03},
        {"US": 0.4, "GB": 0.2, "CA": 0.15, "DE": 0.15, "FR": 0.1},
        (60, 1500),
        (2, 45),
        (4.3, 0.6),
        5,
        (10.2, 0.3),
        {"mobile": 0.9, "desktop": 0.06, "tablet": 0.04},
        {"TikTok": 0.45, "Instagram": 0.3, "YouTube": 0.2, "Referral": 0.05},
        {"gaming": 0.92, "music": 0.45, "tech": 0.35, "sports": 0.2, "movies": 0.2},
        0.12,
    ),
    PlantedSegment(
        "High-income lapsed buyers",
        0.22,
        (49, 6, 35, 65),
        {"male": 0.55, "female": 0.42, "unknown": 0.03},
        {"US": 0.55, "GB": 0.15, "CA": 0.15, "DE": 0.1, "AU": 0.05},
        (900, 2400),
        (240, 720),
        (7.8, 0.45),
        7,
        (12.0, 0.25),
        {"desktop": 0.65, "mobile": 0.25, "tablet": 0.1},
        {"Google search": 0.5, "Email": 0.2, "Referral": 0.2, "Facebook": 0.1},
        {"travel": 0.55, "wine": 0.3, "finance": 0.25, "tech": 0.2},
        0.25,
    ),
    PlantedSegment(
        "Brazil-based fitness fans",
        0.18,
        (29, 5, 18, 45),
        {"female": 0.66, "male": 0.3, "other": 0.02, "unknown": 0.02},
        {"BR": 0.86, "PT": 0.08, "US": 0.06},
        (60, 1800),
        (5, 90),
        (5.4, 0.5),
        4,
        (10.5, 0.35),
        {"mobile": 0.7, "tablet": 0.15, "desktop": 0.15},
        {"Instagram": 0.7, "TikTok": 0.15, "Referral": 0.15},
        {"fitness": 0.93, "wellness": 0.5, "fashion": 0.4, "travel": 0.2, "food": 0.2},
        0.3,
    ),
    PlantedSegment(
        "Older newsletter readers",
        0.18,
        (66, 6, 55, 85),
        {"female": 0.58, "male": 0.4, "unknown": 0.02},
        {"US": 0.45, "GB": 0.25, "CA": 0.15, "AU": 0.1, "DE": 0.05},
        (150, 2400),
        (10, 150),
        (5.9, 0.5),
        9,
        (10.9, 0.3),
        {"desktop": 0.6, "tablet": 0.3, "mobile": 0.1},
        {"Email": 0.6, "Direct": 0.25, "Facebook": 0.15},
        {"news": 0.5, "cooking": 0.45, "gardening": 0.35, "travel": 0.3, "books": 0.3},
        0.94,
    ),
    PlantedSegment(
        "Loyal big spenders",
        0.12,
        (38, 5, 26, 52),
        {"female": 0.5, "male": 0.47, "unknown": 0.03},
        {"US": 0.4, "MX": 0.25, "CA": 0.15, "GB": 0.1, "FR": 0.1},
        (700, 2800),
        (1, 30),
        (8.3, 0.35),
        28,
        (11.3, 0.25),
        {"mobile": 0.35, "desktop": 0.55, "tablet": 0.1},
        {"Referral": 0.45, "Google search": 0.3, "Email": 0.25},
        {"food": 0.45, "tech": 0.4, "travel": 0.35, "fashion": 0.3, "home decor": 0.3},
        0.2,
    ),
)


def sample_audience(seed: int = 7, n_rows: int = 3000) -> pd.DataFrame:
    """The demo audience: `n_rows` customers as text cells, exactly as they would arrive in a CSV."""
    rng = np.random.default_rng(seed)
    sizes = _sizes(n_rows)
    frames = [_segment_rows(rng, planted, size) for planted, size in zip(PLANTED, sizes, strict=True)]
    table = pd.concat(frames, ignore_index=True).iloc[rng.permutation(n_rows)].reset_index(drop=True)
    ids = np.arange(1, n_rows + 1)
    table.insert(0, "customer_id", [f"C{number:05d}" for number in ids])
    table.insert(1, "email", [f"{_handle(rng)}{number}@example.com" for number in ids])
    _blank_some(rng, table)
    return table.loc[:, list(COLUMNS)]


def planted_segments(seed: int = 7, n_rows: int = 3000) -> np.ndarray:
    """The planted segment (index into PLANTED) of every row of `sample_audience(seed, n_rows)`."""
    rng = np.random.default_rng(seed)
    planted = np.repeat(np.arange(len(PLANTED)), _sizes(n_rows))
    for segment, size in zip(PLANTED, _sizes(n_rows), strict=True):
        _segment_rows(rng, segment, size)
    return planted[rng.permutation(n_rows)]


def sample_audience_csv(seed: int = 7, n_rows: int = 3000) -> str:
    """The demo audience as CSV text (what `bot/samples/sample_audience.csv` holds)."""
    return str(sample_audience(seed, n_rows).to_csv(index=False, lineterminator="\n"))


def _sizes(n_rows: int) -> list[int]:
    sizes = [round(planted.share * n_rows) for planted in PLANTED]
    sizes[0] += n_rows - sum(sizes)
    return sizes


def _segment_rows(rng: np.random.Generator, planted: PlantedSegment, size: int) -> pd.DataFrame:
    mean, sd, low, high = planted.age
    signup = rng.integers(*planted.signup_days, size=size, endpoint=True)
    since_purchase = np.minimum(rng.integers(*planted.last_purchase_days, size=size, endpoint=True), signup)
    return pd.DataFrame(
        {
            "age": [str(int(age)) for age in np.clip(np.round(rng.normal(mean, sd, size)), low, high)],
            "gender": _spelled(rng, planted.genders, _GENDER_SPELLINGS, size),
            "country": _spelled(rng, planted.countries, _COUNTRY_SPELLINGS, size),
            "signup_date": [(AS_OF - pd.Timedelta(days=int(d))).strftime("%Y-%m-%d") for d in signup],
            "last_purchase_date": [(AS_OF - pd.Timedelta(days=int(d))).strftime("%d/%m/%Y") for d in since_purchase],
            "total_spend": [f"${amount:,.2f}" for amount in rng.lognormal(*planted.spend, size)],
            "orders": [str(count) for count in rng.poisson(planted.orders, size) + 1],
            "annual_income": [str(int(round(income, -2))) for income in rng.lognormal(*planted.income, size)],
            "device": _choose(rng, planted.devices, size),
            "acquisition_channel": _choose(rng, planted.channels, size),
            "interests": _interests(rng, planted.interests, size),
            "newsletter_opt_in": np.where(rng.random(size) < planted.newsletter, "yes", "no"),
        }
    )


def _choose(rng: np.random.Generator, weights: dict[str, float], size: int) -> np.ndarray:
    names = list(weights)
    probabilities = np.array([weights[name] for name in names])
    return np.array(names, dtype=object)[rng.choice(len(names), size=size, p=probabilities / probabilities.sum())]


def _spelled(
    rng: np.random.Generator, weights: dict[str, float], spellings: dict[str, tuple[str, ...]], size: int
) -> list[str]:
    return [spellings[value][rng.integers(len(spellings[value]))] for value in _choose(rng, weights, size)]


def _interests(rng: np.random.Generator, weights: dict[str, float], size: int) -> list[str]:
    names = sorted({interest for planted in PLANTED for interest in planted.interests})
    chosen = rng.random((size, len(names))) < np.array([weights.get(name, BACKGROUND_INTEREST) for name in names])
    return ["|".join(name for name, has in zip(names, row, strict=True) if has) for row in chosen]


def _handle(rng: np.random.Generator) -> str:
    return "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), size=5))


def _blank_some(rng: np.random.Generator, table: pd.DataFrame) -> None:
    """Blanks and NA-style cells as real exports have them, plus a few impossible ages."""
    for column, share in (
        ("age", 0.03),
        ("annual_income", 0.08),
        ("device", 0.02),
        ("interests", 0.03),
        ("last_purchase_date", 0.01),
        ("country", 0.02),
    ):
        rows = rng.random(len(table)) < share
        table.loc[rows, column] = rng.choice(["", "NA", "n/a"], size=int(rows.sum()), p=[0.6, 0.3, 0.1])
    impossible = rng.choice(len(table), size=4, replace=False)
    table.loc[impossible, "age"] = ["3", "117", "0", "106"]
