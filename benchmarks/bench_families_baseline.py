"""The engine before issue 11 on the same held-out family audiences: exact k and ARI, before vs after.

Runs after `bench_families` (it reads that run's figures from benchmarks/out/families_results). The old engine
is the `segmentation` package at `bench_engine_speed.BASELINE_REV`, exported with `git archive` and run in a
child process per family (working directory = the export, so it is imported instead of this checkout's), on
the cached audiences the held-out run used.
Run: `BENCH=families_baseline make bench` (after `BENCH=families`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from benchmarks.bench_engine_speed import BASELINE_REV, export_baseline
from benchmarks.bench_families import RAW
from benchmarks.families import FAMILIES, FLAT_HELD_OUT_SEEDS, HELD_OUT_SEEDS, audience
from benchmarks.results_section import markdown_table, write_section

HERE = Path(__file__).parent


def child(family_name: str, rows_cap: int | None) -> None:
    """In the old engine's process: k and ARI per held-out audience of one family, as JSON."""
    from sklearn.metrics import adjusted_rand_score

    from segmentation import segment

    family = next(f for f in FAMILIES if f.name == family_name)
    seeds = FLAT_HELD_OUT_SEEDS if family.homogeneous else HELD_OUT_SEEDS[: 1 if family.name == "large" else None]
    out = []
    for seed in seeds:
        capped = rows_cap and family.name != "large"
        table, truth = audience(family, seed, rows=min(rows_cap, family.rows[1]) if capped else None)
        result = segment(table, seed=0)
        true_k = len(np.unique(truth))
        ari = adjusted_rand_score(truth, result.labels) if true_k > 1 else float(result.k == 1)
        out.append({"seed": seed, "true_k": true_k, "k": int(result.k), "ari": float(ari)})
    print(json.dumps(out))


def main() -> None:
    cap_text = os.environ.get("FAMILY_ROWS")
    source = export_baseline(BASELINE_REV)
    rows = []
    for family in FAMILIES:
        after_path = RAW / f"{family.name}.json"
        before_path = RAW / f"{family.name}.before.json"
        if not after_path.exists():
            continue
        if before_path.exists():  # measured earlier in this run of the families (one child per family)
            rows.append(json.loads(before_path.read_text(encoding="utf-8")))
            continue
        environment = dict(os.environ, PYTHONPATH=f"{source}{os.pathsep}{HERE.parent}", OMP_NUM_THREADS="1")
        output = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_families_baseline", "--child", family.name, cap_text or ""],
            env=environment,
            cwd=source,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        before = json.loads(output.strip().splitlines()[-1])
        after = json.loads(after_path.read_text(encoding="utf-8"))["stats"]
        exact_before = sum(r["k"] == r["true_k"] for r in before)
        aris = [r["ari"] for r in before if r["true_k"] > 1]
        rows.append(
            [
                family.name,
                len(before),
                f"{exact_before}/{len(before)}",
                f"{sum(after['ours_exact']):.0f}/{len(before)}",
                f"{np.mean(aris):.3f}" if aris else "-",
                f"{np.mean(after['ours_ari']):.3f}" if after["ours_ari"] else "-",
                ", ".join(str(r["k"]) for r in before),
            ]
        )
        before_path.write_text(json.dumps(rows[-1]), encoding="utf-8")
        print(family.name, rows[-1], flush=True)
    header = [
        "family",
        "audiences",
        f"exact k before ({BASELINE_REV})",
        "exact k after",
        "mean ARI before",
        "mean ARI after",
        "k before, per audience",
    ]
    body = (
        "The same held-out audiences as the section above (homogeneous families: exact k means k = 1; the "
        "engine before issue 11 could not answer 1).\n\n" + markdown_table(header, rows)
    )
    write_section("families_baseline", "Choice of k before and after issue 11 (held-out family audiences)", body)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3] else None)
    else:
        main()
