"""What the report templates show, computed from a `ReportInput`: every choice and number, no formatting.

`report_view(report, ..., layout)` picks what to show under a `Layout` (how much detail fits); the
templates only lay it out and format numbers through filters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from bot.report import filters, messages
from bot.report.filters import counted, num, pct
from bot.report.limits import fit_mrkdwn
from bot.report.report_input import ReportInput, RunRecord, SegmentReport
from segmentation.countries import country_name
from segmentation.ranking import worth_phrase
from segmentation.result import AudienceMix, ColumnRole, FeatureEffect, OutcomeRate, SegmentationResult

if TYPE_CHECKING:  # types only: a report without suggestions never loads the matching engine
    from segmentation.catalog_index import CatalogEntry
    from segmentation.matching import Suggestion

T = TypeVar("T")

# Longest texts shown, in characters as Slack counts them after escaping (`fit_mrkdwn` ends a longer one with "…").
NAME_LENGTH = 90
LABEL_LENGTH = 80
FILE_NAME_LENGTH = 100
REASON_LENGTH = 140
ROLE_REASON_LENGTH = 70
K_REASON_LENGTH = 600
NOTE_LENGTH = 300
PLATFORM_LENGTH = 30
TOPIC_LENGTH = 60
TOPICS_LENGTH = 100
RUN_SEGMENT_NAME_LENGTH = 40
# How many items are shown.
GENDERS_SHOWN = 3
FLAGS_SHOWN = 3
RUN_SEGMENTS_SHOWN = 4
CATALOG_NAMES_IN_FALLBACK = 10
USED_SHOWN = 12
# The overview's column lists stay well inside one context block (3,000 characters) however wide the file:
# ignored columns are grouped by reason (a CRM export's 50 empty custom fields are one group).
OVERVIEW_COLUMN_LENGTH = 40
IGNORED_GROUPS_SHOWN = 4
IGNORED_NAMES_SHOWN = 4
COLUMNS_DETAILED = 48  # in the details view; segments matter more than a very wide file's column list
RUNS_SHOWN = 20
CATALOG_SHOWN = 40
CATALOG_LINES_PER_SECTION = 20
# Lines per section in the details view: lines are at most ~200 characters, sections at most 3,000.
LINES_PER_SECTION = 12
# A mix line known for less of the audience than this says for how much it is known.
MOSTLY_KNOWN = 0.9


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
    no_match: str | None = None  # suggestions were asked for, the catalog has creators, none fits this segment
    outcomes: tuple[str, ...] = ()  # "20.8% bought vs 6.0% overall (95% interval 18.1%-23.7%)"
    noun: str = "people"  # what a row is: people, bills, transactions, channels, accounts, rows
    worth: str | None = None  # "20% of people, 42% of revenue, 2.1x the average per person"; None without value


@dataclass(frozen=True)
class ColumnView:
    name: str
    role: str
    used: bool
    reason: str  # short, for the overview
    detail: str  # the engine's full sentence, for the details view


@dataclass(frozen=True)
class IgnoredGroup:
    """Ignored columns sharing one reason: the first few names, and how many more."""

    reason: str
    names: tuple[str, ...]
    more: int


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
    no_distinct: bool = False  # one segment fits as well as any split (k = 1, or a forced split)
    alternative: int | None = None  # a near tie: this k fits about as well
    alternative_reason: str | None = None
    merged_from: int | None = None  # the best fit's groups, when they were merged into fewer segments
    shown: int | None = None  # segments that hold rows, when fewer than k (a forced split of one group)

    def sentence(self) -> str:
        """Why this many segments, in one plain sentence (no statistics jargon)."""
        if self.forced:
            if self.shown == 1:
                template = messages.K_FORCED_ONE
            else:
                template = messages.K_FORCED_NONE if self.no_distinct else messages.K_FORCED
        elif self.k == 1:
            template = messages.K_NONE_MERGED if self.merged_from else messages.K_NONE
        elif self.merged_from:
            template = messages.K_MERGED
        elif self.best_fit:
            template = messages.K_BEST_FIT
        else:
            template = messages.K_BEST_RELIABLE
        return template.format(
            k=self.k,
            segments=counted(self.k, "segment"),
            lowest=self.lowest,
            highest=self.highest,
            best_k=self.best_k,
            low_split=max(2, self.lowest),
            merged_from=self.merged_from,
        )

    def tie_sentence(self) -> str | None:
        """ "4 or 5 segments fit about equally well; showing 4 (why)." when two k are a near tie."""
        if self.alternative is None:
            return None
        low, high = sorted((self.k, self.alternative))
        return messages.K_TIE.format(low=low, high=high, k=self.k, why=self.alternative_reason or "the better score")


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
    ignored_groups: tuple[IgnoredGroup, ...]  # the first IGNORED_GROUPS_SHOWN reasons
    more_ignored: int  # ignored columns in the groups not shown
    column_chunks: tuple[tuple[ColumnView, ...], ...]  # the first COLUMNS_DETAILED, for the details view
    more_columns: int
    any_influencers: bool
    catalog_size: int | None  # creators in the workspace's catalog; None when the summary does not say
    evidence_note: str | None  # what the suggestions rest on, when the file lacks some signals
    suggestions_withheld: bool  # the file gives too little to match creators on
    segments: tuple[SegmentView, ...]
    summarised_segments: tuple[SegmentView, ...]
    k_scores: tuple[KScore, ...]
    run_id: int | None
    details: bool
    layout: Layout
    overall_mix: tuple[MixLine, ...]
    ranking: tuple[RankLine, ...] = ()  # empty when `ranking_note` says the file holds nothing of worth
    ranking_note: str | None = None


@dataclass(frozen=True)
class RankLine:
    """One place of "Where to start": 1 = the segment to target first."""

    place: int
    segment: int
    name: str
    reason: str


def stability_word(value: float) -> str:
    return next(word for threshold, word in messages.STABILITY_WORDS if value >= threshold)


def report_view(
    report: ReportInput, *, file_name: str, run_id: int | None, details: bool, layout: Layout
) -> ReportView:
    result = report.result
    suggestions_made = report.suggestions_made
    segments = [
        segment_view(
            s, layout, suggestions_made=suggestions_made, no_match=no_match_sentence(report, s), noun=result.row_noun
        )
        for s in report.segments
    ]
    by_size = sorted(segments, key=lambda s: -s.size)
    keep = len(segments) if layout.detailed_segments is None else layout.detailed_segments
    detailed_ids = {s.id for s in by_size[:keep]}
    columns = [_column_view(c) for c in result.columns]
    used = [c for c in columns if c.used]
    ignored_groups, more_ignored = _ignored(columns)
    return ReportView(
        file_name=fit_mrkdwn(file_name, FILE_NAME_LENGTH),
        rows=result.n_rows,
        k=result.k,
        k_reason=fit_mrkdwn(result.k_reason, K_REASON_LENGTH),
        k_choice=k_choice(result),
        stability=result.stability,
        stability_word=stability_word(result.stability),
        used_columns=tuple(_overview(c) for c in used[:USED_SHOWN]),
        more_used_columns=max(0, len(used) - USED_SHOWN),
        ignored_groups=ignored_groups,
        more_ignored=more_ignored,
        column_chunks=chunks(columns[:COLUMNS_DETAILED], LINES_PER_SECTION),
        more_columns=max(0, len(columns) - COLUMNS_DETAILED),
        any_influencers=suggestions_made,
        catalog_size=report.catalog_size,
        evidence_note=fit_mrkdwn(report.evidence.sentence(), NOTE_LENGTH) if report.evidence else None,
        suggestions_withheld=bool(report.evidence and report.evidence.withheld),
        segments=tuple(s for s in segments if s.id in detailed_ids),
        summarised_segments=tuple(s for s in by_size if s.id not in detailed_ids),
        k_scores=tuple(KScore(k=k, score=score, chosen=k == result.k) for k, score in sorted(result.k_scores.items())),
        run_id=run_id,
        details=details,
        layout=layout,
        overall_mix=mix_lines(result.audience, layout.mix_items),
        ranking=rank_lines(report),
        ranking_note=report.ranking_note,
    )


def rank_lines(report: ReportInput) -> tuple[RankLine, ...]:
    """ "Where to start", best first; empty when the file says nothing of what segments are worth."""
    if report.ranking_note is not None:
        return ()
    names = {s.profile.id: s.profile.name for s in report.segments}
    return tuple(
        RankLine(place, ranked.segment, fit_mrkdwn(names[ranked.segment], NAME_LENGTH), fit_mrkdwn(ranked.reason, 200))
        for place, ranked in enumerate(report.ranking, start=1)
    )


def k_choice(result: SegmentationResult) -> KChoice:
    k_scores = result.k_scores
    k = result.k
    best_k = max(k_scores, key=lambda candidate: k_scores[candidate]) if k_scores else k
    return KChoice(
        k=k,
        forced=len(k_scores) <= 1,
        lowest=min(k_scores, default=k),
        highest=max(k_scores, default=k),
        best_fit=best_k == k,
        best_k=best_k,
        no_distinct=result.no_distinct_segments,
        alternative=result.k_alternative,
        alternative_reason=result.k_alternative_reason,
        merged_from=result.k_merged_from,
        shown=len(result.segments) if len(result.segments) < k else None,
    )


def no_match_sentence(report: ReportInput, segment: SegmentReport) -> str | None:
    """ "No creator in your catalog of 400 fits this segment (closest: ..., why not)", when that is the case:
    suggestions were asked for, the catalog is not empty, the file gave enough to match on, and none fits."""
    if segment.influencers is None or segment.influencers or not report.catalog_size:
        return None
    if report.evidence is not None and report.evidence.withheld:
        return None
    size = f"{report.catalog_size:,}"
    closest = segment.closest
    if closest is None:
        return messages.NO_CREATOR_FITS.format(size=size)
    return messages.NO_CREATOR_FITS_CLOSEST.format(
        size=size,
        handle=closest.handle,
        platform=filters.platform(closest.platform),
        score=filters.score(closest.score),
        why_not=closest.why_not,
    )


def segment_view(
    segment: SegmentReport,
    layout: Layout,
    *,
    suggestions_made: bool,
    no_match: str | None = None,
    noun: str = "people",
) -> SegmentView:
    profile = segment.profile
    features = [_difference(f) for f in profile.features]
    shown = features if layout.feature_lines is None else features[: layout.feature_lines]
    influencers = [_suggested(s, layout.influencer_reasons) for s in segment.influencers or ()]
    return SegmentView(
        id=profile.id,
        name=fit_mrkdwn(profile.name, NAME_LENGTH),
        size=profile.size,
        share=profile.share,
        stability=profile.stability,
        stability_word=stability_word(profile.stability),
        differences=tuple(shown[:LINES_PER_SECTION]),
        more_difference_chunks=chunks(shown[LINES_PER_SECTION:], LINES_PER_SECTION),
        more_differences=len(features) - len(shown),
        mix=mix_lines(profile.audience, layout.mix_items),
        influencers=tuple(influencers[: layout.influencers]),
        suggestions_made=suggestions_made,
        confidence_note=fit_mrkdwn(profile.confidence_note, NOTE_LENGTH) if profile.confidence_note else None,
        no_match=fit_mrkdwn(no_match, NOTE_LENGTH) if no_match else None,
        outcomes=tuple(outcome_sentence(outcome) for outcome in profile.outcomes),
        noun=noun,
        worth=worth_phrase(segment.profile, noun) or None,
    )


def mix_lines(audience: AudienceMix, items: int) -> tuple[MixLine, ...]:
    """Age bands, gender, top countries and top interests, biggest first; lines with nothing known are left out."""
    candidates = (
        ("Age", _largest(audience.age_bands.items(), items), audience.age_known),
        ("Gender", _largest(audience.gender.items(), GENDERS_SHOWN), audience.gender_known),
        (
            "Top countries",
            [MixItem(audience.country_names.get(code, code), share) for code, share in audience.countries[:items]],
            audience.countries_known,
        ),
        (
            "Top interests",
            [MixItem(name, share) for name, share in audience.interests[:items]],
            audience.interests_known,
        ),
    )
    return tuple(
        MixLine(
            title=title,
            items=tuple(MixItem(fit_mrkdwn(i.name, LABEL_LENGTH), i.share) for i in found),
            known=known,
            partly_known=known < MOSTLY_KNOWN,
        )
        for title, found, known in candidates
        if found
    )


def _largest(pairs: Iterable[tuple[str, float]], items: int) -> list[MixItem]:
    ranked = sorted(pairs, key=lambda p: -p[1])
    return [MixItem(name, share) for name, share in ranked[:items] if share > 0]


def outcome_sentence(outcome: OutcomeRate) -> str:
    """ "20.8% bought vs 6.0% overall (95% interval 18.1%-23.7%)"; a column that is not a verb leads instead."""
    rate, overall = pct(outcome.rate, 1), pct(outcome.overall, 1)
    interval = f"(95% interval {pct(outcome.ci[0], 1)}-{pct(outcome.ci[1], 1)})"
    name = outcome.column.strip()
    if re.fullmatch(r"[a-z_ ]*(ed|bought)", name):
        return f"{rate} {name.replace('_', ' ')} vs {overall} overall {interval}"
    return f"{name}: {rate} vs {overall} overall {interval}"


def _difference(feature: FeatureEffect) -> Difference:
    value, label = feature.value, feature.label
    # The engine's labels name the value ("country: Brazil"); a bare column name would hide which value it is.
    if value is not None and value.lower() not in label.lower():
        label = f"{label}: {value}"
    numeric = feature.kind == "numeric"
    tied = numeric and num(feature.segment_value, feature.unit) == num(feature.overall_value, feature.unit)
    return Difference(
        numeric=numeric,
        label=fit_mrkdwn(label, LABEL_LENGTH),
        value=value,
        segment_value=feature.segment_value,
        overall_value=feature.overall_value,
        effect=feature.effect,
        unit=feature.unit,
        tied_direction=("higher" if feature.effect > 0 else "lower") if tied else None,
    )


def _suggested(suggestion: Suggestion, reasons: int) -> InfluencerView:
    return _influencer(
        name=suggestion.name,
        handle=suggestion.handle,
        platform=suggestion.platform,
        followers=suggestion.followers,
        score=suggestion.score,
        reasons=suggestion.reasons[:reasons],
        flags=suggestion.flags,
        pinned=suggestion.pinned,
    )


def _influencer(
    *,
    name: str | None,
    handle: str,
    platform: str,
    followers: int | None,
    score: float = 0.0,
    reasons: Sequence[str] = (),
    flags: Sequence[str] = (),
    pinned: bool = False,
) -> InfluencerView:
    return InfluencerView(
        name=fit_mrkdwn(name, NAME_LENGTH) if name else None,
        handle=fit_mrkdwn(handle.lstrip("@"), NAME_LENGTH),
        platform=fit_mrkdwn(platform, PLATFORM_LENGTH),
        followers=float(followers) if followers else None,  # 0: not known
        score=score,
        reasons=tuple(fit_mrkdwn(r, REASON_LENGTH) for r in reasons),
        flags=tuple(fit_mrkdwn(f, REASON_LENGTH) for f in flags[:FLAGS_SHOWN]),
        pinned=pinned,
    )


def _column_view(column: ColumnRole) -> ColumnView:
    reason = column.reason or messages.IGNORED_ROLE_WORDS.get(column.role, column.role)
    return ColumnView(
        name=fit_mrkdwn(column.name, LABEL_LENGTH),
        role=messages.ROLE_WORDS.get(column.role, column.role),
        used=column.used,
        reason=fit_mrkdwn(reason, ROLE_REASON_LENGTH),
        detail=fit_mrkdwn(column.reason, REASON_LENGTH),
    )


def _overview(column: ColumnView) -> ColumnView:
    return replace(column, name=fit_mrkdwn(column.name, OVERVIEW_COLUMN_LENGTH))


def _ignored(columns: Sequence[ColumnView]) -> tuple[tuple[IgnoredGroup, ...], int]:
    """`ignored_groups` and `more_ignored` of a report: ignored columns by reason, in the file's order."""
    by_reason: dict[str, list[str]] = {}
    for column in columns:
        if not column.used:
            by_reason.setdefault(column.reason, []).append(column.name)
    groups = [
        IgnoredGroup(
            reason=reason,
            names=tuple(fit_mrkdwn(name, OVERVIEW_COLUMN_LENGTH) for name in names[:IGNORED_NAMES_SHOWN]),
            more=max(0, len(names) - IGNORED_NAMES_SHOWN),
        )
        for reason, names in by_reason.items()
    ]
    hidden = groups[IGNORED_GROUPS_SHOWN:]
    return tuple(groups[:IGNORED_GROUPS_SHOWN]), sum(len(g.names) + g.more for g in hidden)


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


def catalog_list_view(entries: Sequence[CatalogEntry], topic: str | None) -> CatalogListView:
    lines = [_catalog_line(entry) for entry in entries[:CATALOG_SHOWN]]
    return CatalogListView(
        topic=fit_mrkdwn(topic, TOPIC_LENGTH) if topic else None,
        total=len(entries),
        chunks=chunks(lines, CATALOG_LINES_PER_SECTION),
        shown=len(lines),
        hidden=len(entries) - len(lines),
        first_names=tuple(
            line.influencer.name or "@" + line.influencer.handle for line in lines[:CATALOG_NAMES_IN_FALLBACK]
        ),
    )


def _catalog_line(entry: CatalogEntry) -> CatalogLine:
    country = entry.audience_country
    female = entry.audience_female_pct
    return CatalogLine(
        influencer=_influencer(
            name=entry.name, handle=entry.handle, platform=entry.platform, followers=entry.followers
        ),
        topics=fit_mrkdwn(", ".join(entry.topics), TOPICS_LENGTH),
        engagement_rate=entry.engagement_rate,
        audience=tuple(part for part in (country_name(country) if country else None, entry.audience_age) if part),
        audience_female=female / 100 if female is not None else None,
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


def run_views(runs: Sequence[RunRecord]) -> tuple[RunView, ...]:
    """The most recent runs as lists show them (at most RUNS_SHOWN)."""
    return tuple(
        RunView(
            id=run.id,
            file_name=fit_mrkdwn(run.file_name, FILE_NAME_LENGTH),
            dataset_name=fit_mrkdwn(run.dataset_name, NAME_LENGTH),
            named_dataset=run.named_dataset,
            created_at=run.created_at,
            rows=run.n_rows,
            k=run.k,
            stability=run.stability,
            stability_word=stability_word(run.stability),
            forced_k=run.forced_k is not None,
            segment_names=tuple(
                fit_mrkdwn(s.name, RUN_SEGMENT_NAME_LENGTH) for s in run.result.segments[:RUN_SEGMENTS_SHOWN]
            ),
        )
        for run in runs[:RUNS_SHOWN]
    )
