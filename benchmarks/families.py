"""Independent generator families of planted audiences, each breaking the Gaussian-mixture picture in its own way.

Written for issue 11 apart from `segmentation.synthetic` (whose audiences the engine was first tuned on). Every
family returns `(table, truth)`; truth is the planted segment per row (k = 1 families: all zeros). Families:

- counts: Poisson and zero-inflated counts (orders, visits, returns) carry the segments.
- clipped: rates and shares clipped at 0 and 1 (open rate, discount share), with point masses at the bounds.
- money: log-normal and Pareto-tailed money (spend, basket, lifetime value).
- rounded: rounded and integer columns (age in years, 1-5 ratings, household size, whole-dollar income).
- correlated: numerics correlated within each segment (income, spend and basket move together).
- categorical: segments led by 6-8 categoricals of 3-10 levels, weak numeric shifts, 20% missing in two columns.
- imbalanced: a 2-3% segment and a 45%+ one, k up to 10, many noise columns, up to 20% missing cells.
- large: 50,000-200,000 rows mixing every kind above.
- flat_independent, flat_correlated, flat_categorical: one homogeneous population (no segments: k = 1).

Every structured audience is checked to be recoverable: a gradient-boosted classifier told the truth separates
its segments (cross-validated ARI >= 0.9) or the parameters are redrawn, so a miss is the method's, not the data's.
Seeds are split in two per family: TUNE_SEEDS chose every rule and threshold; HELD_OUT_SEEDS are only reported.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

Audience = tuple[pd.DataFrame, np.ndarray]


@dataclass(frozen=True)
class Family:
    name: str
    build: Callable[[np.random.Generator, int, int], pd.DataFrame]  # rng, k, truth -> columns
    k_range: tuple[int, int]
    rows: tuple[int, int]
    homogeneous: bool = False
    tiny: bool = False  # plant a 2-3% and a 45%+ segment


SEPARABLE = 0.9
TUNE_SEEDS = tuple(range(0, 6))
HELD_OUT_SEEDS = tuple(range(1000, 1000 + int(os.environ.get("HELD_OUT", "4"))))
FLAT_TUNE_SEEDS = tuple(range(0, 10))
FLAT_HELD_OUT_SEEDS = tuple(range(1000, 1000 + int(os.environ.get("FLAT_HELD_OUT", "10"))))


CACHE = Path(__file__).parent / "out" / "families"


def audience(family: Family, seed: int, *, rows: int | None = None) -> Audience:
    """The family's audience for `seed` (k and size drawn from the seed; `rows` overrides the size).

    Cached in benchmarks/out/families (drawing one means redrawing until a classifier separates it).
    """
    path = CACHE / f"{family.name}-{seed}-{rows or 'auto'}.pkl"
    if path.exists():
        with path.open("rb") as cached:
            table, truth = pickle.load(cached)
        return table, truth
    table, truth = _draw(family, seed, rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        pickle.dump((table, truth), out)
    return table, truth


def _draw(family: Family, seed: int, rows: int | None) -> Audience:
    rng = np.random.default_rng([seed, sum(map(ord, family.name))])
    k = 1 if family.homogeneous else int(rng.integers(family.k_range[0], family.k_range[1] + 1))
    n_rows = rows or int(np.exp(rng.uniform(np.log(family.rows[0]), np.log(family.rows[1]))))
    for _ in range(3):
        truth = _sizes(rng, k, n_rows, tiny=family.tiny)
        columns = family.build(rng, k, truth)
        if family.homogeneous or supervised_ari(columns, truth) >= SEPARABLE:
            break
    table = _with_missing(rng, columns, 0.2 if family.tiny else 0.05)
    table.insert(0, "customer_id", [f"C{100000 + i}" for i in rng.permutation(n_rows)])
    order = rng.permutation(n_rows)
    return table.iloc[order].reset_index(drop=True), truth[order]


def _sizes(rng: np.random.Generator, k: int, n_rows: int, *, tiny: bool) -> np.ndarray:
    if k == 1:
        return np.zeros(n_rows, dtype=np.int64)
    if tiny:
        shares = np.empty(k)
        shares[0] = rng.uniform(0.45, 0.55)
        shares[-1] = rng.uniform(0.02, 0.03)
        rest = rng.uniform(1.0, 3.0, k - 2)
        shares[1:-1] = rest / rest.sum() * (1 - shares[0] - shares[-1])
    else:
        shares = rng.uniform(1.0, 4.0, k)
        shares = np.maximum(shares / shares.sum(), 0.05)
        shares /= shares.sum()
    counts = np.floor(shares * n_rows).astype(int)
    counts[0] += n_rows - counts.sum()
    return np.repeat(np.arange(k), counts)


def supervised_ari(columns: pd.DataFrame, truth: np.ndarray) -> float:
    """How well a classifier told the truth separates the segments (cross-validated ARI on <= 2,000 rows)."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import adjusted_rand_score
    from sklearn.model_selection import cross_val_predict
    from threadpoolctl import threadpool_limits

    rows = np.random.default_rng(0).permutation(len(truth))[:1500]
    parts, categorical = [], []
    for name in columns.columns:
        column = columns[name].iloc[rows]
        if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
            parts.append(column.astype("float64").to_numpy()[:, None])
            categorical.append(False)
        elif column.astype("string").str.contains("|", regex=False).any():
            dummies = column.astype("string").fillna("").str.get_dummies(sep="|").to_numpy(dtype="float64")
            parts.append(dummies)
            categorical.extend([False] * dummies.shape[1])
        else:
            codes = pd.factorize(column)[0].astype("float64")
            parts.append(np.where(codes < 0, np.nan, codes)[:, None])
            categorical.append(True)
    frame = np.hstack(parts)
    model = HistGradientBoostingClassifier(
        max_iter=30, categorical_features=np.array(categorical), early_stopping=False
    )
    with threadpool_limits(limits=1):  # OpenMP threads fighting over shared cores are much slower than one
        predicted = cross_val_predict(model, frame, truth[rows], cv=2)
    return float(adjusted_rand_score(truth[rows], predicted))


def _with_missing(rng: np.random.Generator, table: pd.DataFrame, worst: float) -> pd.DataFrame:
    """Blank cells at random: two columns at `worst`, the others at 0-5%."""
    table = table.copy()
    names = list(table.columns)
    heavy = set(rng.choice(names, size=min(2, len(names)), replace=False).tolist())
    for name in names:
        share = worst if name in heavy else rng.uniform(0.0, 0.05)
        table[name] = table[name].mask(rng.random(len(table)) < share)
    return table


# --- column makers: per-segment parameters, drawn from a few separated levels ----------------------------


def _levels(rng: np.random.Generator, k: int, low: float, high: float, n: int = 4) -> np.ndarray:
    return rng.choice(np.linspace(low, high, n), k, replace=k > n)


def _categorical(
    rng: np.random.Generator, truth: np.ndarray, k: int, n_levels: int, concentration: float, *, prefix: str
) -> np.ndarray:
    probabilities = rng.dirichlet(np.full(n_levels, concentration), k)
    cumulative = probabilities.cumsum(axis=1)[truth]
    picks = np.minimum((rng.random(len(truth))[:, None] > cumulative).sum(axis=1), n_levels - 1)
    return np.array([f"{prefix}{i}" for i in range(n_levels)], dtype=object)[picks]


def _noise(rng: np.random.Generator, n: int, count: int) -> dict[str, object]:
    out: dict[str, object] = {}
    kinds = ["normal", "category", "count", "money"]
    for i in range(count):
        kind = kinds[i % 4]
        name = f"noise_{kind}_{i}"
        if kind == "normal":
            out[name] = rng.normal(50, 10, n).round(1)
        elif kind == "category":
            out[name] = rng.choice(np.array(["red", "blue", "green", "black", "white"], dtype=object), n)
        elif kind == "count":
            out[name] = rng.poisson(3, n)
        else:
            out[name] = rng.lognormal(3, 1, n).round(2)
    return out


def _counts(rng: np.random.Generator, k: int, truth: np.ndarray) -> pd.DataFrame:
    n = len(truth)
    orders = _levels(rng, k, 0.5, 12, 5)
    visits = _levels(rng, k, 1, 30, 4)
    zero = _levels(rng, k, 0.0, 0.7, 3)
    returns = _levels(rng, k, 0.2, 3, 3)
    return pd.DataFrame(
        {
            "orders": rng.poisson(orders[truth]),
            "site_visits": np.where(rng.random(n) < zero[truth], 0, rng.poisson(visits[truth])),
            "returns": rng.poisson(returns[truth]),
            "app_opens": np.where(
                rng.random(n) < _levels(rng, k, 0.1, 0.8, 3)[truth], 0, rng.poisson(_levels(rng, k, 2, 25, 4)[truth])
            ),
            "reviews_written": rng.poisson(_levels(rng, k, 0.1, 4, 4)[truth]),
            "channel": _categorical(rng, truth, k, 4, 0.5, prefix="ch_"),
            **_noise(rng, n, 2),
        }
    )


def _clipped(rng: np.random.Generator, k: int, truth: np.ndarray) -> pd.DataFrame:
    n = len(truth)
    open_rate = _levels(rng, k, -0.1, 1.0, 4)
    discount = _levels(rng, k, -0.2, 0.9, 4)
    completion = _levels(rng, k, 0.3, 1.2, 3)
    return pd.DataFrame(
        {
            "email_open_rate": np.clip(rng.normal(open_rate[truth], 0.15), 0, 1).round(3),
            "discount_share": np.clip(rng.normal(discount[truth], 0.2), 0, 1).round(3),
            "profile_completion": np.clip(rng.normal(completion[truth], 0.2), 0, 1).round(2),
            "tenure_months": np.clip(rng.normal(_levels(rng, k, 3, 60, 3)[truth], 8), 0, None).round(),
            **_noise(rng, n, 2),
        }
    )


def _money(rng: np.random.Generator, k: int, truth: np.ndarray) -> pd.DataFrame:
    n = len(truth)
    spend = np.log(_levels(rng, k, 30, 3000, 5))
    basket = np.log(_levels(rng, k, 15, 300, 4))
    ltv_scale = _levels(rng, k, 100, 5000, 4)
    return pd.DataFrame(
        {
            "total_spend": np.exp(rng.normal(spend[truth], 0.6)).round(2),
            "avg_basket": np.exp(rng.normal(basket[truth], 0.4)).round(2),
            "lifetime_value": (ltv_scale[truth] * (1 + rng.pareto(3.0, n))).round(2),
            "plan": _categorical(rng, truth, k, 3, 1.0, prefix="plan_"),
            **_noise(rng, n, 2),
        }
    )


def _rounded(rng: np.random.Generator, k: int, truth: np.ndarray) -> pd.DataFrame:
    n = len(truth)
    return pd.DataFrame(
        {
            "age": np.clip(rng.normal(_levels(rng, k, 22, 65, 5)[truth], 5), 18, 90).round(),
            "rating": np.clip(rng.normal(_levels(rng, k, 1.2, 4.8, 4)[truth], 0.7), 1, 5).round(),
            "household_size": np.clip(rng.poisson(_levels(rng, k, 0.5, 4, 3)[truth]) + 1, 1, 8),
            "income": (np.exp(rng.normal(np.log(_levels(rng, k, 25_000, 150_000, 4))[truth], 0.25)) / 1000).round()
            * 1000,
            **_noise(rng, n, 2),
        }
    )


def _correlated(rng: np.random.Generator, k: int, truth: np.ndarray) -> pd.DataFrame:
    n = len(truth)
    centers = np.stack([_levels(rng, k, -2.5, 2.5, 4) for _ in range(3)], axis=1)
    values = np.empty((n, 3))
    for segment in range(k):
        rows = truth == segment
        rho = rng.uniform(0.5, 0.85)
        cov = np.full((3, 3), rho) + np.eye(3) * (1 - rho)
        values[rows] = rng.multivariate_normal(centers[segment], cov * 0.5, rows.sum())
    return pd.DataFrame(
        {
            "income": np.exp(10.8 + 0.35 * values[:, 0]).round(-2),
            "annual_spend": np.exp(6.5 + 0.5 * values[:, 1]).round(2),
            "avg_basket": (60 + 18 * values[:, 2]).round(2),
            "device": _categorical(rng, truth, k, 3, 2.0, prefix="dev_"),
            **_noise(rng, n, 2),
        }
    )


def _categorical_led(rng: np.random.Generator, k: int, truth: np.ndarray) -> pd.DataFrame:
    n = len(truth)
    columns: dict[str, object] = {}
    for i in range(int(rng.integers(6, 9))):
        columns[f"attr_{i}"] = _categorical(rng, truth, k, int(rng.integers(3, 11)), 0.3, prefix=f"v{i}_")
    columns["age"] = rng.normal(_levels(rng, k, 35, 45, 3)[truth], 12).round()
    columns["spend"] = np.exp(rng.normal(np.log(_levels(rng, k, 80, 140, 3))[truth], 0.7)).round(2)
    columns.update(_noise(rng, n, 5))
    return pd.DataFrame(columns)


def _imbalanced(rng: np.random.Generator, k: int, truth: np.ndarray) -> pd.DataFrame:
    n = len(truth)
    pool = np.array(["fitness", "travel", "gaming", "fashion", "cooking", "tech", "music", "pets", "books"])
    rates = np.clip(rng.beta(0.4, 1.2, (k, len(pool))) * 1.1, 0.02, 0.95)
    has = rng.random((n, len(pool))) < rates[truth]
    return pd.DataFrame(
        {
            "age": np.clip(rng.normal(_levels(rng, k, 20, 65, 5)[truth], 5), 16, 90).round(),
            "spend": np.exp(rng.normal(np.log(_levels(rng, k, 40, 2500, 5))[truth], 0.45)).round(2),
            "orders": rng.poisson(_levels(rng, k, 1, 20, 4)[truth]),
            "region": _categorical(rng, truth, k, 6, 0.4, prefix="r_"),
            "device": _categorical(rng, truth, k, 4, 0.6, prefix="d_"),
            "interests": ["|".join(pool[row]) for row in has],
            "opted_in": rng.random(n) < _levels(rng, k, 0.1, 0.9, 3)[truth],
            **_noise(rng, n, 8),
        }
    )


def _large(rng: np.random.Generator, k: int, truth: np.ndarray) -> pd.DataFrame:
    parts = [
        _counts(rng, k, truth).iloc[:, :2],
        _money(rng, k, truth).iloc[:, [0, 3]],
        _rounded(rng, k, truth).iloc[:, :2],
        _clipped(rng, k, truth).iloc[:, :1],
        pd.DataFrame(_noise(rng, len(truth), 4)),
    ]
    return pd.concat(parts, axis=1)


def _flat_independent(rng: np.random.Generator, k: int, truth: np.ndarray) -> pd.DataFrame:
    n = len(truth)
    pool = np.array(["fitness", "travel", "gaming", "fashion", "cooking", "tech"])
    has = rng.random((n, len(pool))) < np.array([0.3, 0.25, 0.2, 0.15, 0.1, 0.05])
    return pd.DataFrame(
        {
            "age": np.clip(rng.normal(40, 12, n), 18, 90).round(),
            "orders": rng.poisson(4, n),
            "site_visits": np.where(rng.random(n) < 0.3, 0, rng.poisson(8, n)),
            "total_spend": rng.lognormal(5, 1.0, n).round(2),
            "open_rate": np.clip(rng.normal(0.3, 0.25, n), 0, 1).round(3),
            "country": rng.choice(
                np.array(["US", "UK", "DE", "FR", "BR"], dtype=object), n, p=[0.4, 0.2, 0.15, 0.15, 0.1]
            ),
            "device": rng.choice(np.array(["iOS", "Android", "Desktop"], dtype=object), n),
            "interests": ["|".join(pool[row]) for row in has],
            "opted_in": rng.random(n) < 0.4,
        }
    )


def _flat_correlated(rng: np.random.Generator, k: int, truth: np.ndarray) -> pd.DataFrame:
    n = len(truth)
    cov = np.array([[1, 0.7, 0.5, 0.4], [0.7, 1, 0.6, 0.3], [0.5, 0.6, 1, 0.2], [0.4, 0.3, 0.2, 1]])
    z = rng.multivariate_normal(np.zeros(4), cov, n)
    return pd.DataFrame(
        {
            "income": np.exp(10.8 + 0.5 * z[:, 0]).round(-2),
            "total_spend": np.exp(6 + 0.9 * z[:, 1]).round(2),
            "orders": rng.poisson(np.exp(1.2 + 0.6 * z[:, 2])),
            "avg_basket": np.exp(3.5 + 0.6 * z[:, 3]).round(2),
            "tenure_days": rng.gamma(2.0, 300, n).round(),
        }
    )


def _flat_categorical(rng: np.random.Generator, k: int, truth: np.ndarray) -> pd.DataFrame:
    n = len(truth)
    columns: dict[str, object] = {}
    for i in range(6):
        levels = int(rng.integers(3, 9))
        p = rng.dirichlet(np.full(levels, 2.0))
        columns[f"attr_{i}"] = rng.choice(np.array([f"v{i}_{j}" for j in range(levels)], dtype=object), n, p=p)
    return pd.DataFrame(columns)


FAMILIES: tuple[Family, ...] = (
    Family("counts", _counts, (2, 6), (1_000, 5_000)),
    Family("clipped", _clipped, (2, 6), (1_000, 5_000)),
    Family("money", _money, (2, 6), (1_000, 5_000)),
    Family("rounded", _rounded, (2, 6), (1_000, 5_000)),
    Family("correlated", _correlated, (2, 5), (1_000, 5_000)),
    Family("categorical", _categorical_led, (3, 6), (2_000, 8_000), tiny=True),
    Family("imbalanced", _imbalanced, (4, 10), (3_000, 12_000), tiny=True),
    Family("large", _large, (3, 8), (50_000, 200_000)),
    Family("flat_independent", _flat_independent, (1, 1), (1_000, 10_000), homogeneous=True),
    Family("flat_correlated", _flat_correlated, (1, 1), (1_000, 10_000), homogeneous=True),
    Family("flat_categorical", _flat_categorical, (1, 1), (1_000, 10_000), homogeneous=True),
)
