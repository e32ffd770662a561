"""Outcome rates per segment: how often each yes/no outcome (bought, churned, ...) happened, with a 95% interval.

Outcome columns are found in `columns.py` (semantic "outcome") and kept out of the clustering by default, so
the segments describe who people are and the outcome rate tells which segments convert: "20.8% bought vs 6.0%
overall". The interval is Wilson's score interval, which stays inside [0, 1] and behaves for small segments
and rare outcomes, where the normal approximation does not.
"""

from __future__ import annotations

import numpy as np

from segmentation.prepared import PreparedTable
from segmentation.result import OutcomeRate

Z_95 = 1.959964


def outcome_columns(prepared: PreparedTable) -> tuple[str, ...]:
    return tuple(column.name for column in prepared.columns if column.semantic == "outcome")


def outcome_rates(prepared: PreparedTable, labels: np.ndarray, k: int) -> tuple[tuple[OutcomeRate, ...], ...]:
    """Per segment 0..k-1: one `OutcomeRate` per outcome column (rows where the outcome is missing left out)."""
    per_segment: list[list[OutcomeRate]] = [[] for _ in range(k)]
    for column in prepared.columns:
        if column.semantic != "outcome" or column.numbers is None:
            continue
        flags = np.asarray(column.numbers, dtype=np.float64)
        known = np.isfinite(flags)
        overall = float(flags[known].mean()) if known.any() else 0.0
        yes = np.bincount(labels[known], weights=flags[known], minlength=k)
        counts = np.bincount(labels[known], minlength=k)
        for segment in range(k):
            n = int(counts[segment])
            rate = float(yes[segment] / n) if n else 0.0
            per_segment[segment].append(
                OutcomeRate(
                    column=column.name,
                    rate=rate,
                    overall=overall,
                    lift=rate / overall if overall > 0 else 0.0,
                    ci=wilson_interval(float(yes[segment]), n),
                )
            )
    return tuple(tuple(rates) for rates in per_segment)


def wilson_interval(successes: float, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a proportion; (0, 1) when there are no rows."""
    if n <= 0:
        return (0.0, 1.0)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # The exact interval always holds p; rounding at p = 0 or 1 must not push a bound past it.
    return (max(0.0, min(float(centre - half), p)), min(1.0, max(float(centre + half), p)))
