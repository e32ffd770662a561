"""The loop for choosing rules on the tuning seeds: per family, exact k, ARI and smallest-segment Jaccard.

TUNE_SEEDS / FLAT_TUNE_SEEDS of `benchmarks.families` only (never the held-out ones), sizes capped at TUNE_ROWS
(default 3,000), engine seeds ENGINE_SEEDS (default 0; "0,1,2,3,4" also counts how often they agree on k).
The searches of the choice of k are cached by their inputs in benchmarks/out/tune_cache: a change to what
follows them reruns quickly; set CACHE_TAG to a new value when the searches themselves change (or NO_CACHE=1).
Not a `make bench` section: it prints, and LABEL=x also writes benchmarks/out/tune_x.json.
Run: `nice .venv/bin/python -m benchmarks.tune_families [family ...]`.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

from benchmarks.bench_families import smallest_jaccard
from benchmarks.families import FAMILIES, FLAT_TUNE_SEEDS, TUNE_SEEDS, audience
from segmentation import clustering, segment

CACHE = Path(__file__).parent / "out" / "tune_cache"
_search_all = clustering.search_all


def _key(searches: list[clustering.CandidateSearch]) -> str:
    digest = hashlib.sha256(os.environ.get("CACHE_TAG", "").encode())
    for search in searches:
        data, balanced = search.sample()
        digest.update(data.design.tobytes())
        digest.update(balanced.tobytes())
        digest.update(repr((search.candidates, search.seed)).encode())
    return digest.hexdigest()[:32]


def cached_search_all(searches, run):  # type: ignore[no-untyped-def]
    if os.environ.get("NO_CACHE"):
        return _search_all(searches, run)
    path = CACHE / f"{_key(searches)}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    found = _search_all(searches, run)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(found))
    return found


clustering.search_all = cached_search_all  # type: ignore[assignment]


def main() -> None:
    rows = int(os.environ.get("TUNE_ROWS", "3000"))
    wanted = sys.argv[1:]
    engine_seeds = [int(s) for s in os.environ.get("ENGINE_SEEDS", "0").split(",")]
    out: dict[str, dict[str, list[float]]] = {}
    for family in FAMILIES:
        if wanted and family.name not in wanted:
            continue
        seeds = FLAT_TUNE_SEEDS if family.homogeneous else TUNE_SEEDS
        stats: dict[str, list[float]] = {"exact": [], "ari": [], "small": [], "seed_same": [], "cpu": []}
        for seed in seeds:
            table, truth = audience(family, seed, rows=min(rows, family.rows[1]))
            true_k = len(np.unique(truth))
            ks = []
            for engine_seed in engine_seeds:
                started = time.process_time()
                result = segment(table, seed=engine_seed)
                stats["cpu"].append(time.process_time() - started)
                ks.append(result.k)
                if engine_seed == engine_seeds[0]:
                    stats["exact"].append(float(result.k == true_k))
                    ari = adjusted_rand_score(truth, result.labels)
                    small = smallest_jaccard(truth, result.labels) if true_k > 1 else 1.0
                    stats["ari"].append(ari)
                    stats["small"].append(small)
                    first = result
            stats["seed_same"].append(float(len(set(ks)) == 1))
            stab = " ".join(f"{k}:{v:.2f}" for k, v in sorted(first.k_stability.items()) if k <= true_k + 3)
            print(
                f"{family.name:17s} {seed:2d} true {true_k} got {'/'.join(map(str, ks)):10s} "
                f"ari {stats['ari'][-1]:.3f} small {stats['small'][-1]:.2f} | {stab}",
                flush=True,
            )
        out[family.name] = stats
    print()
    print(f"{'family':17s} exact  ARI    small  seeds-same cpu/run")
    for name, stats in out.items():
        print(
            f"{name:17s} {sum(stats['exact']):.0f}/{len(stats['exact'])}  {np.mean(stats['ari']):.3f}  "
            f"{np.mean(stats['small']):.2f}   {sum(stats['seed_same']):.0f}/{len(stats['seed_same'])}  "
            f"{np.mean(stats['cpu']):.1f}"
        )
    label = os.environ.get("LABEL")
    if label:
        (Path(__file__).parent / "out" / f"tune_{label}.json").write_text(json.dumps(out))


if __name__ == "__main__":
    main()
