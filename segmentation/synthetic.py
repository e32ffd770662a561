"""Seeded planted audiences with known segments, for tests, benchmarks and the demo sample.

`planted_audience(k=..., n_rows=..., seed=...)` returns a customer table that looks like a CRM export and
the true segment of each row. Each segment has its own age, income, skewed spend, order count, tenure,
recency, country mix, gender split, device, interests and opt-in rate, but segments share some of these
(two segments may have the same age profile and differ only in spend and interests), so no single column
gives the answer away. Noise columns carry nothing; cells go missing at random; segment sizes are unequal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COUNTRIES: tuple[str, ...] = (
    "United States",
    "United Kingdom",
    "Germany",
    "France",
    "Spain",
    "Italy",
    "Brazil",
    "Mexico",
    "India",
    "Japan",
    "Canada",
    "Australia",
    "Netherlands",
    "Sweden",
    "Poland",
    "Nigeria",
    "South Korea",
    "Turkey",
)
GENDERS: tuple[str, ...] = ("female", "male", "non-binary")
DEVICES: tuple[str, ...] = ("iOS", "Android", "Desktop", "Tablet")
INTERESTS: tuple[str, ...] = (
    "fitness",
    "travel",
    "gaming",
    "fashion",
    "beauty",
    "cooking",
    "tech",
    "music",
    "parenting",
    "finance",
    "outdoors",
    "pets",
    "books",
    "sports",
)
NOISE_COLORS: tuple[str, ...] = ("red", "blue", "green", "black", "white", "purple", "orange", "yellow")
LATEST_DAY = np.datetime64("2025-06-30")


def planted_audience(
    *, k: int, n_rows: int, seed: int, missing_share: float = 0.05, min_share: float = 0.06
) -> tuple[pd.DataFrame, np.ndarray]:
    """A mixed-type audience with `k` planted segments; returns the table and the true segment per row."""
    rng = np.random.default_rng(seed)
    truth = _segment_sizes(rng, k, n_rows, min_share)
    params = _segment_params(rng, k)
    table = pd.DataFrame(
        {
            "customer_id": [f"C{100000 + i}" for i in rng.permutation(n_rows)],
            "email": [f"user{i}@example.com" for i in rng.permutation(n_rows)],
            "age": np.clip(rng.normal(params["age"][truth], 4.5), 16, 90).round(),
            "annual_income": (np.exp(rng.normal(params["log_income"][truth], 0.25)) / 100).round() * 100,
            "total_spend": np.exp(rng.normal(params["log_spend"][truth], 0.45)).round(2),
            "orders_last_year": rng.poisson(params["orders"][truth]),
            "country": _draw_categories(rng, params["country"], truth, COUNTRIES),
            "gender": _draw_categories(rng, params["gender"], truth, GENDERS),
            "device": _draw_categories(rng, params["device"], truth, DEVICES),
            "interests": _draw_interests(rng, params["interests"][truth]),
            "signup_date": LATEST_DAY - rng.gamma(4.0, params["tenure"][truth] / 4.0).astype("timedelta64[D]"),
            "last_purchase_date": LATEST_DAY - rng.exponential(params["recency"][truth]).astype("timedelta64[D]"),
            "newsletter_opt_in": rng.random(n_rows) < params["opt_in"][truth],
            "favorite_color": rng.choice(np.array(NOISE_COLORS), n_rows),
            "survey_score": rng.integers(1, 11, n_rows),
            "session_minutes": rng.lognormal(2.5, 0.8, n_rows).round(1),
        }
    )
    table = _blank_cells(rng, table, missing_share)
    order = rng.permutation(n_rows)
    return table.iloc[order].reset_index(drop=True), truth[order]


def _segment_sizes(rng: np.random.Generator, k: int, n_rows: int, min_share: float) -> np.ndarray:
    shares = rng.uniform(1.0, 4.0, k)
    shares = shares / shares.sum()
    shares = np.maximum(shares, min_share)
    counts = np.floor(shares / shares.sum() * n_rows).astype(int)
    counts[0] += n_rows - counts.sum()
    return np.repeat(np.arange(k), counts)


def _spread(rng: np.random.Generator, k: int, low: float, high: float, levels: int) -> np.ndarray:
    """Per-segment values from a few well-separated levels, so segments can share a level."""
    grid = np.linspace(low, high, levels)
    return rng.choice(grid, k, replace=k > levels)


def _segment_params(rng: np.random.Generator, k: int) -> dict[str, np.ndarray]:
    return {
        "age": _spread(rng, k, 21, 63, 5),
        "log_income": np.log(_spread(rng, k, 25_000, 140_000, 4)),
        "log_spend": np.log(_spread(rng, k, 40, 2_400, 5)),
        "orders": _spread(rng, k, 1.5, 24, 4),
        "tenure": _spread(rng, k, 60, 2_400, 4),
        "recency": _spread(rng, k, 10, 300, 3),
        "opt_in": _spread(rng, k, 0.1, 0.9, 3),
        "country": rng.dirichlet(np.full(len(COUNTRIES), 0.25), k),
        "gender": rng.dirichlet(np.full(len(GENDERS), 0.8), k) * 0.95 + 0.05 / len(GENDERS),
        "device": rng.dirichlet(np.full(len(DEVICES), 0.6), k),
        "interests": np.clip(rng.beta(0.35, 1.2, (k, len(INTERESTS))) * 1.1, 0.01, 0.95),
    }


def _draw_categories(
    rng: np.random.Generator, probabilities: np.ndarray, truth: np.ndarray, levels: tuple[str, ...]
) -> np.ndarray:
    cumulative = probabilities.cumsum(axis=1)[truth]
    picks = (rng.random(len(truth))[:, None] > cumulative).sum(axis=1)
    return np.asarray(np.array(levels, dtype=object)[np.minimum(picks, len(levels) - 1)])


def _draw_interests(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    has = rng.random(probabilities.shape) < probabilities
    names = np.array(INTERESTS, dtype=object)
    return np.array(["|".join(names[row]) if row.any() else "" for row in has], dtype=object)


def _blank_cells(rng: np.random.Generator, table: pd.DataFrame, missing_share: float) -> pd.DataFrame:
    """Blank a share of cells in the descriptive columns (never the id, email or planted truth)."""
    for name in ("age", "annual_income", "total_spend", "country", "gender", "device", "signup_date"):
        blank = rng.random(len(table)) < missing_share
        table[name] = table[name].mask(blank)
    empty_interests = table["interests"] == ""
    table["interests"] = table["interests"].mask(empty_interests)
    return table
