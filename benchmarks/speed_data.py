"""A seeded mixed audience CSV for the speed benchmark: planted segments, 12 usable columns plus id and email."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

COUNTRIES = [
    "US",
    "BR",
    "GB",
    "DE",
    "FR",
    "IN",
    "MX",
    "ES",
    "IT",
    "CA",
    "AU",
    "JP",
    "NL",
    "SE",
    "PL",
    "AR",
    "CO",
    "ZA",
    "NG",
    "KR",
]
INTERESTS = [
    "fitness",
    "travel",
    "gaming",
    "tech",
    "beauty",
    "cooking",
    "finance",
    "parenting",
    "fashion",
    "music",
    "outdoors",
    "pets",
]
DEVICES = ["ios", "android", "desktop", "tablet"]
CHANNELS = ["instagram", "tiktok", "search", "email", "referral", "youtube"]
PLANS = ["free", "basic", "premium"]
N_SEGMENTS = 5


def speed_audience(n_rows: int, seed: int = 11) -> tuple[pd.DataFrame, np.ndarray]:
    """(table, planted labels). Segments differ in a few columns each; the rest is shared noise."""
    rng = np.random.default_rng(seed)
    sizes = np.array([0.32, 0.25, 0.2, 0.15, 0.08])
    labels = rng.choice(N_SEGMENTS, size=n_rows, p=sizes)
    age_mean = np.array([24, 45, 33, 58, 38])[labels]
    spend_scale = np.array([80, 900, 250, 400, 1500])[labels]
    recency_scale = np.array([20, 200, 45, 90, 15])[labels]
    frame = pd.DataFrame(
        {
            "customer_id": np.arange(1, n_rows + 1),
            "email": [f"user{i}@example.com" for i in range(n_rows)],
            "age": np.clip(rng.normal(age_mean, 5), 13, 90).round(),
            "income": np.round(rng.lognormal(np.log(np.array([30, 95, 55, 60, 120])[labels] * 1000), 0.35)),
            "total_spend": np.round(rng.gamma(2.0, spend_scale / 2.0), 2),
            "orders": rng.poisson(np.array([3, 8, 5, 4, 14])[labels]),
            "days_since_last_purchase": np.round(rng.exponential(recency_scale)),
            "gender": _pick(
                rng,
                labels,
                ["female", "male", "other"],
                [[0.3, 0.65, 0.05], [0.5, 0.48, 0.02], [0.75, 0.23, 0.02], [0.55, 0.44, 0.01], [0.5, 0.48, 0.02]],
            ),
            "country": _country(rng, labels),
            "device": _pick(
                rng,
                labels,
                DEVICES,
                [
                    [0.45, 0.45, 0.05, 0.05],
                    [0.2, 0.2, 0.5, 0.1],
                    [0.4, 0.4, 0.1, 0.1],
                    [0.15, 0.15, 0.4, 0.3],
                    [0.5, 0.2, 0.25, 0.05],
                ],
            ),
            "channel": rng.choice(CHANNELS, size=n_rows),
            "plan": _pick(
                rng,
                labels,
                PLANS,
                [[0.7, 0.25, 0.05], [0.2, 0.4, 0.4], [0.4, 0.4, 0.2], [0.3, 0.5, 0.2], [0.05, 0.25, 0.7]],
            ),
            "newsletter": np.where(rng.random(n_rows) < np.array([0.2, 0.6, 0.3, 0.85, 0.5])[labels], "yes", "no"),
            "interests": _interests(rng, labels),
        }
    )
    return frame, labels


def _pick(
    rng: np.random.Generator, labels: np.ndarray, values: list[str], probabilities: list[list[float]]
) -> np.ndarray:
    out = np.empty(len(labels), dtype=object)
    for segment, p in enumerate(probabilities):
        mask = labels == segment
        out[mask] = rng.choice(values, size=int(mask.sum()), p=p)
    return out


def _country(rng: np.random.Generator, labels: np.ndarray) -> np.ndarray:
    home = {0: "US", 1: "GB", 2: "BR", 3: "DE", 4: "US"}
    out = rng.choice(COUNTRIES, size=len(labels))
    local = rng.random(len(labels)) < 0.6
    for segment, country in home.items():
        out[(labels == segment) & local] = country
    return out


def _interests(rng: np.random.Generator, labels: np.ndarray) -> np.ndarray:
    favourites = {0: [2, 3, 9], 1: [1, 6, 5], 2: [0, 1, 8], 3: [5, 7, 10], 4: [3, 6, 11]}
    weights = np.full((N_SEGMENTS, len(INTERESTS)), 0.08)
    for segment, picks in favourites.items():
        weights[segment, picks] = 0.7
    draws = rng.random((len(labels), len(INTERESTS))) < weights[labels]
    vocabulary = np.array(INTERESTS)
    return np.array(["|".join(vocabulary[row]) for row in draws], dtype=object)


def write_speed_csv(path: Path, n_rows: int, seed: int = 11) -> None:
    """Write the table and its planted labels (`<path>.labels.npy`) unless both are there already."""
    labels_path = planted_labels_path(path)
    if path.exists() and labels_path.exists():
        return
    frame, labels = speed_audience(n_rows, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    np.save(labels_path, labels)


def planted_labels_path(path: Path) -> Path:
    return path.with_name(path.name + ".labels.npy")


def planted_labels(path: Path) -> np.ndarray:
    """The planted labels saved beside the CSV (loading them costs the measured process almost nothing)."""
    return np.load(planted_labels_path(path))


BLOCK_ROWS = 1_000_000


def write_speed_csv_in_blocks(path: Path, n_rows: int, seed: int = 11) -> None:
    """The same kind of table for files too large to build in memory: blocks of a million rows, each drawn with
    its own seed (seed + block) and appended; planted labels saved beside it. Skipped when both exist."""
    labels_path = planted_labels_path(path)
    if path.exists() and labels_path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    labels = []
    with partial.open("w", encoding="utf-8", newline="") as stream:
        for block, start in enumerate(range(0, n_rows, BLOCK_ROWS)):
            rows = min(BLOCK_ROWS, n_rows - start)
            frame, block_labels = speed_audience(rows, seed + block)
            frame["customer_id"] = np.arange(start + 1, start + rows + 1)
            frame["email"] = [f"user{i}@example.com" for i in range(start, start + rows)]
            frame.to_csv(stream, index=False, header=block == 0)
            labels.append(block_labels.astype(np.int8))
    np.save(labels_path, np.concatenate(labels))
    partial.replace(path)
