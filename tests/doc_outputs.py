"""Real output pasted into the docs, re-run and compared, so the docs cannot drift from what Segbot prints.

Checked blocks are the fenced blocks marked ```console (shell sessions) and ```pycon (Python sessions):

- In a `console` block every line starting with `$ ` is a command, run with bash in one scratch folder per file
  (so a later block sees the files and the database an earlier block made), with `.venv/bin` first on PATH,
  `DATABASE_URL` a fresh SQLite file, no SEGBOT_/SLACK_ settings and an 80-column terminal. The lines after a
  command, up to the next command, are its expected output (stdout and stderr, as a terminal shows them).
  A command ending in a backslash continues on the next line; one ending in a here-document (`<<'EOF'`) takes
  the lines up to `EOF`.
  The scratch folder holds a copy of `bot/samples/`, so the docs use the sample files by the path a reader of the
  checkout uses (`bot/samples/sample_audience.csv`).
- In expected output, a line that is only `...` stands for any number of lines, and `...` inside a line for any
  text (a date, a duration).
- `pycon` blocks run as doctests from the repository root (ELLIPSIS and NORMALIZE_WHITESPACE on).

    python -m tests.doc_outputs            # check every doc (run by `make lint`; tests/test_docs.py in `make test`)
    python -m tests.doc_outputs --update   # rewrite the output of every block that no longer matches
"""

from __future__ import annotations

import argparse
import doctest
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.warm_segbot import WarmSegbot

ROOT = Path(__file__).resolve().parents[1]
DOCS = (ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md")))
FENCE = re.compile(r"^```(console|pycon)[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
ELLIPSIS = "..."
HEREDOC = re.compile(r"<<-?'?(\w+)'?\s*$")
COMMAND_TIMEOUT = 300


@dataclass(frozen=True)
class Step:
    command: str
    expected: list[str]


@dataclass(frozen=True)
class Mismatch:
    path: Path
    line: int
    command: str
    expected: list[str]
    actual: list[str]

    def describe(self) -> str:
        return (
            f"{self.path.relative_to(ROOT)}:{self.line}: the output of `{self.command}` changed.\n"
            f"--- in the doc\n" + "\n".join(self.expected) + "\n--- printed now\n" + "\n".join(self.actual)
        )


def parse_console(body: str) -> list[Step]:
    steps: list[Step] = []
    lines = body.rstrip("\n").split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.startswith("$ "):
            raise ValueError(f"console block must start with a `$ ` command line, not {line!r}")
        command = line[2:]
        while command.endswith("\\") and index + 1 < len(lines):
            index += 1
            command += "\n" + lines[index]
        heredoc = HEREDOC.search(command)
        if heredoc:  # `cat > file.csv <<'EOF'`: the lines up to EOF belong to the command
            while index + 1 < len(lines) and lines[index] != heredoc.group(1):
                index += 1
                command += "\n" + lines[index]
        index += 1
        expected = []
        while index < len(lines) and not lines[index].startswith("$ "):
            expected.append(lines[index])
            index += 1
        steps.append(Step(command, expected))
    return steps


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether `actual` fits `expected`, with `...` lines and `...` inside lines as wildcards."""
    patterns = [None if line.strip() == ELLIPSIS else _line_pattern(line) for line in expected]

    def fits(e: int, a: int) -> bool:
        if e == len(patterns):
            return a == len(actual)
        pattern = patterns[e]
        if pattern is None:
            return any(fits(e + 1, skip) for skip in range(a, len(actual) + 1))
        return a < len(actual) and pattern.fullmatch(actual[a]) is not None and fits(e + 1, a + 1)

    return fits(0, 0)


def abridged_like(expected: list[str], actual: list[str]) -> list[str]:
    """New output for an update, abridged as the old one was where it still fits: a line the old output wrote
    with `...` in it (a date) keeps that form when it matches, and an output that ended in `...` after some line
    is cut again after that line."""
    wildcards = [(_line_pattern(line), line) for line in expected if ELLIPSIS in line and line.strip() != ELLIPSIS]
    actual = [next((kept for pattern, kept in wildcards if pattern.fullmatch(line)), line) for line in actual]
    if len(expected) >= 2 and expected[-1].strip() == ELLIPSIS:
        anchor = _line_pattern(expected[-2])
        for index, line in enumerate(actual):
            if anchor.fullmatch(line) and index < len(actual) - 1:
                return [*actual[: index + 1], ELLIPSIS]
    return actual


def _line_pattern(line: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in line.rstrip().split(ELLIPSIS)))


def command_environment(folder: Path) -> dict[str, str]:
    """The environment a console block's commands run in (see the module docstring)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SEGBOT_", "SLACK_", "DATABASE_URL"))}
    env.pop("PYTHONPATH", None)
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        DATABASE_URL=f"sqlite:///{folder / 'segbot.db'}",
        COLUMNS="80",
        LINES="50",
        TERM="dumb",
        NO_COLOR="1",
    )
    return env


def run_command(command: str, folder: Path, env: dict[str, str]) -> list[str]:
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    lines = [line.rstrip() for line in done.stdout.rstrip("\n").split("\n")]
    return [] if lines == [""] else lines


def check_file(path: Path, *, update: bool = False) -> list[Mismatch]:
    """Run every checked block of one doc; with `update`, rewrite the blocks whose output changed."""
    text = path.read_text(encoding="utf-8")
    mismatches: list[Mismatch] = []
    with tempfile.TemporaryDirectory(prefix="segbot-docs-") as scratch:
        folder = Path(scratch)
        shutil.copytree(ROOT / "bot" / "samples", folder / "bot" / "samples", ignore=shutil.ignore_patterns("*.py"))
        env = command_environment(folder)
        segbot = WarmSegbot.start(folder, env) if "```console" in text else None
        if segbot is not None:  # `segbot` without its imports each time (tests/warm_segbot.py)
            env["PATH"] = f"{segbot.bin}{os.pathsep}{env['PATH']}"
        try:
            replacements = _check_blocks(path, text, folder, env, mismatches)
        finally:
            if segbot is not None:
                segbot.stop()
    if update and replacements:
        for start, end, body in reversed(replacements):
            text = text[:start] + body + text[end:]
        path.write_text(text, encoding="utf-8")
    return mismatches


def _check_blocks(
    path: Path, text: str, folder: Path, env: dict[str, str], mismatches: list[Mismatch]
) -> list[tuple[int, int, str]]:
    """Run the blocks of `text` in `folder`, adding to `mismatches`; the replacements for an update."""
    replacements: list[tuple[int, int, str]] = []
    for block in FENCE.finditer(text):
        start_line = text.count("\n", 0, block.start(2)) + 1
        if block.group(1) == "pycon":
            failures = _run_doctest(block.group(2), f"{path.name}:{start_line}")
            if failures:
                mismatches.append(Mismatch(path, start_line, "python", [], failures.splitlines()))
            continue
        new_body: list[str] = []
        changed = False
        for step in parse_console(block.group(2)):
            actual = run_command(step.command, folder, env)
            new_body.append("$ " + step.command)
            if matches(step.expected, actual):
                new_body += step.expected
            else:
                mismatches.append(Mismatch(path, start_line, step.command, step.expected, actual))
                new_body += abridged_like(step.expected, actual)
                changed = True
        if changed:
            replacements.append((block.start(2), block.end(2), "\n".join(new_body) + "\n"))
    return replacements


def _run_doctest(body: str, name: str) -> str:
    parser = doctest.DocTestParser()
    test = parser.get_doctest(body, {}, name, name, 0)
    output: list[str] = []
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    previous = Path.cwd()
    os.chdir(ROOT)
    try:
        runner.run(test, out=output.append)
    finally:
        os.chdir(previous)
    return "".join(output)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.doc_outputs", description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="rewrite the output of blocks that changed")
    parser.add_argument("paths", nargs="*", type=Path, help="docs to check (default: README, CONTRIBUTING, docs/)")
    args = parser.parse_args(argv)
    mismatches = [m for path in (args.paths or DOCS) for m in check_file(path.resolve(), update=args.update)]
    for mismatch in mismatches:
        print(mismatch.describe(), end="\n\n", file=sys.stderr)
    if mismatches and not args.update:
        print(
            f"{len(mismatches)} pasted output(s) no longer match; rerun with "
            "`.venv/bin/python -m tests.doc_outputs --update` and read the diff.",
            file=sys.stderr,
        )
        return 1
    if mismatches:
        print(
            f"Rewrote {len(mismatches)} output(s) (cut again after the same line where they ended in `...`); "
            "read the diff.",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
