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
from functools import partial

import numpy as np

from segmentation.audience import audience_columns, interest_columns, mix_of
from segmentation.effects import Candidate, candidates_for, interest_candidates
from segmentation.naming import segment_names
from segmentation.prepared import PreparedColumn, PreparedTable
from segmentation.result import FeatureEffect, SegmentProfile
from segmentation.task_map import PARALLEL_MIN_ROWS, TaskMap, serial_map

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
TWIN_DIFFERENT = 0.5
TWIN_SAME = 0.2


def profile_segments(
    prepared: PreparedTable, labels: np.ndarray, stability: Mapping[int, float], *, task_map: TaskMap | None = None
) -> tuple[SegmentProfile, ...]:
    """One profile per segment id 0..k-1, in id order; `task_map` may look at the used columns at once (each
    column's differences depend on that column and the labels alone)."""
    labels = np.asarray(labels, dtype=np.int64)
    k = int(labels.max()) + 1 if labels.size else 0
    sizes = np.bincount(labels, minlength=k)
    interests = interest_columns(prepared)
    columns = prepared.used_columns()
    look = partial(_column_differences, labels, k, {column.name: interest for column, interest in interests})
    run = task_map if task_map is not None and labels.size >= PARALLEL_MIN_ROWS else serial_map
    differences = run(look, columns)
    features = _distinguishing(prepared, labels, sizes, [candidates for candidates, _ in differences])
    names = segment_names(features, prepared, labels) if k > 1 else (WHOLE_AUDIENCE,)
    mix = audience_columns(prepared, interests)
    twins = _twins(columns, [gaps for _, gaps in differences], k)
    return tuple(
        SegmentProfile(
            id=segment,
            size=int(sizes[segment]),
            share=float(sizes[segment]) / labels.size,
            name=names[segment],
            features=features[segment],
            audience=mix_of(mix, labels == segment),
            stability=float(stability.get(segment, 0.0)),
            confidence_note=_joined(
                confidence_note(
                    int(sizes[segment]), labels.size, float(stability.get(segment, 0.0)), noun=prepared.row_noun
                ),
                _twin_note(twins.get(segment), names),
            ),
        )
        for segment in range(k)
    )


def confidence_note(size: int, n_rows: int, stability: float, *, noun: str = "people") -> str | None:
    """Plain words when a segment is too small or too unstable to trust its profile fully; None otherwise."""
    notes = []
    singular = "person" if noun == "people" else noun.removesuffix("s")
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


def _column_differences(
    labels: np.ndarray, k: int, interests: dict[str, str], column: PreparedColumn
) -> tuple[list[Candidate], np.ndarray | None]:
    """One used column's candidate features for every segment and its k x k gaps (None under two segments)."""
    if column.name in interests:
        candidates = interest_candidates(column, interests[column.name], labels, k)
    else:
        candidates = candidates_for(column, labels, k)
    return candidates, _column_gaps(column, labels, k) if k >= 2 else None


def _twins(
    columns: tuple[PreparedColumn, ...], column_gaps: list[np.ndarray | None], k: int
) -> dict[int, tuple[int, str]]:
    """Segments that differ from another segment in one column only: segment -> (the other, the column).

    `column_gaps`: per used column (`_column_gaps`), each pair's difference on a common scale (numbers: mean
    difference of the rows' ranks, ties sharing their average rank, over the ranks' standard deviation, which no
    extreme value can overflow; categories, yes/no and labels: the largest difference in a share, doubled). A
    pair is a twin when exactly one column differs by at least TWIN_DIFFERENT and every other by less than
    TWIN_SAME.
    """
    if k < 2:
        return {}
    gaps = np.stack([gap for gap in column_gaps if gap is not None]) if columns else np.zeros((0, k, k))
    twins: dict[int, tuple[int, str]] = {}
    for a in range(k):
        for b in range(a + 1, k):
            pair = gaps[:, a, b]
            different = np.flatnonzero(pair >= TWIN_DIFFERENT)
            if len(different) == 1 and np.all(np.delete(pair, different) < TWIN_SAME):
                name = columns[int(different[0])].source or columns[int(different[0])].name
                twins.setdefault(a, (b, name))
                twins.setdefault(b, (a, name))
    return twins


def _column_gaps(column: PreparedColumn, labels: np.ndarray, k: int) -> np.ndarray:
    """k x k: how far apart each pair of segments is on this column."""
    if column.numbers is not None and column.role != "boolean":
        values = np.asarray(column.numbers, dtype=np.float64)
        known = np.isfinite(values)
        # Ranks, not raw values: a column holding 9e307 next to ordinary amounts overflows any mean or spread.
        ranks = np.zeros(len(values))
        ranks[known] = average_ranks(values[known]) / max(known.sum() - 1, 1)
        spread = float(ranks[known].std()) or 1.0
        counts = np.bincount(labels[known], minlength=k)
        sums = np.bincount(labels[known], weights=ranks[known], minlength=k)
        means = np.where(counts > 0, sums / np.maximum(counts, 1), 0.0)
        return np.asarray(np.abs(means[:, None] - means[None, :]) / spread)
    shares = _segment_shares(column, labels, k)
    return np.asarray(2 * np.abs(shares[:, None, :] - shares[None, :, :]).max(axis=2))


def _segment_shares(column: PreparedColumn, labels: np.ndarray, k: int) -> np.ndarray:
    """k x levels: the share of each level (or label) among each segment's known rows."""
    if column.categories is not None:
        codes = np.asarray(column.categories.codes)
        known = codes >= 0
        table = pair_counts(labels[known], codes[known], (k, max(len(column.categories.categories), 1)))
    elif column.labels is not None and column.labels_known is not None:
        known = np.asarray(column.labels_known, dtype=bool)
        table = np.stack([np.asarray(column.labels[known & (labels == s)].sum(axis=0)).ravel() for s in range(k)])
        counts = np.bincount(labels[known], minlength=k).astype(np.float64)
        return table / np.maximum(counts, 1.0)[:, None]
    else:
        assert column.numbers is not None
        flags = np.asarray(column.numbers, dtype=np.float64)
        known = np.isfinite(flags)
        table = pair_counts(labels[known], flags[known].astype(int), (k, 2))
    return np.asarray(table / np.maximum(table.sum(axis=1, keepdims=True), 1.0))


FEW_DISTINCT = 256  # distinct values among a column's first RANK_PROBE ones under which ranks are looked up
RANK_PROBE = 2_000


def average_ranks(values: np.ndarray) -> np.ndarray:
    """0-based ranks of `values`, tied values sharing their average rank (so the row order never matters)."""
    if len(values) > RANK_PROBE and len(np.unique(values[:RANK_PROBE])) <= FEW_DISTINCT:
        # Few distinct values (ages, counts): sorting the values and looking each row's value up among the
        # distinct ones costs about a third of sorting the rows' positions, for the same ranks.
        ordered = np.sort(values)
        if not np.isnan(ordered[-1]):  # NaNs are each a rank of their own: the lookup would give them one
            starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
            sizes = np.diff(np.r_[starts, len(values)])
            return np.asarray((starts + (sizes - 1) / 2)[np.searchsorted(ordered[starts], values)])
    order = np.argsort(values)
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(values) else np.zeros(0, np.intp)
    sizes = np.diff(np.r_[starts, len(values)])
    ranks = np.empty(len(values))
    ranks[order] = np.repeat(starts + (sizes - 1) / 2, sizes)
    return ranks


def pair_counts(rows: np.ndarray, columns: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """How often each (row, column) pair occurs, as a float table of `shape` (`np.add.at` of ones, faster)."""
    flat = np.bincount(rows.astype(np.int64) * shape[1] + columns, minlength=shape[0] * shape[1])
    return np.asarray(flat.reshape(shape), dtype=np.float64)


def _twin_note(twin: tuple[int, str] | None, names: tuple[str, ...]) -> str | None:
    if twin is None:
        return None
    other, column = twin
    return f'Differs from "{names[other]}" only in {column}; otherwise the two segments are alike.'


def _joined(*notes: str | None) -> str | None:
    return " ".join(note for note in notes if note) or None


def _distinguishing(
    prepared: PreparedTable, labels: np.ndarray, sizes: np.ndarray, per_column: list[list[Candidate]]
) -> tuple[tuple[FeatureEffect, ...], ...]:
    """Each segment's features, from every used column's candidates (in `prepared.used_columns()` order)."""
    k = sizes.size
    per_segment: list[list[tuple[float, Candidate, str]]] = [[] for _ in range(k)]
    for column, candidates in zip(prepared.used_columns(), per_column, strict=True):
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
        values = np.asarray(self.numbers[column])[rows]
        with np.errstate(over="ignore"):
            middle = float(np.nanmedian(values))
        if np.isinf(middle):  # the two middle values of 1e308 and more overflow when averaged; their halves do not
            middle = float(np.nanmedian(values / 2)) * 2
        return middle
