"""The command line's edges: how long `segbot --help` (and every subcommand's help) takes, and `segbot segment`
on the 3,000-row sample audience end to end.

Every figure is the median of several runs of the real console script in a fresh process, as wall time and as
CPU time (user + system of the child): on a shared machine the CPU time is the steadier of the two. Baselines,
measured in the same run:
- start-up with every command's dependencies imported before the parser, as `segbot --help` worked before the
  imports were deferred to the handlers (the issue measured 6-7 s for it);
- for the 3,000-row run, its parts: Python's own start-up, importing the libraries a run needs, and
  `segmentation.segment` alone in a warm process;
- the same 3,000-row run and warm engine with the code of BASELINE_COMMIT (the last commit before the speed
  work of issue 14 item 6 / issue 15 item 4) and of PROCESSES_COMMIT (the last commit before the engine's searches
  ran on forked processes), each extracted with `git archive` into a temporary folder and run with the same
  interpreter and libraries (that folder first on PYTHONPATH); the run also checks that the engines find exactly
  the same segments, this checkout's also on forked processes.
The end-to-end runs alternate between the three versions, so a drifting load weighs on each alike. A run's CPU
time includes its forked children's.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
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
BASELINE_COMMIT = "8fc7e53"
PROCESSES_COMMIT = "04df1fc"

EAGER = (
    "import segmentation, segmentation.engine, bot.slack.app, bot.slack.background, bot.slack.server, "
    "bot.services.report_data, bot.terminal.report, bot.terminal.influencer_table, bot.digests.runner, "
    "bot.digests.compose, bot.settings, bot.storage.database, rich.console; "
    "from bot.cli import main; main(['--help'])"
)
IMPORTS = (
    "import rich.console, bot.cli.segment_command, bot.report.report_input, bot.terminal.report, segmentation.engine"
)
# Prints wall and CPU seconds of the second run, and a fingerprint of what it found (the labels of every row, k,
# every candidate's score and stability, the segments' stability), to compare two versions of the engine, and
# where the engine was imported from.
# With `{options}` "task_map=ForkedTasks(n)" the searches run on n processes; CPU time is then the parent's and
# its children's.
ENGINE_ONLY = (
    "import hashlib, os, time, segmentation; data = open({path!r}, 'rb').read(); {setup}; "
    "segmentation.segment(data, {options}); cpu = lambda: sum(os.times()[:4]); "
    "start = time.perf_counter(), cpu(); r = segmentation.segment(data, {options}); "
    "print(time.perf_counter() - start[0], cpu() - start[1], hashlib.sha256(r.labels.tobytes() + "
    "repr((r.k, r.k_scores, r.k_stability, r.stability, [s.stability for s in r.segments])).encode()).hexdigest(), "
    "segmentation.__file__)"
)


def timed(argv: list[str], runs: int, *, code: Path | None = None) -> tuple[float, float]:
    """Median wall and CPU seconds of `argv` over `runs` fresh processes (output discarded); with `code`, the
    packages `bot` and `segmentation` come from that folder instead of this checkout."""
    env = {**os.environ, "PYTHONPATH": str(code)} if code else None
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        # Run from the code's folder: Python puts the working folder ahead of PYTHONPATH.
        subprocess.run(
            argv, cwd=code or ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
        )
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def in_turns(argv: list[str], codes: list[Path | None], runs: int) -> list[tuple[float, float]]:
    """Median wall and CPU seconds of `argv` with each code (None: this checkout), run in turns (the load of a
    shared machine drifts, so all see the same)."""
    figures: list[list[tuple[float, float]]] = [[] for _ in codes]
    for _ in range(runs):
        for code, found in zip(codes, figures, strict=True):
            found.append(timed(argv, 1, code=code))
    return [_medians(found) for found in figures]


def _medians(figures: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(f[0] for f in figures), statistics.median(f[1] for f in figures)


def engine_seconds(code: Path | None = None, *, processes: int = 1) -> tuple[tuple[float, float], str]:
    """Wall and CPU seconds of `segmentation.segment` on the sample in a warm process, and its fingerprint;
    `processes` > 1 runs its searches on forked processes (`bot.cli.engine_processes`)."""
    env = {**os.environ, "PYTHONPATH": str(code)} if code else None
    setup, options = "pass", ""
    if processes > 1:
        setup = f"from bot.cli.engine_processes import ForkedTasks; tasks = ForkedTasks({processes})"
        options = "task_map=tasks"
    command = [sys.executable, "-c", ENGINE_ONLY.format(path=str(SAMPLE), setup=setup, options=options)]
    done = subprocess.run(command, cwd=code or ROOT, env=env, capture_output=True, text=True, check=True)
    wall, cpu, fingerprint, engine_file = done.stdout.split()
    assert Path(engine_file).is_relative_to(code or ROOT), f"ran the engine of {engine_file}, not of {code or ROOT}"
    return (float(wall), float(cpu)), fingerprint


def baseline_code(folder: Path, commit: str = BASELINE_COMMIT) -> Path:
    """The packages of `commit`, extracted from git into `folder`."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, "bot", "segmentation"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        sys.exit(f"The baseline needs git and commit {commit} of this repository: {archive.stderr.decode()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return folder


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
    imports = timed([sys.executable, "-c", IMPORTS], 3)
    processes = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory() as folder:
        before = baseline_code(Path(folder) / "before")
        serial = baseline_code(Path(folder) / "serial", PROCESSES_COMMIT)
        segment_run, segment_serial, segment_before = in_turns(
            [str(SEGBOT), "segment", str(SAMPLE)], [None, serial, before], SEGMENT_RUNS
        )
        engine, found = engine_seconds()
        engine_forked, found_forked = engine_seconds(processes=processes)
        engine_before, found_before = engine_seconds(before)
    end_load = os.getloadavg()[0]

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
            row("of which: importing pandas, the engine and the report", imports),
            row(f"of which: `segmentation.segment` alone (warm), searches on {processes} processes", engine_forked),
            row("`segmentation.segment` alone (warm process), in one process", engine),
            row(f"baseline: the same run with the code of {PROCESSES_COMMIT} (one process)", segment_serial),
            row(f"baseline: the same run with the code of {BASELINE_COMMIT} (before the speed work)", segment_before),
            row(f"baseline: `segmentation.segment` alone with the code of {BASELINE_COMMIT}", engine_before),
        ],
    )
    all_helps = max(figure[0] for figure in per_command.values())
    agreement = (
        f"The engine found exactly what the baseline found, in one process and on {processes}"
        if found == found_before == found_forked
        else "The engine's result DIFFERS from the baseline's"
    )
    body = (
        f"Load average when the run started: {load:.1f}, when it ended: {end_load:.1f}, on {os.cpu_count()} cores "
        "(other work shares the machine; CPU time is the steadier figure).\n\n"
        f"### Start-up\n\n{start_up}\n\nEvery one of the {len(per_command)} subcommands' `--help` took at most "
        f"{all_helps:.2f} s wall. Before the imports were deferred, `segbot --help` took 6-7 s on this machine "
        "(issue 14); the eager baseline above reproduces that import work.\n\n"
        f"### `segbot segment` on the 3,000-row sample\n\n{run}\n\n"
        f"This run and the two baselines alternate, {SEGMENT_RUNS} times each. {agreement} (the labels of every "
        "row, k, every candidate's score and stability, compared in this run); in one process it spent "
        f"{1 - engine[1] / engine_before[1]:.0%} less CPU than {BASELINE_COMMIT}'s. The columns' decisions "
        "and the choice of k's fits (the candidate k on the sample and on three 70% subsamples, scanned "
        "upwards until larger k fit worse) run as "
        "independent tasks on forked processes, one per usable CPU (`SEGBOT_ENGINE_PROCESSES`, "
        "`bot/cli/engine_processes.py`): the wall time drops while the CPU time stays (it includes the "
        "children's), as long as a core is idle: when other work "
        "already fills both cores, the run's processes share the CPU time its session gets (Linux's autogroup "
        "scheduling) and the wall time is about the one-process run's. The imports are the libraries a run needs "
        "(pandas with pyarrow, scipy.sparse and scipy's BLAS, pydantic for the settings, rich); the engine no "
        "longer imports scikit-learn, whose KMeans and adjusted Rand index it reproduces label for label "
        "(segmentation/kmeans.py, agreement.py), and a run without `--influencers` or `--ids-out` no longer loads "
        "the matching engine. Most of the rest is the engine's EM fits, then reading and typing the columns.\n"
    )
    write_section("cli", "Command line start-up and the 3,000-row run", body)


if __name__ == "__main__":
    main()
