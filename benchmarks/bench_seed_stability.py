"""The same k for any seed: Segbot with seeds 0-4 on held-out family audiences.

Per audience: the k of each seed, whether they agree, and whether seed 0 reported a near tie (the one case
where the issue allows seeds to differ). Audiences: the first held-out seeds of the families in SEED_FAMILIES
(default: all but `large`), SEED_AUDIENCES held-out audiences per family (default 1), at FAMILY_ROWS rows
(default 1,500), as cached by `bench_families`.
Run: `BENCH=seed_stability make bench`.
"""

from __future__ import annotations

import os

from benchmarks.families import FAMILIES, FLAT_HELD_OUT_SEEDS, HELD_OUT_SEEDS, audience
from benchmarks.results_section import markdown_table, write_section
from segmentation import segment


def main() -> None:
    rows_cap = int(os.environ.get("FAMILY_ROWS", "1500"))
    wanted = [name for name in os.environ.get("SEED_FAMILIES", "").split(",") if name]
    per_family = int(os.environ.get("SEED_AUDIENCES", "1"))
    table, agree, untied = [], 0, 0
    for family in FAMILIES:
        if family.name == "large" or (wanted and family.name not in wanted):
            continue
        for seed in (FLAT_HELD_OUT_SEEDS if family.homogeneous else HELD_OUT_SEEDS)[:per_family]:
            frame, _ = audience(family, seed, rows=min(rows_cap, family.rows[1]))
            results = [segment(frame, seed=run) for run in range(5)]
            ks = [result.k for result in results]
            tie = results[0].k_alternative
            same = len(set(ks)) == 1
            agree += same
            untied += tie is None
            table.append(
                [
                    family.name,
                    seed,
                    f"{len(frame):,}",
                    " / ".join(map(str, ks)),
                    "yes" if same else "no",
                    "-" if tie is None else f"{results[0].k} or {tie}",
                ]
            )
            print(table[-1], flush=True)
    header = ["family", "audience seed", "rows", "k for seeds 0 / 1 / 2 / 3 / 4", "same k", "near tie at seed 0"]
    body = (
        f"{agree} of {len(table)} audiences give the same k for seeds 0-4; {untied} report no near tie at "
        f"seed 0.\n\n{markdown_table(header, table)}"
    )
    write_section("seed_stability", "Same k for seeds 0-4 (held-out family audiences)", body)


if __name__ == "__main__":
    main()
