"""`make bench`: runs every `benchmarks/bench_*.py` in its own process, then rebuilds RESULTS.md.

Each bench module is runnable alone (`python -m benchmarks.bench_x`) and writes its section, with the machine
and date of that run and its baseline measured in the same run, to `benchmarks/results/<x>.md`.
`BENCH=x,y make bench` runs only those; RESULTS.md always gathers every section on disk.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
RESULTS_DIR = HERE / "results"
RESULTS_FILE = HERE / "RESULTS.md"

HEADER = """# Benchmark results

Written by `make bench` (`benchmarks/run_all.py`). Each section says when and on what machine it was measured;
every comparison's baseline was measured in the same run as Segbot's figure. Run one section with
`BENCH=<name> make bench`.
"""


def bench_names() -> list[str]:
    return sorted(path.stem.removeprefix("bench_") for path in HERE.glob("bench_*.py"))


def main() -> int:
    wanted = [name.strip() for name in os.environ.get("BENCH", "").split(",") if name.strip()]
    names = [name for name in bench_names() if not wanted or name in wanted]
    unknown = sorted(set(wanted) - set(bench_names()))
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(bench_names())}.")
        return 2
    failed = []
    for name in names:
        print(f"== {name}", flush=True)
        completed = subprocess.run([sys.executable, "-m", f"benchmarks.bench_{name}"], check=False)
        if completed.returncode != 0:
            failed.append(name)
    write_results()
    if failed:
        print(f"Benchmarks that failed: {', '.join(failed)}")
        return 1
    print(f"Wrote {RESULTS_FILE}")
    return 0


def write_results() -> None:
    sections = [path.read_text(encoding="utf-8").strip() for path in sorted(RESULTS_DIR.glob("*.md"))]
    RESULTS_FILE.write_text(HEADER + "\n" + "\n\n".join(sections) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
