"""Segmentation accuracy: Segbot vs the naive baseline, measured in the same run.

1. Seeded planted audiences (`segmentation.synthetic`, k = 3..7, mixed types, noise columns, skewed spend,
   missing cells, unequal sizes): adjusted Rand index (ARI) against the planted segments and the chosen k,
   WITHOUT telling either method k.
2. Labelled benchmark sets from ../shared/datasets/clustering_benchmarks_v1 (`.data.gz` whitespace floats,
   `.labels0.gz` reference labels, 0 = noise, left out of the ARI): Segbot with automatic k and with the true
   k, and the baseline.
3. The real customer files in ../shared/datasets: what Segbot finds (k, why, segment names and sizes).

Baseline: numbers (dates as days) median-imputed, text one-hot, multi-label cells multi-hot, everything
StandardScaler-ed; k = best silhouette over k = 2..12 (k-means on at most 3,000 rows); then k-means on all rows.
Run: `python -m benchmarks.bench_accuracy` (about 3-5 minutes on 2 cores).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.preprocessing import StandardScaler

from benchmarks.results_section import markdown_table, write_section
from segmentation import segment
from segmentation.synthetic import planted_audience

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
BENCHMARKS = DATASETS / "clustering_benchmarks_v1"
PLANTED = [(3 + i % 5, 1000 + i) for i in range(15)]
PLANTED_ROWS = 3_000
LABELLED = [
    "uci/wine",
    "uci/ecoli",
    "uci/glass",
    "uci/wdbc",
    "uci/yeast",
    "uci/ionosphere",
    "uci/sonar",
    "other/iris",
    "fcps/hepta",
    "fcps/tetra",
    "fcps/lsun",
    "fcps/twodiamonds",
    "fcps/wingnut",
    "fcps/engytime",
    "fcps/atom",
    "fcps/chainlink",
    "wut/x1",
    "wut/x2",
    "wut/x3",
    "wut/smile",
    "g2mg/g2mg_2_30",
    "g2mg/g2mg_2_60",
    "h2mg/h2mg_2_30",
    "h2mg/h2mg_2_60",
    "g2mg/g2mg_8_30",
    "sipu/aggregation",
    "sipu/compound",
    "sipu/flame",
    "sipu/jain",
    "sipu/pathbased",
    "sipu/unbalance",
]
REAL_FILES = [
    "mall_customers/Mall_Customers.csv",
    "customer_personality/marketing_campaign.csv",
    "wholesale_customers/Wholesale customers data.csv",
    "teen_sns_interests/snsdata.csv",
]
SILHOUETTE_ROWS = 3_000


def baseline(table: pd.DataFrame, seed: int = 0) -> tuple[np.ndarray, int]:
    """One-hot + StandardScaler, silhouette over k = 2..12 on a sample, then k-means on every row."""
    parts = []
    for name in table.columns:
        column = table[name]
        if name in ("customer_id", "email"):
            continue
        if pd.api.types.is_datetime64_any_dtype(column):
            days = (column.max() - column).dt.days.astype("float64")
            parts.append(days.fillna(days.median()).to_frame(name))
        elif pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            numbers = column.astype("float64")
            parts.append(numbers.fillna(numbers.median()).to_frame(name))
        elif name == "interests":
            parts.append(column.fillna("").str.get_dummies(sep="|").astype("float64"))
        else:
            parts.append(pd.get_dummies(column.astype("object"), prefix=name, dtype="float64"))
    matrix = StandardScaler().fit_transform(pd.concat(parts, axis=1).to_numpy())
    rng = np.random.default_rng(seed)
    sample = matrix[rng.permutation(len(matrix))[:SILHOUETTE_ROWS]]
    scores = {}
    for k in range(2, min(12, len(matrix) // 5) + 1):
        labels = KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(sample)
        scores[k] = silhouette_score(sample, labels)
    best = max(scores, key=lambda k: scores[k])
    return KMeans(n_clusters=best, n_init=4, random_state=seed).fit_predict(matrix), best


def planted_section() -> str:
    rows, segbot_ari, base_ari, segbot_right, base_right = [], [], [], 0, 0
    for k, seed in PLANTED:
        table, truth = planted_audience(k=k, n_rows=PLANTED_ROWS, seed=seed)
        started = time.perf_counter()
        result = segment(table, seed=0)
        seconds = time.perf_counter() - started
        base_labels, base_k = baseline(table)
        ours, theirs = adjusted_rand_score(truth, result.labels), adjusted_rand_score(truth, base_labels)
        segbot_ari.append(ours)
        base_ari.append(theirs)
        segbot_right += result.k == k
        base_right += base_k == k
        rows.append([seed, k, result.k, f"{ours:.3f}", base_k, f"{theirs:.3f}", f"{seconds:.1f}"])
    n = len(PLANTED)
    rows.append(
        [
            "**mean**",
            "",
            f"right k {segbot_right}/{n}",
            f"**{np.mean(segbot_ari):.3f}**",
            f"right k {base_right}/{n}",
            f"**{np.mean(base_ari):.3f}**",
            "",
        ]
    )
    header = ["seed", "true k", "Segbot k", "Segbot ARI", "baseline k", "baseline ARI", "Segbot s"]
    return (
        f"### Planted audiences ({PLANTED_ROWS:,} rows, 16 columns incl. id, email and 3 noise columns; "
        f"k not given)\n\n{markdown_table(header, rows)}"
    )


def labelled_section() -> str:
    rows, auto, forced, base = [], [], [], []
    for name in LABELLED:
        data = np.loadtxt(BENCHMARKS / f"{name}.data.gz", ndmin=2)
        truth = np.loadtxt(BENCHMARKS / f"{name}.labels0.gz", dtype=int)
        true_k = len(np.unique(truth[truth > 0]))
        table = pd.DataFrame(data, columns=[f"x{i + 1}" for i in range(data.shape[1])])
        scored = truth > 0
        result = segment(table, seed=0)
        fixed = segment(table, seed=0, k=true_k)
        base_labels, base_k = baseline(table)
        scores = [
            adjusted_rand_score(truth[scored], labels[scored]) for labels in (result.labels, fixed.labels, base_labels)
        ]
        auto.append(scores[0])
        forced.append(scores[1])
        base.append(scores[2])
        rows.append(
            [
                name,
                f"{len(table):,} x {data.shape[1]}",
                true_k,
                result.k,
                f"{scores[0]:.3f}",
                f"{scores[1]:.3f}",
                base_k,
                f"{scores[2]:.3f}",
            ]
        )
    rows.append(
        [
            "**mean**",
            "",
            "",
            "",
            f"**{np.mean(auto):.3f}**",
            f"**{np.mean(forced):.3f}**",
            "",
            f"**{np.mean(base):.3f}**",
        ]
    )
    header = [
        "data set",
        "rows x dims",
        "true k",
        "Segbot k",
        "Segbot ARI (auto k)",
        "Segbot ARI (true k)",
        "baseline k",
        "baseline ARI",
    ]
    return (
        "### Labelled benchmark sets (clustering_benchmarks_v1, labels0; noise points left out)\n\n"
        + markdown_table(header, rows)
    )


def real_section() -> str:
    parts = ["### Real customer files (what was found)"]
    for name in REAL_FILES:
        started = time.perf_counter()
        result = segment((DATASETS / name).read_bytes(), seed=0)
        seconds = time.perf_counter() - started
        segments = "; ".join(f"{s.id} {s.name} ({s.size:,}, stability {s.stability:.2f})" for s in result.segments)
        used = sum(role.used for role in result.columns)
        parts.append(
            f"- **{name}** ({result.n_rows:,} rows, {used} of {len(result.columns)} columns used, "
            f"{seconds:.1f} s): {result.k_reason} Segments: {segments}."
        )
    return "\n".join(parts)


def main() -> None:
    body = "\n\n".join([planted_section(), labelled_section(), real_section()])
    write_section("accuracy", "Segmentation accuracy (ARI vs planted / reference labels)", body)


if __name__ == "__main__":
    main()
