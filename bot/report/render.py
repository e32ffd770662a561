"""The public renderers the Slack app calls: a result, help, runs, Home tab, modals, errors and progress.

Each returns Block Kit checked against Slack's limits (`bot.report.limits`), with a plain-text fallback.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot.catalog.outcome import CatalogImport
from bot.report import actions, messages
from bot.report.briefs import brief_blocks, brief_fallback, brief_view
from bot.report.folding import layouts
from bot.report.limits import check_blocks, check_view, first_valid, shorten
from bot.report.report_input import ReportInput, RunRecord
from bot.report.rerun_choices import outcome_menu, value_menu
from bot.report.templating import render_blocks, render_json, render_text
from bot.report.view_model import (
    FILE_NAME_LENGTH,
    Layout,
    catalog_list_view,
    report_view,
    run_views,
)
from segmentation.catalog_index import CatalogEntry
from segmentation.result import SegmentationResult

FALLBACK_LENGTH = 3000
REJECTIONS_SHOWN = 5
IMPORT_REPLY_LENGTH = 3900
ERROR_LENGTH = 2000


@dataclass(frozen=True)
class RenderedMessage:
    """A Slack message: `text` is the notification and screen-reader fallback for `blocks`."""

    text: str
    blocks: list[dict[str, Any]]


def render_report(report: ReportInput, *, file_name: str, run_id: int | None, details: bool = False) -> RenderedMessage:
    """The segment report; `details=True` is the "Show details" version with every feature and the per-k scores.
    Buttons appear only with a `run_id` (their value)."""
    candidates = [
        _report_candidate(report, file_name=file_name, run_id=run_id, details=details, layout=layout)
        for layout in layouts(len(report.segments), details=details)
    ]
    blocks = first_valid(candidates)
    overview = report_view(report, file_name=file_name, run_id=run_id, details=details, layout=Layout())
    text = render_text("report/fallback.txt.j2", view=overview)
    return RenderedMessage(text=shorten(text, FALLBACK_LENGTH), blocks=blocks)


def render_brief(report: ReportInput, segment: int, *, run_id: int | None) -> RenderedMessage:
    """One segment's campaign brief (the "Campaign brief" button, `/segment brief N`)."""
    view = brief_view(report, segment)
    blocks = brief_blocks(view, run_id=run_id)
    check_blocks(blocks)
    return RenderedMessage(text=brief_fallback(view), blocks=blocks)


def render_help() -> RenderedMessage:
    blocks = render_blocks("help.blocks.json.j2")
    check_blocks(blocks)
    return RenderedMessage(text=render_text("help.txt.j2"), blocks=blocks)


def render_runs(runs: Sequence[RunRecord]) -> RenderedMessage:
    """`/segment runs`: the most recent runs first, each with a "Show report" button."""
    views = run_views(runs)
    blocks = render_blocks("runs.blocks.json.j2", runs=views)
    check_blocks(blocks)
    return RenderedMessage(text=render_text("runs.txt.j2", runs=views), blocks=blocks)


def render_home(runs: Sequence[RunRecord], catalog_size: int) -> dict[str, Any]:
    """The App Home tab: what Segbot does, the workspace's recent runs and the influencer catalog size."""
    blocks = render_blocks("home.blocks.json.j2", runs=run_views(runs), catalog_size=catalog_size)
    view = {"type": "home", "blocks": blocks}
    check_view(view)
    return view


def render_rerun_modal(
    run_id: int,
    result: SegmentationResult,
    *,
    value: str | Literal[False] | None = None,
    outcomes: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The "Re-run with k=…" modal: k (1 to 12, starting at the run's), the value column and the outcome columns
    (menus of the run's columns, starting at the run's choice: `value` / `outcomes` None, found automatically)."""
    initial_k = min(max(result.k, actions.MIN_K), actions.MAX_K)
    view: dict[str, Any] = render_json(
        "rerun_modal.json.j2",
        run_id=run_id,
        initial_k=initial_k,
        value=value_menu(result, value),
        outcome=outcome_menu(result, outcomes),
    )
    check_view(view)
    return view


def render_influencer_list(entries: Sequence[CatalogEntry], topic: str | None) -> RenderedMessage:
    """`/influencers list [topic]`: catalog entries, best first."""
    view = catalog_list_view(entries, topic)
    blocks = render_blocks("influencers.blocks.json.j2", view=view)
    check_blocks(blocks)
    return RenderedMessage(text=render_text("influencers.txt.j2", view=view), blocks=blocks)


def render_catalog_import(outcome: CatalogImport) -> RenderedMessage:
    """The import reply: counts, every column read (as what) and ignored (why), the first rejected rows."""
    reading = outcome.reading
    text = render_text(
        "catalog_import.md.j2",
        outcome=outcome,
        read=[use for use in reading.uses if use.read],
        ignored=[use for use in reading.uses if not use.read],
        rejected=reading.rejected[:REJECTIONS_SHOWN],
        more_rejected=max(0, len(reading.rejected) - REJECTIONS_SHOWN),
    )
    return RenderedMessage(text=shorten(text, IMPORT_REPLY_LENGTH), blocks=[])


def render_error(message: str, reference: str | None = None) -> RenderedMessage:
    """One plain sentence for the user, with the reference id of a logged unexpected error when there is one."""
    message = shorten(message, ERROR_LENGTH)
    blocks = render_blocks("error.blocks.json.j2", message=message, reference=reference)
    check_blocks(blocks)
    return RenderedMessage(text=render_text("error.txt.j2", message=message, reference=reference), blocks=blocks)


def render_progress(file_name: str, stage: str) -> RenderedMessage:
    """The "working on it" reply; `stage` is a key of `messages.STAGES` or a short sentence."""
    context = {
        "file_name": shorten(file_name, FILE_NAME_LENGTH),
        "stage": messages.STAGES.get(stage, shorten(stage, 200)),
    }
    blocks = render_blocks("progress.blocks.json.j2", **context)
    check_blocks(blocks)
    return RenderedMessage(text=render_text("progress.txt.j2", **context), blocks=blocks)


def _report_candidate(
    report: ReportInput, *, file_name: str, run_id: int | None, details: bool, layout: Layout
) -> Callable[[], list[dict[str, Any]]]:
    def render() -> list[dict[str, Any]]:
        view = report_view(report, file_name=file_name, run_id=run_id, details=details, layout=layout)
        return render_blocks("report/blocks.json.j2", view=view)

    return render
