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

from segmentation.audience import audience_columns, interest_columns, mix_of
from segmentation.effects import Candidate, candidates_for, interest_candidates
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
WHOLE_AUDIENCE = "Whole audience"


def profile_segments(
    prepared: PreparedTable, labels: np.ndarray, stability: Mapping[int, float]
) -> tuple[SegmentProfile, ...]:
    """One profile per segment id 0..k-1, in id order."""
    labels = np.asarray(labels, dtype=np.int64)
    k = int(labels.max()) + 1 if labels.size else 0
    sizes = np.bincount(labels, minlength=k)
    interests = interest_columns(prepared)
    features = _distinguishing(prepared, labels, sizes, {column.name: interest for column, interest in interests})
    names = segment_names(features, prepared) if k > 1 else (WHOLE_AUDIENCE,)
    mix = audience_columns(prepared, interests)
    return tuple(
        SegmentProfile(
            id=segment,
            size=int(sizes[segment]),
            share=float(sizes[segment]) / labels.size,
            name=names[segment],
            features=features[segment],
            audience=mix_of(mix, labels == segment),
            stability=float(stability.get(segment, 0.0)),
            confidence_note=confidence_note(int(sizes[segment]), labels.size, float(stability.get(segment, 0.0)),
                                            noun=prepared.row_noun),
        )
        for segment in range(k)
    )


def confidence_note(size: int, n_rows: int, stability: float, *, noun: str = "people") -> str | None:
    """Plain words when a segment is too small or too unstable to trust its profile fully; None otherwise."""
    notes = []
    singular = {"people": "person", "bills": "bill", "transactions": "transaction"}.get(noun, "row")
    people = f"1 {singular}" if size == 1 else f"{size:,} {noun}"
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


def _distinguishing(
    prepared: PreparedTable, labels: np.ndarray, sizes: np.ndarray, interests: dict[str, str]
) -> tuple[tuple[FeatureEffect, ...], ...]:
    k = sizes.size
    per_segment: list[list[tuple[float, Candidate, str]]] = [[] for _ in range(k)]
    for column in prepared.used_columns():
        if column.name in interests:
            candidates = interest_candidates(column, interests[column.name], labels, k)
        else:
            candidates = candidates_for(column, labels, k)
        for candidate in candidates:
            per_segment[candidate.segment].append((_rank(candidate), candidate, column.role))
    rows = _SegmentRows(prepared, labels, sizes)
    return tuple(_select(ranked, segment, rows) for segment, ranked in enumerate(per_segment))


def _rank(candidate: Candidate) -> float:
    effect = candidate.effect
    absent = effect.kind != "numeric" and effect.effect < 1
    return candidate.strength * (ABSENCE_DISCOUNT if absent else 1.0)


def _select(ranked: list[tuple[float, Candidate, str]], segment: int, rows: _SegmentRows) -> tuple[FeatureEffect, ...]:
    chosen: list[FeatureEffect] = []
    per_column: dict[str, int] = defaultdict(int)
    for _, candidate, role in sorted(ranked, key=lambda item: -item[0]):
        if len(chosen) >= MAX_FEATURES or (candidate.strength < STRONG and len(chosen) >= MIN_FEATURES):
            break
        effect = candidate.effect
        if per_column[effect.column] >= PER_COLUMN.get(role, 1):
            continue
        if effect.kind == "numeric":
            effect = replace(effect, segment_value=rows.median(segment, effect.column))
            # A mean pulled up by a few extreme rows while the typical member sits lower (or the reverse)
            # describes outliers, not the segment.
            if (effect.segment_value - effect.overall_value) * effect.effect < 0:
                continue
        per_column[effect.column] += 1
        chosen.append(effect)
    return tuple(chosen)


class _SegmentRows:
    """Each segment's values of a numeric column, read through one sort of the labels."""

    def __init__(self, prepared: PreparedTable, labels: np.ndarray, sizes: np.ndarray) -> None:
        self.order = np.argsort(labels, kind="stable")
        self.bounds = np.concatenate(([0], np.cumsum(sizes)))
        self.numbers = {c.name: c.numbers for c in prepared.used_columns() if c.numbers is not None}

    def median(self, segment: int, column: str) -> float:
        rows = self.order[self.bounds[segment] : self.bounds[segment + 1]]
        return float(np.nanmedian(np.asarray(self.numbers[column])[rows]))
