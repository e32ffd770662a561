"""`segbot segment --briefs DIR`: a Markdown brief per segment and every brief on one HTML page."""

from __future__ import annotations

import re
from pathlib import Path

from bot.files import check_output_folder, write_atomically
from bot.report.briefs import brief_markdown, brief_views, briefs_html, slug
from bot.report.report_input import ReportInput


def write_briefs(directory: Path, report: ReportInput, *, file_name: str) -> list[Path]:
    """`segment-<id>.md` per segment plus `briefs.html` in `directory` (created if missing); the paths written.

    Segment briefs left by an earlier run in the same folder are removed, so the folder holds one run's briefs.
    """
    check_output_folder(directory, option="--briefs")
    views = brief_views(report)
    written = []
    for view in views:
        path = directory / f"segment-{view.segment}-{slug(view.name)}.md"
        write_atomically(path, brief_markdown(view, file_name=file_name))
        written.append(path)
    html = directory / "briefs.html"
    write_atomically(html, briefs_html(views, file_name=file_name, note=report.ranking_note))
    written.append(html)
    # Briefs of an earlier run with other segments would read as this run's: only this run's stay.
    for old in directory.glob("segment-*.md"):
        if old not in written and re.fullmatch(r"segment-\d+-[\w-]*\.md", old.name):
            old.unlink()
    return written
