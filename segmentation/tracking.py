"""Recognising segments across runs: which of this run's segments are last run's, and what changed.

Each segment is described by a profile vector: how far it sits from its own run's whole audience on every
feature the profiles mention (numeric effects in standard deviations, category / label / audience-mix
shares in percentage points scaled to a comparable unit). Features a profile leaves out are taken to be
at the audience's level, which is what a profile's omission means. One-to-one matches come from a
Hungarian assignment on the distances between those vectors, allowed only when a pair is much closer than
the segments of either run are to each other; what is left over is explained, when it fits, as a merge
(a current segment looks like the size-weighted mix of two previous ones and about their combined share)
or a split (the reverse), and otherwise as new or gone.

A segment matched one-to-one keeps its previous id and name. Merged, split and new segments get fresh ids
above every previous id, with the engine's name (made unique).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal, cast

import numpy as np

from segmentation.result import AudienceMix, FeatureEffect, SegmentationResult, SegmentProfile

ShiftKind = Literal["numeric", "category", "label", "age", "gender", "country", "interest"]
Status = Literal["continuing", "new", "merged", "split"]

# A share difference of a third counts like one standard deviation of a numeric feature.
SHARE_SCALE = 3.0
# Distance allowed for a match when a run has a single segment (no separation to compare with).
LONE_SEGMENT_DISTANCE = 1.5
_BLOCKED = 1e9

Key = tuple[str, str, str | None]
MIX_SEMANTICS = frozenset({"age", "gender", "country", "interests", "birth_year"})


@dataclass(frozen=True)
class TrackingOptions:
    """The thresholds of `track_segments`; the defaults suit Segbot's profiles."""

    # A pair matches when its distance is at most this fraction of the distance from either segment to
    # the nearest other segment of its own run.
    match_ratio: float = 0.5
    # A merge / split must explain the segment at least this much better than its best single parent.
    mix_gain: float = 0.8
    # Each part of a merge or split holds at least this fraction of the combined share.
    min_part: float = 0.15
    # The combined share of the parts is within this relative tolerance of the whole.
    share_tolerance: float = 0.4
    # Shifts reported for a continuing segment: a share change of at least `min_share_shift` (0.10 = 10
    # percentage points, and beyond sampling noise) or a median change of at least `min_effect_shift`
    # audience standard deviations.
    min_share_shift: float = 0.10
    min_effect_shift: float = 0.5
    max_shifts: int = 3
    # A continuing segment whose share moved at least this much (percentage points / 100) has changed.
    min_share_change: float = 0.02


@dataclass(frozen=True)
class ProfileShift:
    """One way a continuing segment's profile moved: `before` / `after` are shares (0-1) or medians."""

    kind: ShiftKind
    column: str
    label: str
    value: str | None
    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class PreviousSegment:
    """A segment of the previous run, by its tracked id and name."""

    id: int
    name: str
    size: int
    share: float
    value_share: float | None = None  # its share of the value column's total then, when there was one


@dataclass(frozen=True)
class TrackedSegment:
    """A segment of the current run with its tracked identity and what changed since the previous run.

    `previous` holds the segments it came from: one for "continuing" and "split", two or more for
    "merged", none for "new". `engine_id` is the id `segment()` gave it in this run.
    """

    id: int
    name: str
    size: int
    share: float
    status: Status
    engine_id: int
    previous: tuple[PreviousSegment, ...] = ()
    distance: float | None = None
    shifts: tuple[ProfileShift, ...] = ()

    @property
    def previous_size(self) -> int | None:
        return sum(p.size for p in self.previous) if self.previous else None

    @property
    def previous_share(self) -> float | None:
        return sum(p.share for p in self.previous) if self.previous else None

    @property
    def size_change(self) -> int | None:
        before = self.previous_size
        return None if before is None else self.size - before

    @property
    def share_change(self) -> float | None:
        before = self.previous_share
        return None if before is None else self.share - before


@dataclass(frozen=True)
class Merge:
    sources: tuple[PreviousSegment, ...]
    into: int


@dataclass(frozen=True)
class Split:
    source: PreviousSegment
    into: tuple[int, ...]


@dataclass(frozen=True)
class SegmentTracking:
    """The outcome of comparing a run with the previous one.

    `result` is the current result with tracked ids and names (labels remapped too): store it, and the next
    comparison continues the identities. `first_run` is true when there was nothing to compare with.
    """

    result: SegmentationResult
    segments: tuple[TrackedSegment, ...]
    gone: tuple[PreviousSegment, ...]
    merges: tuple[Merge, ...]
    splits: tuple[Split, ...]
    previous_rows: int | None
    first_run: bool
    min_share_change: float = TrackingOptions.min_share_change

    @property
    def new(self) -> tuple[TrackedSegment, ...]:
        return tuple(s for s in self.segments if s.status == "new")

    @property
    def continuing(self) -> tuple[TrackedSegment, ...]:
        return tuple(s for s in self.segments if s.status == "continuing")

    def changed(self, segment: TrackedSegment) -> bool:
        """Whether a continuing segment moved enough to mention: its share or its profile."""
        share_change = segment.share_change
        return bool(segment.shifts) or (share_change is not None and abs(share_change) >= self.min_share_change)

    @property
    def meaningful(self) -> bool:
        """Anything worth telling people: new, gone, merged or split segments, or a continuing one that moved."""
        if self.first_run:
            return True
        structural = self.new or self.gone or self.merges or self.splits
        return bool(structural) or any(self.changed(s) for s in self.continuing)


def track_segments(
    previous: SegmentationResult | None,
    current: SegmentationResult,
    *,
    options: TrackingOptions | None = None,
) -> SegmentTracking:
    """Match `current`'s segments to `previous`'s and describe the changes (see the module docstring)."""
    options = options or TrackingOptions()
    if previous is None or not previous.segments:
        return _first_run(current, options)
    space = _ProfileSpace(previous, current)
    before, after = space.vectors(previous), space.vectors(current)
    comparison = _Comparison(previous, current, space, before, after, _pairwise(before, after), options)
    pairs = _one_to_one(comparison.distances, _separation(before), _separation(after), options)
    pairs, merges, splits = _mixtures(comparison, pairs)
    return _assemble(comparison, pairs, merges, splits)


@dataclass(frozen=True)
class _Comparison:
    """Two runs in one profile space: `distances[p, c]` between previous segment p and current segment c."""

    previous: SegmentationResult
    current: SegmentationResult
    space: _ProfileSpace
    before: np.ndarray
    after: np.ndarray
    distances: np.ndarray
    options: TrackingOptions


def _first_run(current: SegmentationResult, options: TrackingOptions) -> SegmentTracking:
    segments = tuple(
        TrackedSegment(id=s.id, name=s.name, size=s.size, share=s.share, status="new", engine_id=s.id)
        for s in current.segments
    )
    return SegmentTracking(
        result=current,
        segments=segments,
        gone=(),
        merges=(),
        splits=(),
        previous_rows=None,
        first_run=True,
        min_share_change=options.min_share_change,
    )


class _ProfileSpace:
    """The union of features two runs' profiles mention, with each run's audience-wide level for each."""

    def __init__(self, previous: SegmentationResult, current: SegmentationResult) -> None:
        # Category features of columns the audience mix already describes would count the same shares twice.
        self.skip = frozenset(c.name for r in (previous, current) for c in r.columns if c.semantic in MIX_SEMANTICS)
        self.levels = {id(previous): _levels(previous, self.skip), id(current): _levels(current, self.skip)}
        keys: dict[Key, None] = {}
        for result in (previous, current):
            for segment in result.segments:
                keys.update(dict.fromkeys(self.raw(segment)))
            keys.update(dict.fromkeys(self.levels[id(result)]))
        self.spreads = _spreads((previous, current))
        # A numeric column whose spread is unknown cannot be put on the common scale; it is left out.
        self.keys: tuple[Key, ...] = tuple(k for k in keys if k[0] != "numeric" or k[1] in self.spreads)
        self.labels = {**_labels(previous), **_labels(current)}

    def level(self, result: SegmentationResult, key: Key) -> float:
        own = self.levels[id(result)]
        if key in own:
            return own[key]
        for levels in self.levels.values():
            if key in levels:
                return levels[key]
        return 0.0

    def value(self, result: SegmentationResult, segment: SegmentProfile, key: Key) -> float:
        """A segment's raw value on `key` (a share, or a median); the audience level if its profile omits it."""
        return self.raw(segment).get(key, self.level(result, key))

    def known(self, segment: SegmentProfile, key: Key) -> bool:
        return key in self.raw(segment)

    def raw(self, segment: SegmentProfile) -> dict[Key, float]:
        return _raw_values(segment, self.skip)

    def vectors(self, result: SegmentationResult) -> np.ndarray:
        """One row per segment: medians in audience standard deviations, shares scaled by SHARE_SCALE."""
        rows = []
        for segment in result.segments:
            raw = self.raw(segment)
            row = []
            for key in self.keys:
                value = raw.get(key, self.level(result, key))
                row.append(value / self.spreads[key[1]] if key[0] == "numeric" else value * SHARE_SCALE)
            rows.append(row)
        return np.asarray(rows, dtype=float).reshape(len(result.segments), len(self.keys))


def _raw_values(segment: SegmentProfile, skip: frozenset[str]) -> dict[Key, float]:
    values = {_feature_key(f): f.segment_value for f in segment.features if _tracked(f, skip)}
    values.update(_mix_values(segment.audience))
    return values


def _feature_key(feature: FeatureEffect) -> Key:
    """A numeric feature is keyed by its column; a category or label by column and value."""
    return (feature.kind, feature.column, None if feature.kind == "numeric" else feature.value)


def _tracked(feature: FeatureEffect, skip: frozenset[str]) -> bool:
    return feature.kind == "numeric" or feature.column not in skip


def _mix_values(mix: AudienceMix) -> dict[Key, float]:
    values: dict[Key, float] = {}
    if mix.age_known > 0:
        values.update({("age", "age", band): share for band, share in mix.age_bands.items()})
    if mix.gender_known > 0:
        values.update({("gender", "gender", g): share for g, share in mix.gender.items()})
    if mix.countries_known > 0:
        values.update({("country", "country", code): share for code, share in mix.countries})
    if mix.interests_known > 0:
        values.update({("interest", "interests", name): share for name, share in mix.interests})
    return values


def _levels(result: SegmentationResult, skip: frozenset[str]) -> dict[Key, float]:
    """The whole audience's level of every key: its median for numerics, its share for the rest."""
    levels = {
        _feature_key(f): f.overall_value for segment in result.segments for f in segment.features if _tracked(f, skip)
    }
    levels.update(_mix_values(result.audience))
    return levels


def _labels(result: SegmentationResult) -> dict[Key, str]:
    """For each feature key, the label people read."""
    return {_feature_key(f): f.label for segment in result.segments for f in segment.features}


def _spreads(results: Iterable[SegmentationResult]) -> dict[str, float]:
    """Each numeric column's audience standard deviation, recovered from its profiles' effects.

    An effect is (segment mean - audience mean) / spread, so a profile's median gap over its effect estimates
    the spread; the median of those estimates resists skewed columns.
    """
    estimates: dict[str, list[float]] = {}
    for result in results:
        for segment in result.segments:
            for feature in segment.features:
                gap = abs(feature.segment_value - feature.overall_value)
                if feature.kind == "numeric" and abs(feature.effect) >= 0.2 and gap > 0:
                    estimates.setdefault(feature.column, []).append(gap / abs(feature.effect))
    return {column: float(np.median(values)) for column, values in estimates.items()}


def _pairwise(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    difference = before[:, None, :] - after[None, :, :]
    return np.asarray(np.sqrt((difference**2).sum(axis=2)))


def _separation(vectors: np.ndarray) -> np.ndarray:
    """Distance from each segment to the nearest other segment of the same run (inf when alone)."""
    distances = _pairwise(vectors, vectors)
    np.fill_diagonal(distances, np.inf)
    return distances.min(axis=1) if len(vectors) > 1 else np.full(len(vectors), np.inf)


def _allowed(separation: float, ratio: float) -> float:
    return LONE_SEGMENT_DISTANCE if math.isinf(separation) else ratio * separation


def _one_to_one(
    distances: np.ndarray, sep_before: np.ndarray, sep_after: np.ndarray, options: TrackingOptions
) -> dict[int, int]:
    """previous index -> current index for the pairs that are clearly the same segment."""
    limit = np.minimum(
        np.array([_allowed(s, options.match_ratio) for s in sep_before])[:, None],
        np.array([_allowed(s, options.match_ratio) for s in sep_after])[None, :],
    )
    # scipy.optimize is imported here: every worker and web process imports this module (digests), few track.
    from scipy.optimize import linear_sum_assignment

    cost = np.where(distances <= limit, distances, _BLOCKED)
    rows, cols = linear_sum_assignment(cost)
    return {int(r): int(c) for r, c in zip(rows, cols, strict=True) if cost[r, c] < _BLOCKED}


@dataclass(frozen=True)
class _Mixture:
    whole: int
    parts: tuple[int, int]
    distance: float


def _mixtures(
    comparison: _Comparison, one_to_one: dict[int, int]
) -> tuple[dict[int, int], list[_Mixture], list[_Mixture]]:
    """The one-to-one pairs left, merges (whole = current index, parts = previous) and splits (whole = previous,
    parts = current).

    Candidates are tried best first; accepting one removes the one-to-one pairs it explains better.
    """
    previous, current, options = comparison.previous, comparison.current, comparison.options
    pairs = dict(one_to_one)
    before, after, distances = comparison.before, comparison.after, comparison.distances
    merges: list[_Mixture] = []
    splits: list[_Mixture] = []
    while True:
        merge = _best_mixture(
            wholes=after,
            whole_shares=[s.share for s in current.segments],
            parts=before,
            part_shares=[s.share for s in previous.segments],
            whole_distances=distances.T,
            part_partner=dict(pairs),
            whole_partner={c: p for p, c in pairs.items()},
            taken_wholes={m.whole for m in merges} | {i for s in splits for i in s.parts},
            taken_parts={i for m in merges for i in m.parts} | {s.whole for s in splits},
            options=options,
        )
        split = _best_mixture(
            wholes=before,
            whole_shares=[s.share for s in previous.segments],
            parts=after,
            part_shares=[s.share for s in current.segments],
            whole_distances=distances,
            part_partner={c: p for p, c in pairs.items()},
            whole_partner=dict(pairs),
            taken_wholes={s.whole for s in splits} | {i for m in merges for i in m.parts},
            taken_parts={i for s in splits for i in s.parts} | {m.whole for m in merges},
            options=options,
        )
        best = min((c for c in (merge, split) if c is not None), key=lambda c: c.distance, default=None)
        if best is None:
            return pairs, merges, splits
        if best is merge:
            merges.append(best)
            pairs = {p: c for p, c in pairs.items() if p not in best.parts and c != best.whole}
        else:
            splits.append(best)
            pairs = {p: c for p, c in pairs.items() if p != best.whole and c not in best.parts}


def _best_mixture(
    *,
    wholes: np.ndarray,
    whole_shares: Sequence[float],
    parts: np.ndarray,
    part_shares: Sequence[float],
    whole_distances: np.ndarray,
    part_partner: Mapping[int, int],
    whole_partner: Mapping[int, int],
    taken_wholes: Iterable[int],
    taken_parts: Iterable[int],
    options: TrackingOptions,
) -> _Mixture | None:
    """The best (whole, two parts) where the parts' share-weighted mix looks like the whole.

    `whole_distances[w, p]` is the distance between whole w and part p. A part still matched one-to-one to
    a segment other than this whole is not free to be part of it; at least one side must be unexplained.
    """
    taken_w, taken_p = set(taken_wholes), set(taken_parts)
    separation = _separation(wholes)
    best: _Mixture | None = None
    for w in range(len(wholes)):
        if w in taken_w:
            continue
        for a, b in itertools.combinations(range(len(parts)), 2):
            if a in taken_p or b in taken_p:
                continue
            partners = {part_partner.get(a), part_partner.get(b)} - {None, w}
            if partners:
                continue
            partner = whole_partner.get(w)
            if partner is not None and partner not in (a, b):
                continue
            candidate = _mixture_fit(
                w,
                (a, b),
                wholes=wholes,
                whole_shares=whole_shares,
                parts=parts,
                part_shares=part_shares,
                whole_distances=whole_distances,
                options=options,
            )
            if candidate is None or candidate.distance > _allowed(separation[w], options.match_ratio):
                continue
            if best is None or candidate.distance < best.distance:
                best = candidate
    return best


def _mixture_fit(
    w: int,
    parts_index: tuple[int, int],
    *,
    wholes: np.ndarray,
    whole_shares: Sequence[float],
    parts: np.ndarray,
    part_shares: Sequence[float],
    whole_distances: np.ndarray,
    options: TrackingOptions,
) -> _Mixture | None:
    a, b = parts_index
    combined = part_shares[a] + part_shares[b]
    if combined <= 0 or min(part_shares[a], part_shares[b]) < options.min_part * combined:
        return None
    if abs(whole_shares[w] - combined) > options.share_tolerance * combined:
        return None
    mix = (parts[a] * part_shares[a] + parts[b] * part_shares[b]) / combined
    distance = float(np.sqrt(((mix - wholes[w]) ** 2).sum()))
    if distance > options.mix_gain * min(whole_distances[w, a], whole_distances[w, b]):
        return None
    return _Mixture(whole=w, parts=(a, b), distance=distance)


def _assemble(
    comparison: _Comparison, pairs: dict[int, int], merges: list[_Mixture], splits: list[_Mixture]
) -> SegmentTracking:
    previous, current, options = comparison.previous, comparison.current, comparison.options
    olds = [
        PreviousSegment(
            id=s.id, name=s.name, size=s.size, share=s.share, value_share=s.value.share if s.value else None
        )
        for s in previous.segments
    ]
    ids = _IdAllocator(previous)
    tracked: dict[int, TrackedSegment] = {}
    for p, c in pairs.items():
        segment = current.segments[c]
        tracked[c] = TrackedSegment(
            id=olds[p].id,
            name=olds[p].name,
            size=segment.size,
            share=segment.share,
            status="continuing",
            engine_id=segment.id,
            previous=(olds[p],),
            distance=float(comparison.distances[p, c]),
            shifts=_shifts(comparison, previous.segments[p], segment),
        )
    kept_names = {t.name for t in tracked.values()}
    for merge in merges:
        sources = tuple(olds[i] for i in merge.parts)
        tracked[merge.whole] = _fresh(current.segments[merge.whole], "merged", ids, kept_names, sources)
    for split in splits:
        for c in split.parts:
            tracked[c] = _fresh(current.segments[c], "split", ids, kept_names, (olds[split.whole],))
    for c, segment in enumerate(current.segments):
        if c not in tracked:
            tracked[c] = _fresh(segment, "new", ids, kept_names, ())
    explained = set(pairs) | {i for m in merges for i in m.parts} | {s.whole for s in splits}
    ordered = tuple(tracked[c] for c in range(len(current.segments)))
    return SegmentTracking(
        result=_relabel(current, ordered),
        segments=ordered,
        gone=tuple(olds[p] for p in range(len(olds)) if p not in explained),
        merges=tuple(Merge(sources=tuple(olds[i] for i in m.parts), into=tracked[m.whole].id) for m in merges),
        splits=tuple(Split(source=olds[s.whole], into=tuple(tracked[c].id for c in s.parts)) for s in splits),
        previous_rows=previous.n_rows,
        first_run=False,
        min_share_change=options.min_share_change,
    )


class _IdAllocator:
    """Fresh ids above every id the previous run used."""

    def __init__(self, previous: SegmentationResult) -> None:
        self.next = max((s.id for s in previous.segments), default=-1) + 1

    def take(self) -> int:
        self.next += 1
        return self.next - 1


def _fresh(
    segment: SegmentProfile,
    status: Status,
    ids: _IdAllocator,
    names: set[str],
    previous: tuple[PreviousSegment, ...],
) -> TrackedSegment:
    new_id = ids.take()
    name = segment.name if segment.name not in names else f"{segment.name} ({new_id})"
    names.add(name)
    return TrackedSegment(
        id=new_id,
        name=name,
        size=segment.size,
        share=segment.share,
        status=status,
        engine_id=segment.id,
        previous=previous,
    )


def _shifts(comparison: _Comparison, before: SegmentProfile, after: SegmentProfile) -> tuple[ProfileShift, ...]:
    """The largest moves of a continuing segment's profile, each big enough to mention.

    Only features both profiles mention are compared: a profile lists its strongest differences only, so a
    value it leaves out is not known well enough to say it moved.
    """
    space, options = comparison.space, comparison.options
    previous, current = comparison.previous, comparison.current
    found: list[tuple[float, ProfileShift]] = []
    for key in space.keys:
        if not (space.known(before, key) and space.known(after, key)):
            continue
        kind, column, value = key
        old, new = space.value(previous, before, key), space.value(current, after, key)
        label = space.labels.get(key, value or column)
        if kind == "numeric":
            size = abs(new - old) / space.spreads[column] / options.min_effect_shift
        else:
            size = abs(new - old) / max(options.min_share_shift, _noise(old, before.size, new, after.size))
        if size >= 1.0:
            shift = ProfileShift(
                kind=cast(ShiftKind, kind), column=column, label=label, value=value, before=old, after=new
            )
            found.append((size, shift))
    found.sort(key=lambda item: -item[0])
    return tuple(_without_duplicates([shift for _, shift in found])[: options.max_shifts])


def _noise(share_before: float, size_before: int, share_after: float, size_after: int) -> float:
    """Three standard errors of the difference of two sample shares: smaller moves may be chance."""
    variance = sum(p * (1 - p) / max(n, 1) for p, n in ((share_before, size_before), (share_after, size_after)))
    return 3 * math.sqrt(max(variance, 0.0))


def _without_duplicates(shifts: list[ProfileShift]) -> list[ProfileShift]:
    """Audience-mix keys repeat what a feature with the same value already says; keep the first of each."""
    seen: set[str | None] = set()
    kept = []
    for shift in shifts:
        marker = shift.value.lower() if shift.value is not None else f"numeric:{shift.column}"
        if marker in seen:
            continue
        seen.add(marker)
        kept.append(shift)
    return kept


def _relabel(current: SegmentationResult, tracked: tuple[TrackedSegment, ...]) -> SegmentationResult:
    """`current` with every segment's id and name replaced by its tracked identity, labels included."""
    mapping = {t.engine_id: t.id for t in tracked}
    segments = tuple(
        replace(segment, id=t.id, name=t.name) for segment, t in zip(current.segments, tracked, strict=True)
    )
    labels = current.labels
    if labels.size:
        lookup = np.vectorize(lambda engine_id: mapping.get(int(engine_id), int(engine_id)), otypes=[labels.dtype])
        labels = lookup(labels)
    return replace(current, segments=segments, labels=labels)
