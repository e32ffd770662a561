"""Campaign briefs rendered: Markdown (one file per segment), Slack Block Kit, and one print-ready HTML page.

The brief itself is computed by the engine (`segmentation.brief`); this module only picks what to show
(the segment's place in the ranking, its suggested creators) and hands it to the templates in
`bot/templates/brief/`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from bot.errors import SegbotError
from bot.report.filters import FILTERS
from bot.report.report_input import ReportInput, SegmentReport
from bot.report.templating import render_blocks, render_text
from segmentation.result import CampaignBrief


@dataclass(frozen=True)
class BriefView:
    """One segment's brief as shown: its place in the ranking (1 = start here) and its suggested creators."""

    segment: int
    name: str
    place: int
    places: int
    reason: str
    brief: CampaignBrief
    creators: tuple[str, ...]
    creators_asked: bool


def brief_views(report: ReportInput) -> tuple[BriefView, ...]:
    """Every segment's brief, in ranking order (best first)."""
    by_id = {s.profile.id: s for s in report.segments}
    ranking = report.ranking
    return tuple(
        _view(by_id[place.segment], index + 1, len(ranking), place.reason) for index, place in enumerate(ranking)
    )


def brief_view(report: ReportInput, segment: int) -> BriefView:
    """One segment's brief; a plain sentence when there is no such segment."""
    found = next((view for view in brief_views(report) if view.segment == segment), None)
    if found is None:
        ids = sorted(s.profile.id for s in report.segments)
        raise SegbotError(f"There is no segment {segment}; this report has segments {ids[0]} to {ids[-1]}.")
    return found


def brief_markdown(view: BriefView, *, file_name: str) -> str:
    return render_text("brief/brief.md.j2", view=view, file_name=file_name) + "\n"


def brief_blocks(view: BriefView, *, run_id: int | None = None) -> list[dict[str, Any]]:
    return render_blocks("brief/blocks.json.j2", view=view, run_id=run_id)


def brief_fallback(view: BriefView) -> str:
    return render_text("brief/fallback.txt.j2", view=view)


def briefs_html(views: tuple[BriefView, ...], *, file_name: str, note: str | None) -> str:
    """All briefs on one print-ready HTML page (A4, one card per segment, user text HTML-escaped)."""
    return _html().get_template("brief/briefs.html.j2").render(views=views, file_name=file_name, note=note)


def _view(segment: SegmentReport, place: int, places: int, reason: str) -> BriefView:
    profile = segment.profile
    if profile.brief is None:
        raise SegbotError("This run was stored before campaign briefs existed; segment the file again for briefs.")
    return BriefView(
        segment=profile.id,
        name=profile.name,
        place=place,
        places=places,
        reason=reason,
        brief=profile.brief,
        creators=segment.creators,
        creators_asked=segment.influencers is not None,
    )


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "segment"


@cache
def _html() -> Environment:
    environment = Environment(
        loader=PackageLoader("bot", "templates"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html.j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(FILTERS)
    return environment
