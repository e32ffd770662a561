"""Segment profiles: size, share, what sets each segment apart, its audience mix, a name and a confidence note.

The distinguishing features are the strongest differences from the whole audience on the analysed columns
(see `segmentation.effects` for the common strength scale): up to six, at most one per numeric or categorical
column and two per multi-label column. Differences of at least 0.3 standard deviations are kept; when fewer
than three reach that, weaker ones (down to 0.1) fill up to three. Over-representation is preferred to absence
when both say the same thing ("80% opted in" rather than "20% did not").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from segmentation.audience import audience_columns, mix_of
from segmentation.effects import Candidate, candidates_for
from segmentation.naming import segment_names
from segmentation.prepared import PreparedTable
from segmentation.result import FeatureEffect, SegmentProfile

MAX_FEATURES = 6
MIN_FEATURES = 3
STRONG = 0.3
PER_COLUMN = {"multilabel": 2}
# An under-representation must be this much stronger to rank above an over-representation.
ABSENCE_DISCOUNT = 0.85
SMALL_SIZE = 30
SMALL_SHARE = 0.02
UNSTABLE = 0.6


def profile_segments(
    prepared: PreparedTable, labels: np.ndarray, stability: Mapping[int, float]
) -> tuple[SegmentProfile, ...]:
    """One profile per segment id 0..k-1, in id order."""
    labels = np.asarray(labels, dtype=np.int64)
    k = int(labels.max()) + 1 if labels.size else 0
    sizes = np.bincount(labels, minlength=k)
    features = _with_medians(prepared, labels, sizes, _distinguishing(prepared, labels, k))
    names = segment_names(features, prepared)
    mix = audience_columns(prepared)
    return tuple(
        SegmentProfile(
            id=segment,
            size=int(sizes[segment]),
            share=float(sizes[segment]) / labels.size,
            name=names[segment],
            features=features[segment],
            audience=mix_of(mix, labels == segment),
            stability=float(stability.get(segment, 0.0)),
            confidence_note=confidence_note(int(sizes[segment]), labels.size, float(stability.get(segment, 0.0))),
        )
        for segment in range(k)
    )


def confidence_note(size: int, n_rows: int, stability: float) -> str | None:
    """Plain words when a segment is too small or too unstable to trust its profile fully; None otherwise."""
    notes = []
    people = "1 person" if size == 1 else f"{size:,} people"
    if size < SMALL_SIZE:
        notes.append(f"Small segment ({people}): treat its profile as a hint.")
    elif n_rows and size / n_rows < SMALL_SHARE:
        notes.append(f"Small segment ({people}, {size / n_rows:.1%} of the audience): treat its profile as a hint.")
    if stability < UNSTABLE:
        notes.append(
            f"Unstable segment (stability {stability:.2f}): it changes when the data is resampled, "
            "so check it before acting on it."
        )
    return " ".join(notes) or None


def _distinguishing(prepared: PreparedTable, labels: np.ndarray, k: int) -> list[list[FeatureEffect]]:
    per_segment: list[list[tuple[float, Candidate, str]]] = [[] for _ in range(k)]
    for column in prepared.used_columns():
        for candidate in candidates_for(column, labels, k):
            per_segment[candidate.segment].append((_rank(candidate), candidate, column.role))
    return [_select(ranked) for ranked in per_segment]


def _rank(candidate: Candidate) -> float:
    effect = candidate.effect
    absent = effect.kind != "numeric" and effect.effect < 1
    return candidate.strength * (ABSENCE_DISCOUNT if absent else 1.0)


def _select(ranked: list[tuple[float, Candidate, str]]) -> list[FeatureEffect]:
    chosen: list[FeatureEffect] = []
    per_column: dict[str, int] = defaultdict(int)
    for _, candidate, role in sorted(ranked, key=lambda item: -item[0]):
        if len(chosen) >= MAX_FEATURES or (candidate.strength < STRONG and len(chosen) >= MIN_FEATURES):
            break
        column = candidate.effect.column
        if per_column[column] >= PER_COLUMN.get(role, 1):
            continue
        per_column[column] += 1
        chosen.append(candidate.effect)
    return chosen


def _with_medians(
    prepared: PreparedTable, labels: np.ndarray, sizes: np.ndarray, features: list[list[FeatureEffect]]
) -> tuple[tuple[FeatureEffect, ...], ...]:
    """Fill the segment medians of the chosen numeric features, reading each segment's rows once per column."""
    order = np.argsort(labels, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(sizes)))
    numbers = {column.name: column.numbers for column in prepared.used_columns() if column.numbers is not None}

    def filled(segment: int, effect: FeatureEffect) -> FeatureEffect:
        if effect.kind != "numeric":
            return effect
        values = np.asarray(numbers[effect.column])[order[bounds[segment] : bounds[segment + 1]]]
        return replace(effect, segment_value=float(np.nanmedian(values)))

    return tuple(tuple(filled(segment, effect) for effect in chosen) for segment, chosen in enumerate(features))
