"""The `segbot` parser: fast to build (no heavy imports), every --help works, and typos get "did you mean"."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bot.cli import build_parser, main
from tests.cli.imports import imported_by

SAMPLE = Path(__file__).resolve().parents[2] / "bot" / "samples" / "sample_audience.csv"

# What `segbot --help` must not import: each costs from 0.1 s (rich, pydantic) to 2 s (scikit-learn).
HEAVY = (
    "numpy",
    "pandas",
    "scipy",
    "sklearn",
    "matplotlib",
    "sqlalchemy",
    "alembic",
    "slack_bolt",
    "slack_sdk",
    "pydantic",
    "pydantic_settings",
    "rich",
    "jinja2",
    "pyarrow",
    "openpyxl",
    "cryptography",
    "psycopg",
)


def _command_lines(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _command_lines(sub, (*prefix, name))
    return found


def test_building_the_parser_imports_nothing_heavy() -> None:
    probe = (
        "import sys, json; from bot.cli import build_parser; build_parser(); "
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(done.stdout) == []


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    lines = _command_lines(build_parser())
    assert ("segment",) in lines and ("digest", "subscribe") in lines
    for line in lines:
        with pytest.raises(SystemExit) as stopped:
            main([*line, "--help"])
        assert stopped.value.code == 0, line
        assert capsys.readouterr().out.startswith(f"usage: {' '.join(('segbot', *line))}")


def test_version_is_the_installed_packages(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out == f"segbot {version('segbot')}\n"
    assert version("segbot") == tomllib.loads((SAMPLE.parents[2] / "pyproject.toml").read_text())["project"]["version"]


def test_console_help_answers_without_loading_the_engine() -> None:
    out, imported = imported_by("segment", "--help", timeout=60)
    assert "--columns" in out
    assert "bot.cli" in imported
    assert "segmentation.engine" not in imported and "sklearn" not in imported


def _parser_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as stopped:
        main(list(argv))
    assert stopped.value.code == 2
    return capsys.readouterr().err.strip().splitlines()[-1]


def test_a_mistyped_command_gets_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    error = _parser_error(capsys, "segmnt", "data.csv")
    assert error.startswith("segbot: error: argument COMMAND: invalid choice: 'segmnt' (choose from 'brief', ")
    assert error.endswith("'); did you mean 'segment'?")
    assert _parser_error(capsys, "influencers", "lst").startswith("segbot influencers: error:")
    assert _parser_error(capsys, "influencers", "lst").endswith("did you mean 'list'?")


def test_a_mistyped_option_gets_a_suggestion_from_its_own_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert _parser_error(capsys, "segment", str(SAMPLE), "--coluns", "age") == (
        "segbot segment: error: unrecognized arguments: --coluns age; did you mean --columns?"
    )
    assert _parser_error(capsys, "segment", str(SAMPLE), "--exlude=age").endswith("did you mean --exclude?")
    assert _parser_error(capsys, "digest", "list", "--worspace", "T1") == (
        "segbot digest list: error: unrecognized arguments: --worspace T1; did you mean --workspace?"
    )


def test_a_mistyped_choice_gets_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    assert _parser_error(capsys, "segment", str(SAMPLE), "--format", "jsn") == (
        "segbot segment: error: argument --format: invalid choice: 'jsn' (choose from 'text', 'json'); "
        "did you mean 'json'?"
    )


def test_nothing_close_means_no_guess(capsys: pytest.CaptureFixture[str]) -> None:
    assert "did you mean" not in _parser_error(capsys, "xyzzy")
    assert "did you mean" not in _parser_error(capsys, "segment", str(SAMPLE), "--zzz")
    assert _parser_error(capsys, "segment", str(SAMPLE), "extra.csv") == (
        "segbot segment: error: unrecognized arguments: extra.csv"
    )


def test_a_mistyped_column_gets_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["segment", str(SAMPLE), "--columns", "agee,country"]) == 2
    assert capsys.readouterr().err == "segbot: There is no column 'agee' in --columns; did you mean 'age'?\n"
    assert main(["segment", str(SAMPLE), "--exclude", "total_spnd"]) == 2
    assert capsys.readouterr().err == (
        "segbot: There is no column 'total_spnd' in --exclude; did you mean 'total_spend'?\n"
    )
