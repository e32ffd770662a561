"""The terminal report into a file or a pipe: sentences on one line, no trailing spaces; a terminal still wraps."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from rich.console import Console

from bot.cli import main
from bot.report.report_input import ReportInput
from bot.terminal.console import PipeConsole
from bot.terminal.report import print_report
from segmentation.result import SegmentationResult
from tests.report.summaries import summary

LONG_REASON = (
    "k=3: best fit score (-35.63) of the candidates that refits on subsamples reproduce (stability 1.00, "
    "needed 0.80); k=4 fits worse (-35.96)."
)


def _printed(console: Console) -> str:
    result = replace(SegmentationResult.from_dict(summary(3)), k_reason=LONG_REASON)
    print_report(console, ReportInput.of(result), file_name="audience.csv")
    file = console.file
    assert isinstance(file, io.StringIO)
    return file.getvalue()


def test_into_a_file_each_sentence_is_one_line_without_trailing_spaces() -> None:
    text = _printed(PipeConsole(file=io.StringIO(), width=80))
    lines = text.splitlines()
    assert not [line for line in lines if line != line.rstrip()]
    assert f"Engine note: {LONG_REASON}" in lines  # one line, not cut at the console's width
    assert "Columns" in lines
    # Tables and panels still fit the width.
    assert all(len(line) <= 80 for line in lines if line[:1] in "┏┃┡│└╭╰")


def test_a_terminal_still_wraps_sentences_to_its_width() -> None:
    text = _printed(PipeConsole(file=io.StringIO(), width=80, force_terminal=True, color_system=None))
    assert all(len(line) <= 80 for line in text.splitlines())


def test_the_demo_piped_has_no_trailing_spaces_and_gives_the_brief_as_markdown(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["demo"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert not [line for line in lines if line != line.rstrip()]
    assert any(line.startswith("# Campaign brief: ") for line in lines)
    assert "## Who they are" in lines


def test_the_engines_figures_close_the_report_after_every_segment() -> None:
    """A marketer reads the top: the scores per k and the engine's note came before the columns and segments."""
    lines = _printed(PipeConsole(file=io.StringIO(), width=80)).splitlines()
    note = lines.index(f"Engine note: {LONG_REASON}")
    assert lines[note - 2] == "How the number of segments was chosen"
    assert lines[note - 1].startswith("Score per k (higher is better): 2: ")
    assert note == len(lines) - 1
    assert lines.index("Columns") < note - 2
