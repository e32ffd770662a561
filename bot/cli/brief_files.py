"""`segbot segment --briefs DIR`: a Markdown brief per segment and every brief on one HTML page."""

from __future__ import annotations

import re
from pathlib import Path

from bot.errors import SegbotError
from bot.files import check_output_folder, check_output_path, write_atomically
from bot.report.briefs import brief_markdown, brief_views, briefs_html, slug
from bot.report.report_input import ReportInput

HTML_NAME = "briefs.html"


def check_briefs_folder(directory: Path, names: tuple[str, ...] = (HTML_NAME,)) -> None:
    """A `SegbotError` before any work when the folder, or a file to write in it, cannot be written."""
    check_output_folder(directory, option="--briefs")
    for name in names:
        try:
            check_output_path(directory / name)
        except SegbotError as error:
            raise SegbotError(
                f"--briefs {directory}: {name} cannot be written there ({error}); remove it or choose another folder."
            ) from error


def write_briefs(directory: Path, report: ReportInput, *, file_name: str) -> list[Path]:
    """`segment-<id>.md` per segment plus `briefs.html` in `directory` (created if missing); the paths written.

    Segment briefs left by an earlier run in the same folder are removed, so the folder holds one run's briefs.
    """
    views = brief_views(report)
    names = tuple(f"segment-{view.segment}-{slug(view.name)}.md" for view in views)
    check_briefs_folder(directory, (*names, HTML_NAME))  # every file can be written, or none is
    written = []
    for view, name in zip(views, names, strict=True):
        path = directory / name
        write_atomically(path, brief_markdown(view, file_name=file_name))
        written.append(path)
    html = directory / HTML_NAME
    write_atomically(html, briefs_html(views, file_name=file_name, note=report.ranking_note))
    written.append(html)
    # Briefs of an earlier run with other segments would read as this run's: only this run's stay.
    for old in directory.glob("segment-*.md"):
        if old not in written and re.fullmatch(r"segment-\d+-[\w-]*\.md", old.name):
            old.unlink()
    return written
