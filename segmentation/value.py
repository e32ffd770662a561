"""Value per segment: which column says what a person is worth, and each segment's part of it.

A value column is a numeric column whose name says money or purchases (spend, revenue, sales, order value,
LTV, monetary, amount, orders, purchases) and whose values are mostly non-negative with a positive total.
Scores and ratings (a "spending score 1-100") are not value. Money names win over counts; among several of the
same kind the one with the largest total wins (`--value COL` chooses explicitly). The column stays in the
clustering as any other: purchase behaviour is part of who a segment is.

Per segment: `share` = the segment's sum / the column's total (missing cells count as 0, as pandas' `sum`
skips them), `per_person_index` = share / the segment's share of rows (1.0 = the average person).
"""

from __future__ import annotations

import re

import numpy as np

from segmentation.errors import InvalidOptionError
from segmentation.near_names import closest_name
from segmentation.prepared import PreparedColumn, PreparedTable
from segmentation.result import SegmentValue

MONEY_WORDS = (
    "revenue",
    "spend",
    "spent",
    "spending",
    "sales",
    "ltv",
    "clv",
    "lifetime value",
    "monetary",
    "amount",
    "order value",
    "basket",
    "turnover",
    "gmv",
    "mnt",
    "total paid",
    "bill",
    "purchase value",
    "value",
)
COUNT_WORDS = ("orders", "purchases", "transactions", "frequency", "num purchases", "order count")
NOT_VALUE_WORDS = ("score", "rating", "rank", "percentile", "id", "income", "salary", "per", "avg", "average")
MAX_NEGATIVE_SHARE = 0.05


def value_column(prepared: PreparedTable, requested: str | None = None) -> PreparedColumn | None:
    """The column segments are valued on: `requested` when given (it must be numeric), else found by name."""
    numeric = [
        c
        for c in prepared.columns
        if c.role == "numeric" and c.numbers is not None and c.source is None and c.semantic != "outcome"
    ]
    if requested is not None:
        chosen = next((c for c in numeric if c.name == requested), None)
        if chosen is None:
            names = ", ".join(c.name for c in numeric[:8]) or "none"
            close = closest_name(requested, [c.name for c in numeric])
            hint = f"did you mean '{close}'?" if close else "name a column of amounts, such as spend or revenue."
            raise InvalidOptionError(
                f"--value {requested} is not a numeric column of this file (numeric columns: {names}); {hint}"
            )
        if not _positive_total(chosen.numbers):
            raise InvalidOptionError(_not_a_total(requested, chosen.numbers))
        return chosen
    ranked = [(kind, c) for c in numeric if (kind := _value_kind(c)) is not None]
    if not ranked:
        return None
    best_kind = min(kind for kind, _ in ranked)
    candidates = [c for kind, c in ranked if kind == best_kind]
    with np.errstate(over="ignore"):  # totals near 1e308 overflow to inf, which still ranks them first
        return max(candidates, key=lambda c: float(np.nansum(np.asarray(c.numbers, dtype=np.float64))))


def segment_values(column: PreparedColumn, labels: np.ndarray, k: int) -> tuple[SegmentValue, ...]:
    """One `SegmentValue` per segment id 0..k-1."""
    numbers = _scaled(np.nan_to_num(np.asarray(column.numbers, dtype=np.float64), nan=0.0))
    labels = np.asarray(labels, dtype=np.int64)
    total = float(numbers.sum())
    sums = np.bincount(labels, weights=numbers, minlength=k)
    sizes = np.bincount(labels, minlength=k)
    values = []
    for segment in range(k):
        share = float(sums[segment]) / total if total > 0 else 0.0
        people = float(sizes[segment]) / labels.size if labels.size else 0.0
        values.append(SegmentValue(column.name, share, share / people if people > 0 else 0.0))
    return tuple(values)


def _value_kind(column: PreparedColumn) -> int | None:
    """0 for money, 1 for purchase counts, None when the column is not value."""
    words = _words(column.name)
    if any(re.search(rf"\b{re.escape(w)}\b", words) for w in NOT_VALUE_WORDS):
        return None
    if not _positive_total(column.numbers):
        return None
    if column.unit == "currency" or any(_has(words, w) for w in MONEY_WORDS):
        return 0
    if any(_has(words, w) for w in COUNT_WORDS):
        return 1
    return None


def _has(words: str, word: str) -> bool:
    if word == "mnt":  # "MntWines": a spend-per-category prefix
        return words.startswith("mnt ")
    return re.search(rf"\b{re.escape(word)}\b", words) is not None


def _words(name: str) -> str:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    return " ".join(re.split(r"[^a-z0-9]+", spaced.lower())).strip()


def _positive_total(numbers: np.ndarray | None) -> bool:
    if numbers is None:
        return False
    known = _scaled(numbers[np.isfinite(numbers)])
    return bool(known.size) and float(known.sum()) > 0 and float((known < 0).mean()) <= MAX_NEGATIVE_SHARE


def _not_a_total(name: str, numbers: np.ndarray | None) -> str:
    """Why `name` cannot be shared out between segments: no total above zero, or too many negative amounts."""
    known = _scaled(numbers[np.isfinite(numbers)]) if numbers is not None else np.array([])
    if known.size and float(known.sum()) > 0:
        negative = float((known < 0).mean())
        return (
            f"--value {name} has negative amounts in {negative:.0%} of rows (refunds or net figures; at most "
            f"{MAX_NEGATIVE_SHARE:.0%} is allowed), so segment shares of its total would mislead; choose a gross "
            "amount such as revenue or spend."
        )
    return f"--value {name} adds up to zero or less, so no segment can hold a share of it."


def _scaled(numbers: np.ndarray) -> np.ndarray:
    """`numbers` divided by their largest magnitude: shares and signs stay, and sums of 1e308s cannot overflow."""
    largest = float(np.max(np.abs(numbers))) if numbers.size else 0.0
    return numbers / largest if np.isfinite(largest) and largest > 0 else numbers
