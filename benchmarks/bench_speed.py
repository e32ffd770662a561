"""End-to-end speed and memory: Segbot vs a competent scikit-learn pipeline, plus k-prototypes as an anchor.

Every method runs in a child process of its own on the same CSV so its wall time and peak RSS are its own.
Baseline: pandas read_csv, median-imputed StandardScaler numerics, one-hot categoricals, multi-hot
interests, silhouette over k=2..12 on a 10k-row sample (KMeans per k), then one full KMeans on all rows.
Run alone: `python -m benchmarks.bench_speed` (ROWS=400000,1000000 by default).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks.results_section import markdown_table, write_section
from benchmarks.speed_data import planted_labels, write_speed_csv

OUT = Path(__file__).parent / "out"
CATEGORICAL = ["gender", "country", "device", "channel", "plan", "newsletter"]
NUMERIC = ["age", "income", "total_spend", "orders", "days_since_last_purchase"]
SAMPLE_ROWS = 10_000
KPROTOTYPES_ROWS = 100_000


def run_segbot(csv: Path) -> tuple[np.ndarray, int]:
    from segmentation import segment

    with csv.open("rb") as stream:
        result = segment(stream, seed=0)
    return result.labels, result.k


def run_sklearn(csv: Path) -> tuple[np.ndarray, int]:
    import pandas as pd
    from scipy import sparse
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    frame = pd.read_csv(csv)
    numeric = frame[NUMERIC].astype("float64")
    numeric = numeric.fillna(numeric.median())
    scaled = StandardScaler().fit_transform(numeric.to_numpy())
    onehot = OneHotEncoder(handle_unknown="ignore").fit_transform(frame[CATEGORICAL].astype(str))
    multihot = frame["interests"].fillna("").str.get_dummies(sep="|").to_numpy(dtype="float64")
    matrix = sparse.hstack([sparse.csr_matrix(scaled), onehot, sparse.csr_matrix(multihot)]).tocsr()
    rng = np.random.default_rng(0)
    sample = matrix[rng.choice(matrix.shape[0], size=min(SAMPLE_ROWS, matrix.shape[0]), replace=False)]
    scores = {}
    for k in range(2, 13):
        labels = KMeans(n_clusters=k, n_init=1, random_state=0).fit_predict(sample)
        scores[k] = silhouette_score(sample, labels, random_state=0)
    best_k = max(scores, key=lambda k: scores[k])
    labels = KMeans(n_clusters=best_k, n_init=1, random_state=0).fit_predict(matrix)
    return labels, best_k


def run_kprototypes(csv: Path) -> tuple[np.ndarray, int]:
    import pandas as pd
    from kmodes.kprototypes import KPrototypes

    frame = pd.read_csv(csv, nrows=KPROTOTYPES_ROWS)
    numeric = frame[NUMERIC].astype("float64")
    numeric = (numeric - numeric.mean()) / numeric.std()
    data = np.column_stack([numeric.fillna(0).to_numpy(dtype=object), frame[CATEGORICAL].astype(str).to_numpy()])
    model = KPrototypes(n_clusters=5, init="Cao", n_init=1, max_iter=20, random_state=0, n_jobs=1)
    labels = model.fit_predict(data, categorical=list(range(len(NUMERIC), data.shape[1])))
    return np.asarray(labels), 5


METHODS = {"segbot": run_segbot, "sklearn": run_sklearn, "kprototypes": run_kprototypes}


def child(method: str, csv: Path) -> None:
    """Runs in the child process: time one method, print JSON with seconds, k and ARI vs the planted labels."""
    from sklearn.metrics import adjusted_rand_score

    started = time.perf_counter()
    labels, k = METHODS[method](csv)
    seconds = time.perf_counter() - started
    planted = planted_labels(csv)
    ari = adjusted_rand_score(planted[: len(labels)], labels)
    print(json.dumps({"seconds": seconds, "k": int(k), "ari": float(ari), "peak_rss_mb": _peak_rss_mb()}))


def _peak_rss_mb() -> float:
    """This process's own peak resident set (VmHWM). Not getrusage: across fork and exec Linux carries the
    parent's peak into the child's ru_maxrss, and the parent built the whole data set in memory."""
    with open("/proc/self/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM line in /proc/self/status")


def measure(method: str, csv: Path, rows: int) -> dict[str, float]:
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.bench_speed", "--child", method, str(csv)],
        stdout=subprocess.PIPE,
        text=True,
    )
    output, _ = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"{method} on {rows} rows failed")
    figures: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return figures


def main() -> None:
    row_counts = [int(n) for n in os.environ.get("ROWS", "400000,1000000").split(",")]
    table = []
    for rows in row_counts:
        csv = OUT / f"speed_{rows}.csv"
        write_speed_csv(csv, rows)
        figures = {method: measure(method, csv, rows) for method in ("segbot", "sklearn")}
        ratio = figures["segbot"]["seconds"] / figures["sklearn"]["seconds"]
        for method, result in figures.items():
            table.append(
                [
                    f"{rows:,}",
                    method,
                    f"{result['seconds']:.1f}",
                    f"{result['peak_rss_mb']:,.0f}",
                    result["k"],
                    f"{result['ari']:.3f}",
                    f"{ratio:.2f}" if method == "segbot" else "",
                ]
            )
    anchor_csv = OUT / f"speed_{KPROTOTYPES_ROWS}.csv"
    write_speed_csv(anchor_csv, KPROTOTYPES_ROWS)
    for method in ("segbot", "kprototypes"):
        result = measure(method, anchor_csv, KPROTOTYPES_ROWS)
        table.append(
            [
                f"{KPROTOTYPES_ROWS:,}",
                method + (" (k=5 given)" if method == "kprototypes" else ""),
                f"{result['seconds']:.1f}",
                f"{result['peak_rss_mb']:,.0f}",
                result["k"],
                f"{result['ari']:.3f}",
                "",
            ]
        )
    body = (
        "End to end (read the CSV, choose k, cluster every row), each method in its own process on the same "
        "seeded file: 5 planted segments, 12 usable mixed columns (5 numeric, 6 categorical, 1 multi-label) "
        "plus an id and an email column. Targets: Segbot at most as slow as the scikit-learn pipeline (goal: "
        "half, i.e. ratio <= 0.5) and peak RSS under 1.5 GB at 1M rows. ARI is against the planted labels.\n\n"
        + markdown_table(["rows", "method", "seconds", "peak RSS (MB)", "k", "ARI", "Segbot / sklearn time"], table)
    )
    write_section("speed", "End-to-end speed and memory", body)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]))
    else:
        main()
