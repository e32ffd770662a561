"""Big files: `segbot segment --chunked` against the pyarrow read of the same file, and partitions on Dask.

Every figure of one table comes from one run. Each measured command runs in a child process of its own, end to
end (interpreter start and imports included): wall seconds around the child, its CPU seconds (user + system,
from the parent's `RUSAGE_CHILDREN`; what counts on a shared machine, where wall time includes waiting for the
cores) and its own peak RSS (VmHWM). The floor is `pandas.read_csv(engine="pyarrow")` of the same file.
Files: the seeded mixed audience of `bench_speed` (5 planted segments, 12 usable columns plus id and email);
ARI is against the planted labels, and at 1M also against the ordinary (whole-table) path.
Dask: PARTITIONS partitions of PARTITION_ROWS rows on a `distributed.LocalCluster` (2 workers x 1 thread);
per-partition throughput is each task's rows over its own duration (Dask's task stream).
Run: `BENCH=bigdata make bench` (ROWS=1000000,4000000,20000000 by default; runs under `nice -n 10`).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks.results_section import markdown_table, write_section
from benchmarks.speed_data import planted_labels, speed_audience, write_speed_csv, write_speed_csv_in_blocks

HERE = Path(__file__).parent
OUT = HERE / "out"
PARTITIONS = 6
PARTITION_ROWS = int(os.environ.get("PARTITION_ROWS", "500000"))


def data_file(rows: int) -> Path:
    if rows <= 1_000_000:
        path = OUT / f"speed_{rows}.csv"
        write_speed_csv(path, rows)
    else:
        path = OUT / f"speed_blocks_{rows}.csv"
        write_speed_csv_in_blocks(path, rows)
    return path


def child(mode: str, csv: Path, labels: Path) -> None:
    """In the child process: one command on `csv`; prints JSON with k and the peak RSS."""
    k = 0
    if mode == "floor":
        import pandas as pd

        pd.read_csv(csv, engine="pyarrow")
    else:
        from bot.cli import main

        arguments = ["segment", str(csv), "--format", "json", "--labels-out", str(labels)]
        report = io.StringIO()
        with contextlib.redirect_stdout(report):
            main([*arguments, "--chunked"] if mode == "chunked" else arguments)
        k = json.loads(report.getvalue())["k"]
    with open("/proc/self/status", encoding="utf-8") as status:
        peak = next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))
    print(json.dumps({"k": k, "peak_rss_mb": peak}))


def measure(mode: str, csv: Path, labels: Path) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_bigdata", "--child", mode, str(csv), str(labels)],
        env=dict(os.environ, SEGBOT_MAX_ROWS="100000000", SEGBOT_MAX_CELLS="2000000000", SEGBOT_MAX_INPUT_MB="100000"),
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return {**figures, "seconds": seconds, "cpu": cpu}


def labels_of(path: Path) -> np.ndarray:
    import pandas as pd

    return np.asarray(pd.read_csv(path, usecols=["segment"], engine="pyarrow")["segment"].to_numpy())


def file_rows(rows: int) -> list[list[object]]:
    from sklearn.metrics import adjusted_rand_score

    csv = data_file(rows)
    planted = planted_labels(csv)
    # The floor of 20M rows would hold the whole table (several GB) in one process: measured up to 4M.
    modes = (["floor"] if rows <= 4_000_000 else []) + ["chunked"] + (["segment"] if rows <= 1_000_000 else [])
    figures = {mode: measure(mode, csv, OUT / f"bigdata_{mode}_{rows}.labels.csv") for mode in modes}
    floor = figures.get("floor")
    table: list[list[object]] = []
    for mode in modes:
        result = figures[mode]
        labels = None if mode == "floor" else labels_of(OUT / f"bigdata_{mode}_{rows}.labels.csv")
        ari = "" if labels is None else f"{adjusted_rand_score(planted, labels):.3f}"
        if mode == "chunked" and "segment" in figures:
            whole = labels_of(OUT / f"bigdata_segment_{rows}.labels.csv")
            ari += f" (vs ordinary path {adjusted_rand_score(whole, labels):.3f})"
        table.append(
            [
                f"{rows:,}",
                {"floor": "pandas.read_csv(engine=pyarrow)", "chunked": "segbot --chunked", "segment": "segbot"}[mode],
                f"{result['seconds']:.1f}",
                f"{result['cpu']:.1f}",
                f"{result['peak_rss_mb']:,.0f}",
                int(result["k"]) or "",
                ari,
                "" if mode == "floor" or floor is None else f"{result['seconds'] / floor['seconds']:.1f}x",
                "" if mode == "floor" or floor is None else f"{result['cpu'] / floor['cpu']:.1f}x",
            ]
        )
    return table


def write_partitions(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for part in range(PARTITIONS):
        path = folder / f"part-{part:03d}-{PARTITION_ROWS}.csv"
        if not path.exists():
            frame, _ = speed_audience(PARTITION_ROWS, seed=100 + part)
            frame.to_csv(path, index=False)
        paths.append(path)
    return paths


def dask_rows() -> list[list[object]]:
    """The partitions in this process, then on a LocalCluster: wall, and per-task throughput on Dask."""
    from distributed import Client, LocalCluster, get_task_stream

    from bot.bulk.chunked_run import FitOptions
    from bot.bulk.chunks import table_file
    from bot.bulk.dask_run import segment_partitions

    tables = [table_file(path) for path in write_partitions(OUT / f"bigdata_partitions_{PARTITION_ROWS}")]
    options = FitOptions(seed=0)
    labels_dir = OUT / "bigdata_partition_labels"
    labels_dir.mkdir(exist_ok=True)
    started = time.perf_counter()
    segment_partitions(tables, options, labels_dir=labels_dir)
    in_process = time.perf_counter() - started
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster, Client(cluster) as client:
        started = time.perf_counter()
        with get_task_stream(client) as stream:
            segment_partitions(tables, options, labels_dir=labels_dir, client=client)
        on_dask = time.perf_counter() - started
    durations: dict[str, list[float]] = {"draw_partition": [], "assign_partition": []}
    for task in stream.data:
        name = str(task["key"]).strip("('\"").split("-")[0]
        compute = [s for s in task["startstops"] if s["action"] == "compute"]
        if name in durations and compute:
            durations[name].append(sum(s["stop"] - s["start"] for s in compute))
    total = PARTITIONS * PARTITION_ROWS
    rows: list[list[object]] = [
        ["in this process (SEGBOT_DASK_SCHEDULER unset)", f"{total:,}", f"{in_process:.1f}", ""],
        ["LocalCluster, 2 workers x 1 thread", f"{total:,}", f"{on_dask:.1f}", ""],
    ]
    for name, seconds in durations.items():
        if seconds:
            median = float(np.median(seconds))
            rows.append(
                [
                    f"Dask task `{name}` (median of {len(seconds)})",
                    f"{PARTITION_ROWS:,} per task",
                    f"{median:.1f}",
                    f"{PARTITION_ROWS / median:,.0f}",
                ]
            )
    return rows


def main() -> None:
    row_counts = [int(n) for n in os.environ.get("ROWS", "1000000,4000000,20000000").split(",")]
    table = [row for rows in row_counts for row in file_rows(rows)]
    header = ["rows", "command", "wall s", "CPU s", "peak RSS (MB)", "k", "ARI", "wall / floor", "CPU / floor"]
    partitions = dask_rows()
    body = (
        "Each command in its own process, end to end (imports included), on the same file in the same run. "
        "The machine is shared (2 cores, several sessions): wall seconds include waiting for the cores, so "
        "compare CPU seconds too. `segbot --chunked` reads the file twice (a sample pass and an assignment "
        "pass), fits on a 100,000-row sample and writes every row's label (`--labels-out`).\n\n"
        + markdown_table(header, table)
        + f"\n\nPartitions on Dask ({PARTITIONS} CSV partitions of {PARTITION_ROWS:,} rows, `segbot segment "
        "FOLDER --chunked` code path, `bot.bulk.dask_run.segment_partitions`):\n\n"
        + markdown_table(["run", "rows", "wall s", "rows / s per task"], partitions)
    )
    write_section("bigdata", "Big files: chunked segmenting and partitions on Dask", body)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
    else:
        main()
