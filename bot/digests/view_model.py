"""What a digest says, computed once as plain data; the digest templates only format it.

Segments smaller than the privacy minimum are never named: they are counted together as "other", and a
merge, split or disappearance involving one calls it "a small segment".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from segmentation.ranking import value_phrase
from segmentation.tracking import PreviousSegment, ProfileShift, SegmentTracking, TrackedSegment

DigestKind = Literal["first", "change", "no_change", "stale"]
SMALL = "a small segment"
MAX_LISTED = 15
VALUE_STEADY = 0.005  # value-share moves under half a point read as steady


@dataclass(frozen=True)
class ShiftView:
    label: str
    is_share: bool
    before: float
    after: float
    unit: str | None = None


@dataclass(frozen=True)
class SegmentView:
    name: str
    size: int
    share: float
    status: str
    size_change: int | None
    previous_size: int | None
    share_change: float | None
    changed: bool
    share_moved: bool
    shifts: tuple[ShiftView, ...]
    sources: tuple[str, ...]
    # "12% of people, 55% of revenue, up from 48%" when the run has a value column; None otherwise.
    value_line: str | None = None

    @property
    def points(self) -> float | None:
        """The share change in percentage points."""
        return None if self.share_change is None else self.share_change * 100


@dataclass(frozen=True)
class SplitView:
    source: str
    parts: tuple[SegmentView, ...]


@dataclass(frozen=True)
class GoneView:
    name: str
    size: int
    share: float


@dataclass(frozen=True)
class OtherView:
    """Segments under the privacy minimum, together."""

    count: int
    size: int
    share: float


@dataclass(frozen=True)
class HeadlineView:
    """The biggest move of a named segment, when there is one."""

    name: str
    share_before: float
    share_after: float

    @property
    def grew(self) -> bool:
        return self.share_after > self.share_before


@dataclass(frozen=True)
class DigestView:
    dataset: str
    kind: DigestKind
    version: int
    version_at: datetime
    previous_version: int | None
    rows: int
    rows_change: int | None
    n_segments: int
    headline: HeadlineView | None
    segments: tuple[SegmentView, ...]
    new: tuple[SegmentView, ...]
    merged: tuple[SegmentView, ...]
    splits: tuple[SplitView, ...]
    gone: tuple[GoneView, ...]
    gone_small: int
    other: OtherView | None
    min_size: int
    hidden: int

    @property
    def has_changes(self) -> bool:
        """New, merged, split or gone segments, or small ones grouped as other: the changes section."""
        return bool(self.new or self.merged or self.splits or self.gone or self.gone_small or self.other)


@dataclass(frozen=True)
class VersionInfo:
    dataset: str
    version: int
    created_at: datetime
    previous_version: int | None
    stale: bool


def digest_view(tracking: SegmentTracking, info: VersionInfo, *, min_size: int) -> DigestView:
    """The digest of `tracking` for people, with small segments grouped as other."""
    shown = [s for s in tracking.segments if s.size >= min_size]
    small = [s for s in tracking.segments if s.size < min_size]
    views = sorted((_segment_view(s, tracking, min_size) for s in shown), key=lambda v: -v.share)
    rows_change = None if tracking.previous_rows is None else tracking.result.n_rows - tracking.previous_rows
    return DigestView(
        dataset=info.dataset,
        kind=_kind(tracking, info),
        version=info.version,
        version_at=info.created_at,
        previous_version=info.previous_version,
        rows=tracking.result.n_rows,
        rows_change=rows_change,
        n_segments=len(tracking.segments),
        headline=None if info.stale else _headline(shown, tracking.min_share_change),
        segments=tuple(v for v in views if v.status == "continuing")[:MAX_LISTED],
        new=tuple(v for v in views if v.status == "new" and not tracking.first_run),
        merged=tuple(v for v in views if v.status == "merged"),
        splits=_splits(views),
        gone=tuple(GoneView(g.name, g.size, g.share) for g in tracking.gone if g.size >= min_size),
        gone_small=sum(1 for g in tracking.gone if g.size < min_size),
        other=OtherView(len(small), sum(s.size for s in small), sum(s.share for s in small)) if small else None,
        min_size=min_size,
        hidden=max(0, sum(1 for v in views if v.status == "continuing") - MAX_LISTED),
    )


def _kind(tracking: SegmentTracking, info: VersionInfo) -> DigestKind:
    if info.stale:
        return "stale"
    if tracking.first_run:
        return "first"
    return "change" if tracking.meaningful else "no_change"


def _segment_view(segment: TrackedSegment, tracking: SegmentTracking, min_size: int) -> SegmentView:
    return SegmentView(
        name=segment.name,
        size=segment.size,
        share=segment.share,
        status="continuing" if tracking.first_run else segment.status,
        size_change=segment.size_change,
        previous_size=segment.previous_size,
        share_change=segment.share_change,
        changed=segment.status == "continuing" and tracking.changed(segment),
        share_moved=abs(segment.share_change or 0.0) >= tracking.min_share_change,
        shifts=tuple(_shift_view(s) for s in segment.shifts),
        sources=tuple(_name(p, min_size) for p in segment.previous),
        value_line=_value_line(segment, tracking),
    )


def _value_line(segment: TrackedSegment, tracking: SegmentTracking) -> str | None:
    """How the segment's part of the value moved: "12% of people, 55% of revenue, up from 48%"."""
    profile = next((p for p in tracking.result.segments if p.id == segment.id), None)
    if profile is None or profile.value is None:
        return None
    line = value_phrase(profile, tracking.result.row_noun)
    before = segment.previous[0].value_share if segment.status == "continuing" and segment.previous else None
    if before is None:
        return line
    now = profile.value.share
    if abs(now - before) < VALUE_STEADY:
        return f"{line}, steady"
    return f"{line}, {'up' if now > before else 'down'} from {before * 100:.0f}%"


def _shift_view(shift: ProfileShift) -> ShiftView:
    if shift.kind == "numeric":
        return ShiftView(label=f"median {shift.label}", is_share=False, before=shift.before, after=shift.after)
    label = shift.label if shift.kind in ("category", "label") else f"{shift.column} {shift.value}"
    return ShiftView(label=label, is_share=True, before=shift.before, after=shift.after)


def _name(segment: PreviousSegment, min_size: int) -> str:
    return segment.name if segment.size >= min_size else SMALL


def _splits(views: list[SegmentView]) -> tuple[SplitView, ...]:
    sources = dict.fromkeys(v.sources[0] for v in views if v.status == "split" and v.sources)
    return tuple(
        SplitView(source, tuple(v for v in views if v.status == "split" and v.sources[:1] == (source,)))
        for source in sources
    )


def _headline(shown: list[TrackedSegment], min_change: float) -> HeadlineView | None:
    moved = [s for s in shown if s.status == "continuing" and s.share_change is not None]
    if not moved:
        return None
    biggest = max(moved, key=lambda s: abs(s.share_change or 0.0))
    if abs(biggest.share_change or 0.0) < min_change:
        return None
    return HeadlineView(biggest.name, biggest.previous_share or 0.0, biggest.share)
