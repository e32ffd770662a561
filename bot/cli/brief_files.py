"""`segbot segment --briefs DIR`: a Markdown brief per segment and every brief on one HTML page."""

from __future__ import annotations

from pathlib import Path

from bot.errors import SegbotError
from bot.files import write_atomically
from bot.report.briefs import brief_markdown, brief_views, briefs_html, slug
from bot.report.report_input import ReportInput


def write_briefs(directory: Path, report: ReportInput, *, file_name: str) -> list[Path]:
    """`segment-<id>.md` per segment plus `briefs.html` in `directory` (created if missing); the paths written."""
    if directory.exists() and not directory.is_dir():
        raise SegbotError(f"--briefs {directory} is a file; name a folder for the briefs.")
    directory.mkdir(parents=True, exist_ok=True)
    views = brief_views(report)
    written = []
    for view in views:
        path = directory / f"segment-{view.segment}-{slug(view.name)}.md"
        write_atomically(path, brief_markdown(view, file_name=file_name))
        written.append(path)
    html = directory / "briefs.html"
    write_atomically(html, briefs_html(views, file_name=file_name, note=report.ranking_note))
    written.append(html)
    return written
