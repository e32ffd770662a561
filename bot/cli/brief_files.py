"""`segbot segment --briefs DIR`: a Markdown brief per segment and every brief on one HTML page."""

from __future__ import annotations

import re
from pathlib import Path

from bot.errors import SegbotError
from bot.files import check_folder_can_be_made, check_output_folder, check_output_path, write_atomically
from bot.report.briefs import brief_markdown, brief_views, briefs_html, slug
from bot.report.report_input import ReportInput

HTML_NAME = "briefs.html"
MANIFEST_NAME = ".segbot-briefs"  # the brief files this folder's last run wrote: the only ones a new run removes


def check_briefs_folder(directory: Path, names: tuple[str, ...] = (HTML_NAME,), *, create: bool = False) -> None:
    """A `SegbotError` before any work when the folder, or a file to write in it, cannot be written.

    The folder is made only with `create` (when the briefs are written), so a run that stops early leaves none."""
    if create:
        check_output_folder(directory, option="--briefs")
    else:
        check_folder_can_be_made(directory, option="--briefs")
        if not directory.exists():
            return  # made when the briefs are written: nothing in it yet to be in the way
    for name in names:
        try:
            check_output_path(directory / name)
        except SegbotError as error:
            raise SegbotError(
                f"--briefs {directory}: {name} cannot be written there ({error}); remove it or choose another folder."
            ) from error


def write_briefs(directory: Path, report: ReportInput, *, file_name: str) -> list[Path]:
    """`segment-<id>.md` per segment plus `briefs.html` in `directory` (created if missing); the paths written.

    Segment briefs an earlier run wrote in the same folder (listed in its `.segbot-briefs`) are removed, so the
    folder holds one run's briefs; no other file is touched, whatever its name.
    """
    views = brief_views(report)
    names = tuple(f"segment-{view.segment}-{slug(view.name)}.md" for view in views)
    check_briefs_folder(directory, (*names, HTML_NAME, MANIFEST_NAME), create=True)  # every file, or none
    written = []
    for view, name in zip(views, names, strict=True):
        path = directory / name
        write_atomically(path, brief_markdown(view, file_name=file_name))
        written.append(path)
    html = directory / HTML_NAME
    write_atomically(html, briefs_html(views, file_name=file_name, note=report.ranking_note))
    written.append(html)
    # Briefs of an earlier run with other segments would read as this run's: only this run's stay. Only files
    # Segbot wrote are removed (a marketer's own "segment-7-q3-plan.md" in the folder is theirs).
    for old in _earlier_briefs(directory):
        if old not in names:
            (directory / old).unlink(missing_ok=True)
    write_atomically(directory / MANIFEST_NAME, "".join(f"{name}\n" for name in names))
    return written


def _earlier_briefs(directory: Path) -> list[str]:
    """The brief files the last run listed in the folder's manifest (plain names, nothing outside the folder)."""
    try:
        listed = (directory / MANIFEST_NAME).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    return [name for name in listed if re.fullmatch(r"segment-\d+-[\w-]*\.md", name)]
