"""The README is the front door: every CLI command must be documented there."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli import build_parser

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _command_paths(parser: argparse.ArgumentParser, prefix: str) -> list[str]:
    paths = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, subparser in action.choices.items():
                paths.append(f"{prefix} {name}")
                paths += _command_paths(subparser, f"{prefix} {name}")
    return paths


def test_every_cli_command_is_in_the_readme() -> None:
    commands = _command_paths(build_parser(), "segbot")
    assert "segbot segment" in commands
    missing = [command for command in commands if command not in README]
    assert missing == []


def test_readme_names_the_two_commands() -> None:
    assert "make demo" in README
    assert "make test" in README
