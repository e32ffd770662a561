"""What the report templates show, computed from a segmentation summary: every choice and number, no formatting.

`report_view(summary, ..., layout)` picks what to show under a `Layout` (how much detail fits); the
templates only lay it out and format numbers through filters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import Any, TypeVar

from bot.report import messages
from bot.report.filters import num
from bot.report.limits import shorten
from bot.storage.runs import StoredRun
from segmentation.countries import country_name

T = TypeVar("T")

NAME_LENGTH = 90
LABEL_LENGTH = 80
FILE_NAME_LENGTH = 100
REASON_LENGTH = 140
ROLE_REASON_LENGTH = 70
USED_SHOWN = 12
COLUMNS_DETAILED = 48  # in the details view; segments matter more than a very wide file's column list
RUNS_SHOWN = 20
CATALOG_SHOWN = 40
CATALOG_LINES_PER_SECTION = 20
# Lines per section in the details view: lines are at most ~200 characters, sections at most 3,000.
LINES_PER_SECTION = 12


@dataclass(frozen=True)
class Layout:
    """How much detail a report shows; `bot.report.folding` walks from rich layouts to compact ones."""

    feature_lines: int | None = 4  # None: every feature
    mix_items: int = 3  # age bands, countries, interests shown per segment
    influencers: int = 3
    influencer_reasons: int = 1  # reasons shown per suggested influencer (the strongest first)
    separate_blocks: bool = True  # influencers and notes in blocks of their own
    dividers: bool = True
    detailed_segments: int | None = None  # None: all; else the biggest N, the rest on summary lines


@dataclass(frozen=True)
class Difference:
    """One way a segment differs from everyone (see `FeatureEffect`): medians for numbers, shares otherwise."""

    numeric: bool
    label: str
    value: str | None
    segment_value: float
    overall_value: float
    effect: float
    unit: str | None
    # "higher" or "lower" when both medians read the same (Median Kidhome: 0 vs 0), so the line says which
    # way the segment leans on average instead of showing two equal numbers.
    tied_direction: str | None = None


@dataclass(frozen=True)
class MixItem:
    name: str
    share: float


@dataclass(frozen=True)
class MixLine:
    """One line of an audience mix, e.g. Age: 18-24 52% · 25-34 30%; `known` is the share where it is known."""

    title: str
    items: tuple[MixItem, ...]
    known: float
    partly_known: bool


@dataclass(frozen=True)
class InfluencerView:
    name: str | None
    handle: str
    platform: str
    followers: float | None
    score: float
    reasons: tuple[str, ...]
    flags: tuple[str, ...]
    pinned: bool


@dataclass(frozen=True)
class SegmentView:
    id: int
    name: str
    size: int
    share: float
    stability: float
    stability_word: str
    differences: tuple[Difference, ...]  # shown in the segment's main section
    more_difference_chunks: tuple[tuple[Difference, ...], ...]  # further sections (details view)
    more_differences: int  # not shown at all
    mix: tuple[MixLine, ...]
    influencers: tuple[InfluencerView, ...]
    suggestions_made: bool  # some segment of this report has suggestions, so an empty list means no match
    confidence_note: str | None


@dataclass(frozen=True)
class ColumnView:
    name: str
    role: str
    used: bool
    reason: str  # short, for the overview
    detail: str  # the engine's full sentence, for the details view


@dataclass(frozen=True)
class KScore:
    k: int
    score: float
    chosen: bool


@dataclass(frozen=True)
class KChoice:
    """Why this many segments, for a plain sentence: asked for, the best fit, or the best fit that held up."""

    k: int
    forced: bool  # only one k was tried: someone asked for it
    lowest: int
    highest: int
    best_fit: bool
    best_k: int

    def sentence(self) -> str:
        """Why this many segments, in one plain sentence (no statistics jargon)."""
        if self.forced:
            template = messages.K_FORCED
        elif self.best_fit:
            template = messages.K_BEST_FIT
        else:
            template = messages.K_BEST_RELIABLE
        return template.format(k=self.k, lowest=self.lowest, highest=self.highest, best_k=self.best_k)


@dataclass(frozen=True)
class ReportView:
    file_name: str
    rows: int
    k: int
    k_reason: str  # the engine's technical note, for the details view
    k_choice: KChoice
    stability: float
    stability_word: str
    used_columns: tuple[ColumnView, ...]  # the first USED_SHOWN
    more_used_columns: int
    ignored_columns: tuple[ColumnView, ...]
    column_chunks: tuple[tuple[ColumnView, ...], ...]  # the first COLUMNS_DETAILED, for the details view
    more_columns: int
    any_influencers: bool
    catalog_size: int | None  # creators in the workspace's catalog; None when the summary does not say
    segments: tuple[SegmentView, ...]
    summarised_segments: tuple[SegmentView, ...]
    k_scores: tuple[KScore, ...]
    run_id: int | None
    details: bool
    layout: Layout
    overall_mix: tuple[MixLine, ...]


def stability_word(value: float) -> str:
    return next(word for threshold, word in messages.STABILITY_WORDS if value >= threshold)


def report_view(
    summary: Mapping[str, Any], *, file_name: str, run_id: int | None, details: bool, layout: Layout
) -> ReportView:
    segments = [segment_view(s, layout, suggestions_made=_any_suggestions(summary)) for s in summary["segments"]]
    by_size = sorted(segments, key=lambda s: -s.size)
    keep = len(segments) if layout.detailed_segments is None else layout.detailed_segments
    detailed_ids = {s.id for s in by_size[:keep]}
    columns = [_column_view(c) for c in summary.get("columns", [])]
    used = [c for c in columns if c.used]
    return ReportView(
        file_name=shorten(file_name, FILE_NAME_LENGTH),
        rows=int(summary["rows"]),
        k=int(summary["k"]),
        k_reason=shorten(str(summary.get("k_reason", "")), 600),
        k_choice=k_choice(int(summary["k"]), summary.get("k_scores", {})),
        stability=float(summary.get("stability", 0.0)),
        stability_word=stability_word(float(summary.get("stability", 0.0))),
        used_columns=tuple(used[:USED_SHOWN]),
        more_used_columns=max(0, len(used) - USED_SHOWN),
        ignored_columns=tuple(c for c in columns if not c.used),
        column_chunks=chunks(columns[:COLUMNS_DETAILED], LINES_PER_SECTION),
        more_columns=max(0, len(columns) - COLUMNS_DETAILED),
        any_influencers=_any_suggestions(summary),
        catalog_size=None if summary.get("catalog_size") is None else int(summary["catalog_size"]),
        segments=tuple(s for s in segments if s.id in detailed_ids),
        summarised_segments=tuple(s for s in by_size if s.id not in detailed_ids),
        k_scores=tuple(
            KScore(k=int(k), score=float(v), chosen=int(k) == int(summary["k"]))
            for k, v in sorted(summary.get("k_scores", {}).items(), key=lambda item: int(item[0]))
        ),
        run_id=run_id,
        details=details,
        layout=layout,
        overall_mix=mix_lines(summary.get("audience", {}), layout.mix_items),
    )


def k_choice(k: int, k_scores: Mapping[str, float]) -> KChoice:
    scores = {int(candidate): float(score) for candidate, score in k_scores.items()}
    best_k = max(scores, key=lambda candidate: scores[candidate]) if scores else k
    return KChoice(
        k=k,
        forced=len(scores) <= 1,
        lowest=min(scores, default=k),
        highest=max(scores, default=k),
        best_fit=best_k == k,
        best_k=best_k,
    )


def segment_view(segment: Mapping[str, Any], layout: Layout, *, suggestions_made: bool) -> SegmentView:
    features = [_difference(f) for f in segment.get("features", [])]
    shown = features if layout.feature_lines is None else features[: layout.feature_lines]
    influencers = [_influencer(i, layout.influencer_reasons) for i in segment.get("influencers", [])]
    return SegmentView(
        id=int(segment["id"]),
        name=shorten(str(segment["name"]), NAME_LENGTH),
        size=int(segment["size"]),
        share=float(segment["share"]),
        stability=float(segment.get("stability", 0.0)),
        stability_word=stability_word(float(segment.get("stability", 0.0))),
        differences=tuple(shown[:LINES_PER_SECTION]),
        more_difference_chunks=chunks(shown[LINES_PER_SECTION:], LINES_PER_SECTION),
        more_differences=len(features) - len(shown),
        mix=mix_lines(segment.get("audience", {}), layout.mix_items),
        influencers=tuple(influencers[: layout.influencers]),
        suggestions_made=suggestions_made,
        confidence_note=shorten(segment["confidence_note"], 300) if segment.get("confidence_note") else None,
    )


def _any_suggestions(summary: Mapping[str, Any]) -> bool:
    """Without a catalog every segment's list is empty (or missing): then the report offers the import instead."""
    return any(segment.get("influencers") for segment in summary["segments"])


def mix_lines(audience: Mapping[str, Any], items: int) -> tuple[MixLine, ...]:
    """Age bands, gender, top countries and top interests, biggest first; lines with nothing known are left out."""
    candidates = (
        ("Age", _largest(audience.get("age_bands", {}).items(), items), audience.get("age_known", 0.0)),
        ("Gender", _largest(audience.get("gender", {}).items(), 3), audience.get("gender_known", 0.0)),
        (
            "Top countries",
            [MixItem(c["name"], c["share"]) for c in audience.get("countries", [])[:items]],
            audience.get("countries_known", 0.0),
        ),
        (
            "Top interests",
            [MixItem(i["interest"], i["share"]) for i in audience.get("interests", [])[:items]],
            audience.get("interests_known", 0.0),
        ),
    )
    return tuple(
        MixLine(
            title=title,
            items=tuple(MixItem(shorten(str(i.name), LABEL_LENGTH), float(i.share)) for i in found),
            known=float(known),
            partly_known=float(known) < 0.9,
        )
        for title, found, known in candidates
        if found
    )


def _largest(pairs: Any, items: int) -> list[MixItem]:
    ranked = sorted(((str(name), float(share)) for name, share in pairs), key=lambda p: -p[1])
    return [MixItem(name, share) for name, share in ranked[:items] if share > 0]


def _difference(feature: Mapping[str, Any]) -> Difference:
    value = feature.get("value")
    label = str(feature["label"])
    # The engine's labels name the value ("country: Brazil"); a bare column name would hide which value it is.
    if value is not None and str(value).lower() not in label.lower():
        label = f"{label}: {value}"
    numeric = feature["kind"] == "numeric"
    segment_value, overall_value = float(feature["segment_value"]), float(feature["overall_value"])
    effect, unit = float(feature["effect"]), feature.get("unit")
    tied = numeric and num(segment_value, unit) == num(overall_value, unit)
    return Difference(
        numeric=numeric,
        label=shorten(label, LABEL_LENGTH),
        value=None if value is None else str(value),
        segment_value=segment_value,
        overall_value=overall_value,
        effect=effect,
        unit=unit,
        tied_direction=("higher" if effect > 0 else "lower") if tied else None,
    )


def _influencer(influencer: Mapping[str, Any], reasons: int) -> InfluencerView:
    name = influencer.get("name")
    return InfluencerView(
        name=shorten(str(name), NAME_LENGTH) if name else None,
        handle=shorten(str(influencer["handle"]).lstrip("@"), NAME_LENGTH),
        platform=shorten(str(influencer.get("platform", "")), 30),
        followers=float(influencer["followers"]) if influencer.get("followers") else None,  # 0: not known
        score=float(influencer.get("score", 0.0)),
        reasons=tuple(shorten(str(r), REASON_LENGTH) for r in influencer.get("reasons", [])[:reasons]),
        flags=tuple(shorten(str(f), REASON_LENGTH) for f in influencer.get("flags", [])[:3]),
        pinned=bool(influencer.get("pinned")),
    )


def _column_view(column: Mapping[str, Any]) -> ColumnView:
    role = str(column.get("role", ""))
    used = bool(column.get("used"))
    reason = str(column.get("reason") or messages.IGNORED_ROLE_WORDS.get(role, role))
    return ColumnView(
        name=shorten(str(column["name"]), LABEL_LENGTH),
        role=messages.ROLE_WORDS.get(role, role),
        used=used,
        reason=shorten(reason, ROLE_REASON_LENGTH),
        detail=shorten(str(column.get("reason", "")), REASON_LENGTH),
    )


def chunks(items: Sequence[T], size: int) -> tuple[tuple[T, ...], ...]:
    return tuple(tuple(items[start : start + size]) for start in range(0, len(items), size))


@dataclass(frozen=True)
class CatalogLine:
    """One creator in `/influencers list`: who, what they post about, and their audience when known."""

    influencer: InfluencerView
    topics: str
    engagement_rate: float | None
    audience: tuple[str, ...]  # e.g. ("United States", "18-24")
    audience_female: float | None  # a fraction


@dataclass(frozen=True)
class CatalogListView:
    topic: str | None
    total: int
    chunks: tuple[tuple[CatalogLine, ...], ...]
    shown: int
    hidden: int
    first_names: tuple[str, ...]  # for the text fallback


def catalog_list_view(influencers: Sequence[Mapping[str, Any]], topic: str | None) -> CatalogListView:
    lines = [_catalog_line(i) for i in influencers[:CATALOG_SHOWN]]
    return CatalogListView(
        topic=shorten(topic, 60) if topic else None,
        total=len(influencers),
        chunks=chunks(lines, CATALOG_LINES_PER_SECTION),
        shown=len(lines),
        hidden=len(influencers) - len(lines),
        first_names=tuple(line.influencer.name or "@" + line.influencer.handle for line in lines[:10]),
    )


def _catalog_line(entry: Mapping[str, Any]) -> CatalogLine:
    topics = entry.get("topics") or ()
    female = entry.get("audience_female_pct")
    country = entry.get("audience_country")
    return CatalogLine(
        influencer=_influencer(entry, reasons=0),
        topics=shorten(topics if isinstance(topics, str) else ", ".join(str(t) for t in topics), 100),
        engagement_rate=entry.get("engagement_rate"),
        audience=tuple(
            part for part in (country_name(country) if country else None, entry.get("audience_age")) if part
        ),
        audience_female=float(female) / 100 if female is not None else None,
    )


@dataclass(frozen=True)
class RunView:
    id: int
    file_name: str
    dataset_name: str
    named_dataset: bool  # the dataset has a name of its own, not just the file's
    created_at: datetime
    rows: int
    k: int
    stability: float
    stability_word: str
    forced_k: bool
    segment_names: tuple[str, ...]


def run_views(runs: Sequence[StoredRun]) -> tuple[RunView, ...]:
    """The most recent runs as lists show them (at most RUNS_SHOWN)."""
    return tuple(
        RunView(
            id=run.id,
            file_name=shorten(run.file_name, FILE_NAME_LENGTH),
            dataset_name=shorten(run.dataset_name, NAME_LENGTH),
            named_dataset=run.dataset_name != PurePath(run.file_name).stem,
            created_at=run.created_at,
            rows=run.n_rows,
            k=run.k,
            stability=run.stability,
            stability_word=stability_word(run.stability),
            forced_k=run.forced_k is not None,
            segment_names=tuple(shorten(str(s["name"]), 40) for s in run.profiles.get("segments", [])[:4]),
        )
        for run in runs[:RUNS_SHOWN]
    )
