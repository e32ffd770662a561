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
        "segbot segment: error: there is no option --coluns; did you mean --columns?"
    )
    assert _parser_error(capsys, "segment", str(SAMPLE), "--exlude=age") == (
        "segbot segment: error: there is no option --exlude; did you mean --exclude?"
    )
    assert _parser_error(capsys, "digest", "list", "--worspace", "T1") == (
        "segbot digest list: error: there is no option --worspace; did you mean --workspace?"
    )


def test_a_mistyped_option_is_named_before_a_missing_required_one(capsys: pytest.CaptureFixture[str]) -> None:
    # argparse checks required options first: it said "the following arguments are required: --segment"
    assert _parser_error(capsys, "brief", "--segmnt", "2", str(SAMPLE)) == (
        "segbot brief: error: there is no option --segmnt; did you mean --segment?"
    )
    assert _parser_error(capsys, "export", "--segmnt", "1", "-k", "2", str(SAMPLE)) == (
        "segbot export: error: there are no options --segmnt and -k; did you mean --segment or --k?"
    )


def _typo(option: str) -> str:
    """--segment -> --segent: a letter dropped from the middle (doubled in short names, so no prefix of another)."""
    name = option[2:]
    middle = len(name) // 2
    return "--" + (
        name[:middle] + name[middle + 1 :] if len(name) > 4 else name[:middle] + name[middle] + name[middle:]
    )


def test_every_option_of_every_command_gets_a_suggestion_when_mistyped(capsys: pytest.CaptureFixture[str]) -> None:
    parsers = {line: _parser_at(build_parser(), line) for line in _command_lines(build_parser())}
    checked = 0
    for line, parser in parsers.items():
        if any(isinstance(action, argparse._SubParsersAction) for action in parser._actions):
            continue
        for option in parser._option_string_actions:
            if not option.startswith("--") or option == "--help":
                continue
            error = _parser_error(capsys, *line, _typo(option), "1")
            assert (
                error == f"segbot {' '.join(line)}: error: there is no option {_typo(option)}; did you mean {option}?"
            )
            checked += 1
    assert checked > 50


def _parser_at(parser: argparse.ArgumentParser, line: tuple[str, ...]) -> argparse.ArgumentParser:
    for name in line:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[name]
    return parser


def test_a_short_option_that_does_not_exist_is_named_with_the_long_one_meant(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # argparse said "unrecognized arguments: -k data.csv": 4 had been taken as the file
    assert _parser_error(capsys, "segment", "-k", "4", str(SAMPLE)) == (
        "segbot segment: error: there is no option -k; did you mean --k?"
    )
    assert _parser_error(capsys, "export", str(SAMPLE), "--segment", "1", "-o", "ids.csv") == (
        "segbot export: error: there is no option -o; did you mean --out or --outcome?"
    )
    assert _parser_error(capsys, "segment", "-z", "4", str(SAMPLE)) == "segbot segment: error: there is no option -z"


def test_a_mistyped_choice_gets_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    assert _parser_error(capsys, "segment", str(SAMPLE), "--format", "jsn") == (
        "segbot segment: error: argument --format: invalid choice: 'jsn' (choose from 'text', 'json'); "
        "did you mean 'json'?"
    )


def test_nothing_close_means_no_guess(capsys: pytest.CaptureFixture[str]) -> None:
    assert "did you mean" not in _parser_error(capsys, "xyzzy")
    assert _parser_error(capsys, "segment", str(SAMPLE), "--zzz") == "segbot segment: error: there is no option --zzz"
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
