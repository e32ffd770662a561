"""Every result renders: results of any width and length, every message and view, checked as Slack would.

Hypothesis builds results with 1 to 12 segments (some empty), 0 to 500 columns, long and hostile names and
labels, missing or many influencers, and renders the report (summary and details), the run list, the Home
tab and the re-run modal; and catalogs of up to 60 creators (`/influencers list`), errors and progress
notes. Each is validated by the fake Slack's own checks (tests/slack/fake_checks.py:
slack_sdk's block and view models plus Slack's size limits, independent of Segbot's `bot.report.limits`),
and every mrkdwn text must hold no unescaped mention, link or angle bracket.

How many examples: `SEGBOT_FUZZ_EXAMPLES` (default 150 each, as `make test` and CI run them; `make fuzz` runs
10,000, beside the readers' property tests).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.report.render import (
    RenderedMessage,
    render_error,
    render_home,
    render_influencer_list,
    render_progress,
    render_report,
    render_rerun_modal,
    render_runs,
)
from bot.report.report_input import ReportInput
from segmentation.catalog_index import CatalogEntry
from segmentation.matching import Suggestion
from segmentation.result import (
    AGE_BANDS,
    AudienceMix,
    ColumnRole,
    FeatureEffect,
    SegmentationResult,
    SegmentProfile,
)
from tests.slack import fake_checks

EXAMPLES = int(os.environ.get("SEGBOT_FUZZ_EXAMPLES", "150"))
HOSTILE = (
    "<!channel>",
    "<!here>",
    "<!subteam^S1>",
    "<@U123>",
    "<#C123>",
    "<https://x|y>",
    "&",
    "> quoted",
    "a\u200bb",
    "\u202eexe.csv",
    "*bold* _it_ `code`",
    "",
    " ",
)
ROLES = ("numeric", "categorical", "multilabel", "date", "boolean", "identifier", "free_text", "constant", "empty")

any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
long_text = st.builds(lambda part, n: (part or "x") * n, any_text, st.integers(1, 400))
names = st.one_of(st.sampled_from(HOSTILE), any_text, long_text)
shares = st.floats(0, 1, allow_nan=False)


@st.composite
def audiences(draw: st.DrawFn) -> AudienceMix:
    countries = draw(st.lists(st.tuples(st.text("ABCDEFGHIJ", min_size=2, max_size=2), shares), max_size=6))
    return AudienceMix(
        age_bands={band: draw(shares) for band in draw(st.lists(st.sampled_from(AGE_BANDS), unique=True))},
        age_known=draw(shares),
        gender={g: draw(shares) for g in draw(st.lists(names, max_size=4))},
        gender_known=draw(shares),
        countries=tuple(countries),
        country_names={code: draw(names) for code, _ in countries},
        countries_known=draw(shares),
        interests=tuple(draw(st.lists(st.tuples(names, shares), max_size=8))),
        interests_known=draw(shares),
    )


@st.composite
def features(draw: st.DrawFn) -> FeatureEffect:
    kind = draw(st.sampled_from(("numeric", "category", "label")))
    return FeatureEffect(
        column=draw(names),
        kind=kind,
        label=draw(names),
        value=None if kind == "numeric" else draw(names),
        segment_value=draw(st.floats(-1e9, 1e9, allow_nan=False)),
        overall_value=draw(st.floats(-1e9, 1e9, allow_nan=False)),
        effect=draw(st.floats(-50, 50, allow_nan=False)),
        unit=draw(st.sampled_from((None, "currency", "percent", "days", "years"))),
    )


@st.composite
def suggestions(draw: st.DrawFn) -> Suggestion:
    return Suggestion(
        platform=draw(names),
        handle=draw(names) or "h",
        score=draw(shares),
        reasons=tuple(draw(st.lists(names, min_size=1, max_size=4))),
        flags=tuple(draw(st.lists(names, max_size=4))),
        name=draw(st.one_of(st.none(), names)),
        followers=draw(st.one_of(st.none(), st.integers(0, 10**9))),
        pinned=draw(st.booleans()),
    )


@st.composite
def reports(draw: st.DrawFn) -> ReportInput:
    k = draw(st.integers(1, 12))
    rows = draw(st.integers(0, 10**7))
    # Segments pick from small pools of drawn features, audiences and names, so Hypothesis spends its budget
    # on shapes (how many segments, lines, columns; how long; how hostile) rather than on random bytes.
    feature_pool = draw(st.lists(features(), min_size=1, max_size=4))
    audience_pool = draw(st.lists(audiences(), min_size=1, max_size=2))
    name_pool = draw(st.lists(names, min_size=1, max_size=3))
    segments = tuple(
        SegmentProfile(
            id=index,
            size=draw(st.integers(0, rows)),  # empty segments too
            share=draw(shares),
            name=name_pool[index % len(name_pool)],
            features=tuple(feature_pool[j % len(feature_pool)] for j in range(draw(st.integers(0, 30)))),
            audience=audience_pool[index % len(audience_pool)],
            stability=draw(shares),
            confidence_note=draw(st.one_of(st.none(), st.sampled_from(name_pool))),
        )
        for index in range(1, k + 1)
    )
    # Wide files the same way: a few drawn names, roles and reasons repeated over up to 500 columns (as a CRM
    # export repeats `custom_field_12 (empty)`).
    width = draw(st.one_of(st.integers(0, 12), st.integers(0, 500)))
    pool = draw(st.lists(st.tuples(names, st.sampled_from(ROLES), st.booleans(), names), min_size=1, max_size=4))
    numbered = draw(st.booleans())
    columns = tuple(
        ColumnRole(name + (f"_{i}" if numbered else ""), role, used, reason)
        for i, (name, role, used, reason) in ((i, pool[i % len(pool)]) for i in range(width))
    )
    result = SegmentationResult(
        labels=np.empty(0, dtype=np.int32),
        segments=segments,
        k=k,
        k_scores={c: draw(st.floats(-1, 1, allow_nan=False)) for c in draw(st.lists(st.integers(1, 12), unique=True))},
        k_reason=draw(names),
        stability=draw(shares),
        columns=columns,
        n_rows=rows,
        audience=audience_pool[0],
    )
    suggestion_pool = draw(st.lists(suggestions(), min_size=1, max_size=3))
    per_segment = draw(st.one_of(st.none(), st.integers(0, 6)))
    suggested = (
        None
        if per_segment is None
        else {
            i: [suggestion_pool[j % len(suggestion_pool)] for j in range((i * per_segment) % 7)]
            for i in range(1, k + 1)
        }
    )
    return ReportInput.of(result, suggested, catalog_size=draw(st.one_of(st.none(), st.integers(0, 10**6))))


@dataclass(frozen=True)
class Run:
    """A stored run as run lists read it (`RunRecord`)."""

    id: int
    file_name: str
    dataset_name: str
    created_at: datetime
    n_rows: int
    k: int
    stability: float
    forced_k: int | None
    result: SegmentationResult

    @property
    def named_dataset(self) -> bool:
        return self.dataset_name != self.file_name


def leaks(texts: object) -> list[str]:
    return [leak for text in fake_checks.mrkdwn_texts(texts) for leak in fake_checks.leaks_in(text, lambda _: False)]  # type: ignore[arg-type]


@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(report=reports(), file_name=names, run_id=st.one_of(st.none(), st.integers(1, 2**31)), details=st.booleans())
def test_every_result_renders_as_valid_block_kit_without_leaks(
    report: ReportInput, file_name: str, run_id: int | None, details: bool
) -> None:
    message = render_report(report, file_name=file_name, run_id=run_id, details=details)
    params = {"text": message.text, "blocks": message.blocks}
    assert fake_checks.message_problems(params) == []
    assert leaks(params) == []

    runs = [
        Run(
            n,
            file_name,
            name,
            datetime(2026, 1, 1, tzinfo=UTC),
            report.result.n_rows,
            report.result.k,
            0.5,
            None,
            report.result,
        )
        for n, name in enumerate((file_name, "x" * 300, "<!channel>"), start=1)
    ]
    listing = render_runs(runs)
    listing_params = {"text": listing.text, "blocks": listing.blocks}
    assert fake_checks.message_problems(listing_params) == []
    assert leaks(listing_params) == []
    home = render_home(runs, report.catalog_size or 0)
    assert fake_checks.view_problems(home) == []
    assert leaks({"view": home}) == []
    assert fake_checks.view_problems(render_rerun_modal(run_id or 1, report.result)) == []


@st.composite
def catalog_entries(draw: st.DrawFn) -> CatalogEntry:
    return CatalogEntry(
        platform=draw(names),
        handle=draw(names) or "h",
        name=draw(st.one_of(st.none(), names)),
        followers=draw(st.integers(0, 10**9)),
        engagement_rate=draw(st.one_of(st.none(), shares)),
        topics=tuple(draw(st.lists(names, max_size=6))),
        audience_country=draw(st.one_of(st.none(), st.sampled_from(("US", "BR", "ZZ")))),
        audience_age=draw(st.one_of(st.none(), st.sampled_from(AGE_BANDS))),
        audience_female_pct=draw(st.one_of(st.none(), st.floats(0, 100))),
    )


def _valid(message: RenderedMessage) -> None:
    params = {"text": message.text, "blocks": message.blocks}
    assert fake_checks.message_problems(params) == []
    assert leaks(params) == []


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    entries=st.lists(catalog_entries(), max_size=60),
    topic=st.one_of(st.none(), names),
    sentence=names,
    stage=st.one_of(st.sampled_from(("queued", "downloading")), names),
)
def test_catalog_lists_errors_and_progress_render_valid(
    entries: list[CatalogEntry], topic: str | None, sentence: str, stage: str
) -> None:
    _valid(render_influencer_list(entries, topic))
    _valid(render_error(sentence or "x", reference="abc123"))
    _valid(render_progress(sentence, stage))
