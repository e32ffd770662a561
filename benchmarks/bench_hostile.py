"""Hostile files (issue 10): each must end in under 10 s and 500 MB peak RSS with one sentence.

Every file of tests/corpus/make_hostile.py, plus a plain 2 GiB-line CSV on disk, goes through two paths, each
in a child process of its own so its peak RSS (VmHWM) is its own:

- CLI: `segbot segment FILE` (bot.cli.main in the child), timed from the call to the exit code.
- Slack: Segbot's real HTTP server and workers against the local fake of Slack (tests/slack/fake_slack.py),
  on a temporary SQLite database; the file is shared in a channel and timed from the event's POST to the
  reply that replaces the "working on it" note.

Baseline in the same run: the packaged sample audience (3,000 real-looking rows) through both paths.
Run alone: `python -m benchmarks.bench_hostile` (HOSTILE=name,name to pick files).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.results_section import markdown_table, write_section
from tests.corpus.make_hostile import HOSTILE, SAMPLE_ROWS, csv_excel_rows, write_all

OUT = Path(__file__).parent / "out" / "hostile"
PLAIN_LINE = "2gib_line.csv"
AS_CSV = "excel_rows.csv"
GOAL_SECONDS = 10
GOAL_MB = 500
HEADER = ["input", "bytes", "path", "seconds", "CPU s", "peak RSS (MB)", "within goal", "message"]


def _peak_rss_mb() -> float:
    with open("/proc/self/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM line in /proc/self/status")


def child_cli(path: Path) -> dict[str, object]:
    from bot.cli import build_parser, main

    build_parser()  # imports every command module, so the time below is the file's, not the imports'
    error, output = io.StringIO(), io.StringIO()
    started, cpu = time.perf_counter(), time.process_time()
    with contextlib.redirect_stderr(error), contextlib.redirect_stdout(output):
        code = main(["segment", str(path)])
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    message = error.getvalue().strip() or f"exit {code}: report of {len(output.getvalue().splitlines())} lines"
    return {"seconds": seconds, "cpu": cpu, "code": code, "message": message}


def child_slack(path: Path) -> dict[str, object]:
    from bot.storage.database import open_database
    from tests.slack.fake_slack import FakeSlack
    from tests.slack.harness import start_bot, stop_bot, wait_until
    from tests.slack.sender import file_share_event

    fake = FakeSlack().start()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = open_database(url)
        bot = start_bot(fake, url, engine, SEGBOT_WORKERS=1)
        try:
            file = fake.add_file(path.name, path.read_bytes(), ts="1700000999.000100")
            started, cpu = time.perf_counter(), time.process_time()
            assert bot.sender.event(file_share_event(file, ts="1700000999.000100")).status == 200
            wait_until(lambda: bot.jobs_idle() and sum(bot.runtime.jobs.counts().values()) >= 1, 600, "the job")
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            counts = bot.runtime.jobs.counts()
            updates = fake.calls_to("chat.update")
            posts = fake.calls_to("chat.postMessage")
            message = str((updates or posts)[-1].params["text"]) if (updates or posts) else "(no reply)"
            if counts.get("done"):
                message = "report posted: " + str(posts[-1].params["text"])[:120]
        finally:
            stop_bot(bot)
            engine.dispose()
            fake.stop()
    return {"seconds": seconds, "cpu": cpu, "jobs": counts, "message": message}


def measure(kind: str, path: Path) -> dict[str, object]:
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_hostile", "--child", kind, str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    if completed.returncode != 0:
        failed = completed.stderr.strip()[-300:]
        return {"seconds": float("nan"), "cpu": float("nan"), "peak_rss_mb": float("nan"), "message": failed}
    figures: dict[str, object] = json.loads(completed.stdout.strip().splitlines()[-1])
    return figures


def _write_plain_line(path: Path) -> None:
    """A header and one 2 GiB line, as a plain file on disk (the CLI reads it; Slack refuses it by size)."""
    if path.exists():
        return
    block = b"a" * (1 << 20)
    with path.open("wb") as out:
        out.write(b"name,age\n")
        for _ in range(2048):
            out.write(block)
        out.write(b",1\n")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = [name for name in os.environ.get("HOSTILE", "").split(",") if name]
    names = [name for name, _, _ in HOSTILE if not wanted or name in wanted]
    write_all(OUT, [name for name in names if not (OUT / name).exists()])
    rows = []
    inputs: list[tuple[str, Path, bool]] = [("baseline: sample_audience.csv", SAMPLE_ROWS, True)]
    inputs += [(name, OUT / name, True) for name in names]
    if not wanted or PLAIN_LINE in wanted:
        _write_plain_line(OUT / PLAIN_LINE)
        inputs.append((PLAIN_LINE, OUT / PLAIN_LINE, False))  # over SEGBOT_MAX_UPLOAD_MB: Slack never downloads it
    if not wanted or AS_CSV in wanted:
        if not (OUT / AS_CSV).exists():
            csv_excel_rows(OUT / AS_CSV)
        inputs.append((f"reference: {AS_CSV} (the same table as CSV)", OUT / AS_CSV, True))
    for label, path, through_slack in inputs:
        for kind in ("cli", "slack") if through_slack else ("cli",):
            figures = measure(kind, path)
            seconds, peak = float(figures["seconds"]), float(figures["peak_rss_mb"])  # type: ignore[arg-type]
            within = seconds < GOAL_SECONDS and peak < GOAL_MB
            rows.append(
                [
                    label,
                    f"{path.stat().st_size:,}",
                    kind,
                    f"{seconds:.2f}",
                    f"{float(figures['cpu']):.2f}",  # type: ignore[arg-type]
                    f"{peak:,.0f}",
                    "n/a" if label.startswith(("baseline", "reference")) else "yes" if within else "**no**",
                    str(figures["message"]).replace("|", "/").removeprefix("segbot: "),
                ]
            )
    body = (
        f"Each file in a child process of its own (goal: under {GOAL_SECONDS} s and {GOAL_MB} MB peak RSS, one "
        "sentence). cli: `segbot segment FILE` (bot.cli.main, its modules imported first), seconds from the call "
        "to the exit code; slack: Segbot's HTTP server "
        "and one worker against the local fake of Slack, seconds from the file_share event's POST to the reply in "
        "the thread, RSS of the process holding server, worker and fake. CPU s is the child's own CPU time (the "
        "machine is shared, so wall seconds include waiting). Peak RSS includes the interpreter and "
        "imports (about 150-250 MB). Files are written by tests/corpus/make_hostile.py; the plain 2 GiB-line CSV "
        "is over SEGBOT_MAX_UPLOAD_MB, so only the CLI reads it.\n\n" + markdown_table(HEADER, rows)
    )
    write_section("hostile", "Hostile files: time, memory and the one sentence", body)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        result = (child_cli if sys.argv[2] == "cli" else child_slack)(Path(sys.argv[3]))
        print(json.dumps({**result, "peak_rss_mb": _peak_rss_mb()}, default=str))
    else:
        main()
