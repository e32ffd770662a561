"""The docs: pasted output is real and current, links lead somewhere, and the README stays a front page."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.doc_outputs import (
    DOCS,
    ROOT,
    abridged_like,
    check_file,
    command_environment,
    matches,
    parse_console,
    run_command,
)
from tests.warm_segbot import WarmSegbot

ANY_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"\]\(([^)#\s]+)(#[^)]*)?\)")


# A guide runs up to about twenty `segbot` commands, each a fresh process that segments a file.
@pytest.mark.timeout(900)
@pytest.mark.parametrize("path", DOCS, ids=[str(p.relative_to(ROOT)) for p in DOCS])
def test_pasted_output_is_what_segbot_prints_now(path: Path) -> None:
    mismatches = check_file(path)
    assert not mismatches, "\n\n".join(m.describe() for m in mismatches) + (
        "\n\nRegenerate with `.venv/bin/python -m tests.doc_outputs --update` and read the diff."
    )


@pytest.mark.parametrize("path", DOCS, ids=[str(p.relative_to(ROOT)) for p in DOCS])
def test_every_relative_link_leads_to_a_file(path: Path) -> None:
    targets = [m.group(1) for m in LINK.finditer(path.read_text(encoding="utf-8")) if "://" not in m.group(1)]
    assert [t for t in targets if not (path.parent / t).exists()] == []


def test_the_readme_is_a_front_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode()) < 10_240
    assert ".venv/bin/segbot" in readme and "source .venv/bin/activate" in readme
    assert "../shared" not in readme
    for guide in ("docs/marketer-guide.md", "docs/slack-admin.md", "docs/operator.md", "docs/developer.md"):
        assert f"]({guide})" in readme


def test_no_example_uses_files_a_reader_does_not_have() -> None:
    """Examples use the packaged samples (bot/samples/), never the development machine's shared data sets."""
    examples = [
        (str(path.relative_to(ROOT)), block.group(0))
        for path in DOCS
        for block in ANY_FENCE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert [name for name, block in examples if "shared/datasets" in block] == []


def test_console_blocks_parse_into_commands_and_outputs() -> None:
    steps = parse_console("$ segbot demo \\\n  --seed 1\nline one\n...\n$ echo $?\n0\n")
    assert [(s.command, s.expected) for s in steps] == [
        ("segbot demo \\\n  --seed 1", ["line one", "..."]),
        ("echo $?", ["0"]),
    ]
    steps = parse_console("$ cat > a.csv <<'EOF'\nx,y\n1,2\nEOF\n$ wc -l < a.csv\n2\n")
    assert [(s.command, s.expected) for s in steps] == [
        ("cat > a.csv <<'EOF'\nx,y\n1,2\nEOF", []),
        ("wc -l < a.csv", ["2"]),
    ]


@pytest.mark.parametrize(
    ("expected", "actual", "fit"),
    [
        (["a", "b"], ["a", "b"], True),
        (["a", "b"], ["a", "c"], False),
        (["a", "..."], ["a", "b", "c"], True),
        (["a", "...", "d"], ["a", "b", "c", "d"], True),
        (["a", "...", "d"], ["a", "b", "c"], False),
        (["next: ... UTC"], ["next: 2026-11-30 09:00 UTC"], True),
        (["next: ... UTC"], ["next: 2026-11-30 09:00 CET"], False),
        (["a"], ["a", "b"], False),
        ([], [], True),
    ],
)
def test_ellipsis_matching(expected: list[str], actual: list[str], fit: bool) -> None:
    assert matches(expected, actual) is fit


def test_an_update_keeps_an_abridged_output_abridged() -> None:
    expected = ["5 segments in a.csv", "╰───╯", "..."]
    actual = ["5 segments in a.csv", "new line", "╰───╯", "╭─ 1. more", "╰───╯"]
    assert abridged_like(expected, actual) == ["5 segments in a.csv", "new line", "╰───╯", "..."]
    assert abridged_like(["a", "b"], ["a", "c"]) == ["a", "c"]
    assert abridged_like(["v2 (... UTC)", "x"], ["v2 (2026-12-02 13:03 UTC)", "y"]) == ["v2 (... UTC)", "y"]


def test_the_warm_segbot_prints_and_exits_as_the_installed_one(tmp_path: Path) -> None:
    """tests/warm_segbot.py: the same output, streams and exit code as .venv/bin/segbot, command by command."""
    commands = [
        "segbot --help | head -3",
        "segbot segmnt x.csv; echo exit $?",
        "segbot segment missing.csv 2>&1 >/dev/null",
    ]
    env = command_environment(tmp_path)
    cold = [run_command(command, tmp_path, env) for command in commands]
    server = WarmSegbot.start(tmp_path, env)
    try:
        warm_env = {**env, "PATH": f"{server.bin}{os.pathsep}{env['PATH']}"}
        assert run_command("command -v segbot", tmp_path, warm_env) == [str(server.bin / "segbot")]
        assert [run_command(command, tmp_path, warm_env) for command in commands] == cold
    finally:
        server.stop()
    assert cold[1][-1] == "exit 2" and cold[2][0].startswith("segbot: ")
