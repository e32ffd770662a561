"""The command line's edges: how long `segbot --help` (and every subcommand's help) takes, and `segbot segment`
on the 3,000-row sample audience end to end.

Every figure is the median of several runs of the real console script in a fresh process, as wall time and as
CPU time (user + system of the child): on a shared machine the CPU time is the steadier of the two. Baselines,
measured in the same run:
- start-up with every command's dependencies imported before the parser, as `segbot --help` worked before the
  imports were deferred to the handlers (the issue measured 6-7 s for it);
- for the 3,000-row run, its parts: Python's own start-up, importing the libraries a run needs, and
  `segmentation.segment` alone in a warm process.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.results_section import markdown_table, write_section

ROOT = Path(__file__).resolve().parents[1]
SEGBOT = Path(sys.executable).with_name("segbot")
SAMPLE = ROOT / "bot" / "samples" / "sample_audience.csv"
RUNS = 5
SEGMENT_RUNS = 3
HELP_GOAL = 0.5
SEGMENT_GOAL = 3.0

EAGER = (
    "import segmentation, segmentation.engine, bot.slack.app, bot.slack.background, bot.slack.server, "
    "bot.services.report_data, bot.terminal.report, bot.terminal.influencer_table, bot.digests.runner, "
    "bot.digests.compose, bot.settings, bot.storage.database, rich.console; "
    "from bot.cli import main; main(['--help'])"
)
IMPORTS = (
    "import rich.console, bot.cli.segment_command, bot.report.report_input, bot.terminal.report, segmentation.engine"
)
ENGINE_ONLY = (
    "import time, segmentation; data = open({path!r}, 'rb').read(); segmentation.segment(data); "
    "start = time.perf_counter(), time.process_time(); segmentation.segment(data); "
    "print(time.perf_counter() - start[0], time.process_time() - start[1])"
)


def timed(argv: list[str], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `argv` over `runs` fresh processes (output discarded)."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def help_commands() -> list[list[str]]:
    """Every command line: [], ["segment"], ["digest", "subscribe"], ..."""
    from bot.cli import build_parser

    def walk(parser: argparse.ArgumentParser, prefix: list[str]) -> list[list[str]]:
        found = [prefix]
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found += walk(sub, [*prefix, name])
        return found

    return walk(build_parser(), [])


def main() -> None:
    load = os.getloadavg()[0]
    python = timed([sys.executable, "-c", "pass"], RUNS)
    top = timed([str(SEGBOT), "--help"], RUNS)
    per_command = {" ".join(line): timed([str(SEGBOT), *line, "--help"], 3) for line in help_commands()[1:]}
    slowest_name, slowest = max(per_command.items(), key=lambda item: item[1][1])
    eager = timed([sys.executable, "-c", EAGER], 3)
    segment_run = timed([str(SEGBOT), "segment", str(SAMPLE)], SEGMENT_RUNS)
    imports = timed([sys.executable, "-c", IMPORTS], 3)
    engine = subprocess.run(
        [sys.executable, "-c", ENGINE_ONLY.format(path=str(SAMPLE))], capture_output=True, text=True, check=True
    ).stdout.split()

    def row(what: str, figure: tuple[float, float], goal: str = "") -> list[str]:
        return [what, f"{figure[0]:.2f}", f"{figure[1]:.2f}", goal]

    start_up = markdown_table(
        ["command", "wall s (median)", "CPU s (median)", "goal"],
        [
            row("`python -c pass` (the interpreter alone)", python),
            row("`segbot --help`", top, f"< {HELP_GOAL} s"),
            row(f"slowest subcommand help: `segbot {slowest_name} --help`", slowest, f"< {HELP_GOAL} s"),
            row("baseline: every command's dependencies imported before the parser (before this change)", eager),
        ],
    )
    run = markdown_table(
        ["step", "wall s (median)", "CPU s (median)", "goal"],
        [
            row("`segbot segment bot/samples/sample_audience.csv` end to end", segment_run, f"< {SEGMENT_GOAL} s"),
            row("of which: importing pandas, scikit-learn, the engine and the report", imports),
            row("of which: `segmentation.segment` alone (warm process)", (float(engine[0]), float(engine[1]))),
        ],
    )
    all_helps = max(figure[0] for figure in per_command.values())
    body = (
        f"Load average when the run started: {load:.1f} on {os.cpu_count()} cores (other work shares the machine; "
        "CPU time is the steadier figure).\n\n"
        f"### Start-up\n\n{start_up}\n\nEvery one of the {len(per_command)} subcommands' `--help` took at most "
        f"{all_helps:.2f} s wall. Before the imports were deferred, `segbot --help` took 6-7 s on this machine "
        "(issue 14); the eager baseline above reproduces that import work.\n\n"
        f"### `segbot segment` on the 3,000-row sample\n\n{run}\n"
    )
    write_section("cli", "Command line start-up and the 3,000-row run", body)


if __name__ == "__main__":
    main()
