"""Does this checkout's engine find exactly what another commit's engine finds? (speed work must not change results)

Runs `segmentation.segment(file, seed=0)` with this checkout's `segmentation` and with the one of COMMIT (exported
with `git archive` into a temporary folder), each in its own process, on: the built-in sample audience, planted
audiences of several generator families (`benchmarks/families.py`, written to CSV first) and real files of the
shared data folder. For each file it compares the labels of every row and the whole result as
`SegmentationResult.to_dict()` gives it (k, every candidate's score and stability, the segments' stability,
profiles, names, notes), as exact float values, and prints one line per file, SAME or DIFFERENT (with what).

Run: `.venv/bin/python -m benchmarks.same_results [COMMIT] [--processes N]` (default: main). `--processes N` runs
this checkout's engine as `segbot segment` does, its searches on N forked processes (`bot.cli.engine_processes`),
so the comparison also covers that path. Exit code 1 when anything differs.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "datasets"
FAMILIES = (("counts", 1000), ("categorical", 1000), ("imbalanced", 1001), ("correlated", 1002))
FLAT = (("flat_categorical", 1000),)
REAL = (
    SHARED / "mall_customers" / "Mall_Customers.csv",
    SHARED / "customer_personality" / "marketing_campaign.csv",
    SHARED / "wholesale_customers" / "Wholesale customers data.csv",
)

# Child: the fingerprint of every file, one JSON line each.
CHILD = """
import hashlib, json, os, sys, time
import segmentation
options = {}
if os.environ.get("SAME_RESULTS_PROCESSES"):
    from bot.cli.engine_processes import ForkedTasks
    options["task_map"] = ForkedTasks(int(os.environ["SAME_RESULTS_PROCESSES"]))
for path in sys.argv[1:]:
    started = time.process_time()
    with open(path, "rb") as stream:
        result = segmentation.segment(stream, seed=0, **options)
    print(json.dumps({
        "path": path,
        "engine": segmentation.__file__,
        "cpu": time.process_time() - started,
        "labels": hashlib.sha256(result.labels.astype("int64").tobytes()).hexdigest(),
        "result": result.to_dict(),
    }))
"""


def audiences(folder: Path) -> list[Path]:
    """The files to compare on: the sample, planted family audiences written as CSV, and real files."""
    from benchmarks.families import FAMILIES as ALL
    from benchmarks.families import audience

    by_name = {family.name: family for family in ALL}
    paths = [ROOT / "bot" / "samples" / "sample_audience.csv"]
    for name, seed in (*FAMILIES, *FLAT):
        table, _ = audience(by_name[name], seed)
        path = folder / f"{name}-{seed}.csv"
        table.to_csv(path, index=False)
        paths.append(path)
    return paths + [path for path in REAL if path.exists()]


def export(commit: str, folder: Path) -> Path:
    archive = subprocess.run(["git", "archive", commit, "segmentation"], cwd=ROOT, check=True, capture_output=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def fingerprints(paths: list[Path], code: Path, processes: int | None = None) -> dict[str, dict[str, object]]:
    """Each file's fingerprint with the engine in `code` (run from there: it comes first on sys.path), its
    searches on `processes` forked processes when given."""
    env = {**os.environ, "PYTHONPATH": str(code), "OMP_NUM_THREADS": "1"}
    if processes:
        env["SAME_RESULTS_PROCESSES"] = str(processes)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *map(str, paths)], cwd=code, env=env, capture_output=True, text=True, check=True
    )
    found = [json.loads(line) for line in done.stdout.splitlines()]
    assert all(Path(f["engine"]).is_relative_to(code) for f in found), "ran another engine than asked"
    return {f["path"]: f for f in found}


def differences(before: object, after: object, where: str = "") -> list[str]:
    """Where two JSON values differ (exact comparison, floats included)."""
    if isinstance(before, dict) and isinstance(after, dict):
        keys = sorted(set(before) | set(after))
        return [d for key in keys for d in differences(before.get(key), after.get(key), f"{where}.{key}")]
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [
            d for i, pair in enumerate(zip(before, after, strict=True)) for d in differences(*pair, f"{where}[{i}]")
        ]
    return [] if before == after else [f"{where}: {before!r} -> {after!r}"]


def main() -> None:
    arguments = sys.argv[1:]
    processes = None
    if "--processes" in arguments:
        at = arguments.index("--processes")
        processes = int(arguments[at + 1])
        del arguments[at : at + 2]
    commit = arguments[0] if arguments else "main"
    with tempfile.TemporaryDirectory() as folder:
        paths = audiences(Path(folder))
        base = export(commit, Path(folder) / "base")
        started = time.perf_counter()
        before, after = fingerprints(paths, base), fingerprints(paths, ROOT, processes)
    differing = 0
    for path in map(str, paths):
        old, new = before[path], after[path]
        found = differences(old["result"], new["result"], "result")
        if old["labels"] != new["labels"]:
            found.insert(0, "labels of the rows")
        differing += bool(found)
        verdict = "SAME" if not found else "DIFFERENT: " + "; ".join(found[:5])
        k = new["result"]["k"]
        print(f"{Path(path).name}: k={k}, CPU s {old['cpu']:.2f} -> {new['cpu']:.2f}: {verdict}")
    print(
        f"{len(paths) - differing} of {len(paths)} files give the same result as {commit}"
        f"{f' (this checkout on {processes} processes)' if processes else ''} "
        f"({time.perf_counter() - started:.0f} s)"
    )
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
