"""The engine's speed before and after issue 11, measured in the same run on the same 1M-row file.

The baseline is the `segmentation` package at BASELINE_REV (the engine before issue 11), exported with
`git archive` into benchmarks/out and imported from there in a child process; the current engine is this
checkout's. Both run `segment(file, seed=0)` end to end on the seeded mixed file of `bench_speed` (5 planted
segments, 12 usable mixed columns), each in its own process: wall seconds, CPU seconds of the process (what
counts on a machine shared with other work: wall time there depends on the neighbours) and peak RSS.
Run: `BENCH=engine_speed make bench` (ROWS=1000000 by default).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import time
from io import BytesIO
from pathlib import Path

from benchmarks.results_section import markdown_table, write_section
from benchmarks.speed_data import planted_labels, write_speed_csv

HERE = Path(__file__).parent
OUT = HERE / "out"
BASELINE_REV = "c45b82f"  # main before the issue-11 engine (EM tests only)


def export_baseline(rev: str) -> Path:
    target = OUT / f"engine_{rev}"
    if not (target / "segmentation").exists():
        archive = subprocess.run(
            ["git", "archive", rev, "segmentation"], cwd=HERE.parent, check=True, capture_output=True
        ).stdout
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(target, filter="data")
    return target


def child(csv: Path) -> None:
    from sklearn.metrics import adjusted_rand_score

    import segmentation
    from segmentation import segment

    print(f"engine from {Path(segmentation.__file__).parent}", file=sys.stderr)
    started, cpu = time.perf_counter(), time.process_time()
    with csv.open("rb") as stream:
        result = segment(stream, seed=0)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    ari = adjusted_rand_score(planted_labels(csv)[: len(result.labels)], result.labels)
    with open("/proc/self/status", encoding="utf-8") as status:
        peak = next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))
    print(json.dumps({"seconds": seconds, "cpu": cpu_seconds, "k": result.k, "ari": ari, "peak_rss_mb": peak}))


def measure(source: Path, csv: Path) -> dict[str, float]:
    environment = dict(os.environ, PYTHONPATH=f"{source}{os.pathsep}{HERE.parent}", OMP_NUM_THREADS="1")
    # cwd = the source: Python puts the working directory first on sys.path, before any editable install.
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_engine_speed", "--child", str(csv.resolve())],
        env=environment,
        cwd=source,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    figures: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return figures


def main() -> None:
    rows = int(os.environ.get("ROWS", "1000000"))
    csv = OUT / f"speed_{rows}.csv"
    if not csv.exists():
        OUT.mkdir(exist_ok=True)
        write_speed_csv(csv, rows)
    table = []
    for label, source in (
        (f"before (engine at {BASELINE_REV})", export_baseline(BASELINE_REV)),
        ("after (this checkout)", HERE.parent),
    ):
        figures = measure(source, csv)
        table.append(
            [
                label,
                f"{rows:,}",
                f"{figures['seconds']:.1f}",
                f"{figures['cpu']:.1f}",
                f"{figures['peak_rss_mb']:,.0f}",
                int(figures["k"]),
                f"{figures['ari']:.3f}",
            ]
        )
    header = ["engine", "rows", "wall s", "CPU s", "peak RSS (MB)", "k", "ARI"]
    body = (
        "Same file, same run, one process each (OMP_NUM_THREADS=1). On a shared machine compare CPU seconds; "
        f"wall seconds include waiting for the cores.\n\n{markdown_table(header, table)}"
    )
    write_section("engine_speed", "Engine speed before and after issue 11 (1M mixed rows, end to end)", body)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]))
    else:
        main()
