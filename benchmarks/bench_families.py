"""The choice of k on audiences the engine was not tuned on: Segbot vs StepMix (k by BIC) vs k-prototypes (true k).

Audiences come from `benchmarks.families` (independent generator families). Only HELD_OUT_SEEDS are run here;
the rules were chosen on TUNE_SEEDS. Per family: exact k (share of audiences), mean and worst ARI against the
planted segments, and the recovery of the smallest planted segment (Jaccard overlap with the best-matching
found segment). Homogeneous families (k = 1): how often each method answers k = 1. Seed stability: Segbot with
seeds 0-4 on the first SEED_CHECKS audiences of every family.

Baselines, measured in the same run on the same tables:
- StepMix 3 (latent class / profile model, `measurement="mixed"`: numbers standardized, log1p when skewed and
  non-negative, as Gaussians; categories and booleans as categorical; multi-label cells as one binary column
  per label; missing cells by FIML), k by the lowest BIC over k = 1..10, fitted on at most STEPMIX_ROWS rows
  and then assigning every row.
- k-prototypes (kmodes package) TOLD the true k: numbers median-imputed and standardized, categories as
  categorical (missing as its own level), fitted on at most KPROTO_ROWS rows, then assigning every row.

Run: `BENCH=families make bench` (about an hour on 2 shared cores; `FAMILY_ROWS=3000` caps sizes for a quick look).
"""

from __future__ import annotations

import json
import os
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from benchmarks.families import (
    FAMILIES,
    FLAT_HELD_OUT_SEEDS,
    HELD_OUT_SEEDS,
    TUNE_SEEDS,
    Family,
    audience,
    supervised_ari,
)
from benchmarks.results_section import markdown_table, write_section
from segmentation import segment

STEPMIX_ROWS = 5_000
KPROTO_ROWS = 3_000
MAX_K = 8  # StepMix's BIC search: 1..8, or to the true k + 2 when that is higher
SEED_CHECKS = int(os.environ.get("SEED_CHECKS", "1"))


def _numeric(column: pd.Series) -> np.ndarray:
    values = column.astype("float64").to_numpy()
    finite = values[np.isfinite(values)]
    if len(finite) and finite.min() >= 0 and pd.Series(finite).skew() > 1:
        values = np.log1p(values)
    return (values - np.nanmean(values)) / (np.nanstd(values) or 1.0)


def _split_columns(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Numbers, categories (integer codes, NaN missing) and binary label columns of a family table."""
    numbers, categories, binaries = {}, {}, {}
    for name in table.columns:
        if name == "customer_id":
            continue
        column = table[name]
        if pd.api.types.is_bool_dtype(column) or (
            column.dtype == object and set(column.dropna().unique()) <= {True, False}
        ):
            binaries[name] = column.astype("float64")
        elif pd.api.types.is_numeric_dtype(column):
            numbers[name] = _numeric(column)
        elif column.astype("string").str.contains("|", regex=False).any():
            dummies = column.astype("string").fillna("").str.get_dummies(sep="|").astype("float64")
            dummies[column.isna().to_numpy()] = np.nan
            for label in dummies.columns:
                binaries[f"{name}={label}"] = dummies[label]
        else:
            codes = pd.factorize(column)[0].astype("float64")
            categories[name] = np.where(codes < 0, np.nan, codes)
    return pd.DataFrame(numbers), pd.DataFrame(categories), pd.DataFrame(binaries)


def stepmix_by_bic(table: pd.DataFrame, seed: int = 0, max_k: int = MAX_K) -> tuple[np.ndarray, int]:
    from stepmix.stepmix import StepMix

    numbers, categories, binaries = _split_columns(table)
    frame = pd.concat([numbers, categories, binaries], axis=1)
    descriptor = {}
    if numbers.shape[1]:
        descriptor["continuous"] = {"model": "continuous_nan", "n_columns": numbers.shape[1]}
    if categories.shape[1]:
        descriptor["categorical"] = {"model": "categorical_nan", "n_columns": categories.shape[1]}
    if binaries.shape[1]:
        descriptor["binary"] = {"model": "binary_nan", "n_columns": binaries.shape[1]}
    rows = np.random.default_rng(seed).permutation(len(frame))[:STEPMIX_ROWS]
    sample = frame.iloc[rows].to_numpy()
    best: tuple[float, int, object] | None = None
    for k in range(1, max_k + 1):
        model = StepMix(
            n_components=k, measurement=descriptor, n_init=1, random_state=seed, progress_bar=0, verbose=0, max_iter=100
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(sample)
            bic = float(model.bic(sample))
        if best is None or bic < best[0]:
            best = (bic, k, model)
    assert best is not None
    _, k, chosen = best
    return np.asarray(chosen.predict(frame.to_numpy())), k  # type: ignore[attr-defined]


def kprototypes_true_k(table: pd.DataFrame, k: int, seed: int = 0) -> np.ndarray:
    from kmodes.kprototypes import KPrototypes

    numbers, categories, binaries = _split_columns(table)
    numeric = pd.concat([numbers, binaries], axis=1)
    numeric = numeric.fillna(numeric.median()).to_numpy()
    if categories.shape[1] == 0:
        from sklearn.cluster import KMeans

        return KMeans(n_clusters=k, n_init=2, random_state=seed).fit_predict(numeric)
    categorical = categories.fillna(-1).astype(int).to_numpy()
    matrix = np.hstack([numeric, categorical]).astype(object)
    indices = list(range(numeric.shape[1], matrix.shape[1]))
    rows = np.random.default_rng(seed).permutation(len(matrix))[:KPROTO_ROWS]
    model = KPrototypes(n_clusters=k, n_init=1, max_iter=20, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(matrix[rows], categorical=indices)
        return np.asarray(model.predict(matrix, categorical=indices))


def smallest_jaccard(truth: np.ndarray, labels: np.ndarray) -> float:
    """Jaccard overlap of the smallest planted segment with the found segment that matches it best."""
    sizes = np.bincount(truth)
    smallest = truth == int(np.argmin(np.where(sizes > 0, sizes, np.iinfo(np.int64).max)))
    best = 0.0
    for found in np.unique(labels):
        mine = labels == found
        best = max(best, float((smallest & mine).sum() / (smallest | mine).sum()))
    return best


def run_family(family: Family, rows_cap: int | None) -> tuple[list[list[object]], dict[str, list[float]]]:
    seeds = FLAT_HELD_OUT_SEEDS if family.homogeneous else HELD_OUT_SEEDS[: 1 if family.name == "large" else None]
    table_rows: list[list[object]] = []
    stats: dict[str, list[float]] = {
        key: []
        for key in (
            "ours_exact",
            "ours_ari",
            "ours_small",
            "mix_exact",
            "mix_ari",
            "mix_small",
            "kp_ari",
            "kp_small",
            "seed_same",
            "seconds",
            "near_tie",
        )
    }
    for index, seed in enumerate(seeds):
        capped = rows_cap and family.name != "large"
        table, truth = audience(family, seed, rows=min(rows_cap, family.rows[1]) if capped else None)
        true_k = len(np.unique(truth))
        started = time.perf_counter()
        result = segment(table, seed=0)
        stats["seconds"].append(time.perf_counter() - started)
        stats["near_tie"].append(float(result.k_alternative is not None))
        mix_labels, mix_k = stepmix_by_bic(table, max_k=max(MAX_K, true_k + 2))
        stats["ours_exact"].append(float(result.k == true_k))
        stats["mix_exact"].append(float(mix_k == true_k))
        seed_note = ""
        if index < SEED_CHECKS and not family.homogeneous:
            ks = [result.k] + [segment(table, seed=other).k for other in range(1, 5)]
            stats["seed_same"].append(float(len(set(ks)) == 1))
            seed_note = "/".join(map(str, ks))
        if family.homogeneous:
            table_rows.append([seed, f"{len(table):,}", 1, result.k, mix_k, "", "", "", seed_note])
            continue
        kp_labels = kprototypes_true_k(table, true_k)
        ours, mix, kp = (adjusted_rand_score(truth, labels) for labels in (result.labels, mix_labels, kp_labels))
        stats["ours_ari"].append(ours)
        stats["mix_ari"].append(mix)
        stats["kp_ari"].append(kp)
        stats["ours_small"].append(smallest_jaccard(truth, result.labels))
        stats["mix_small"].append(smallest_jaccard(truth, mix_labels))
        stats["kp_small"].append(smallest_jaccard(truth, kp_labels))
        separable = supervised_ari(table.drop(columns="customer_id"), truth)
        tie = f" (tie: {result.k_alternative})" if result.k_alternative is not None else ""
        table_rows.append(
            [
                seed,
                f"{len(table):,}",
                true_k,
                f"{result.k}{tie}",
                mix_k,
                f"{ours:.3f}",
                f"{mix:.3f}",
                f"{kp:.3f}",
                seed_note,
                f"{separable:.2f}",
                " / ".join(f"{stats[key][-1]:.2f}" for key in ("ours_small", "mix_small", "kp_small")),
                f"{stats['seconds'][-1]:.1f}",
            ]
        )
        print(family.name, table_rows[-1], flush=True)
    return table_rows, stats


def _share(values: list[float]) -> str:
    return f"{sum(values):.0f}/{len(values)}" if values else "-"


def _mean(values: list[float]) -> str:
    return f"{np.mean(values):.3f}" if values else "-"


def _worst(values: list[float]) -> str:
    return f"{np.min(values):.3f}" if values else "-"


RAW = Path(__file__).parent / "out" / "families_results"


def main() -> None:
    """Run the families named in FAMILIES (default: all), then write the section from every family run so far.

    Each family's figures are kept in benchmarks/out/families_results, so families can run in parallel
    processes (FAMILIES=a,b in one, c,d in another) and the last one to finish writes the whole section.
    """
    cap_text = os.environ.get("FAMILY_ROWS")
    cap = int(cap_text) if cap_text else None
    only = [name for name in os.environ.get("FAMILIES", "").split(",") if name]
    RAW.mkdir(parents=True, exist_ok=True)
    for family in FAMILIES:
        if os.environ.get("SECTION_ONLY"):
            break
        if not only or family.name in only:
            rows, stats = run_family(family, cap)
            (RAW / f"{family.name}.json").write_text(json.dumps({"rows": rows, "stats": stats}), encoding="utf-8")
    write_families_section(cap)


def write_families_section(cap: int | None) -> None:
    summary, details = [], []
    totals: dict[str, list[float]] = {"ours_exact": [], "ours_ari": [], "mix_exact": [], "mix_ari": []}
    for family in FAMILIES:
        path = RAW / f"{family.name}.json"
        if not path.exists():
            continue
        raw = json.loads(path.read_text(encoding="utf-8"))
        rows, stats = raw["rows"], raw["stats"]
        for key, values in totals.items():
            values.extend(stats[key])
        summary.append(
            [
                family.name,
                len(rows),
                _share(stats["ours_exact"]),
                _share(stats["mix_exact"]),
                _mean(stats["ours_ari"]),
                _worst(stats["ours_ari"]),
                _mean(stats["mix_ari"]),
                _worst(stats["mix_ari"]),
                _mean(stats["kp_ari"]),
                _mean(stats["ours_small"]),
                _mean(stats["mix_small"]),
                _mean(stats["kp_small"]),
                _share(stats["seed_same"]),
                _share(stats["near_tie"]),
                f"{np.mean(stats['seconds']):.1f}",
            ]
        )
        header = (
            ["seed", "rows", "true k", "Segbot k", "StepMix k", "", "", "", "Segbot k, seeds 0-4"]
            if family.homogeneous
            else [
                "seed",
                "rows",
                "true k",
                "Segbot k",
                "StepMix k",
                "Segbot ARI",
                "StepMix ARI",
                "k-proto ARI",
                "Segbot k, seeds 0-4",
                "supervised ARI",
                "smallest segment Jaccard (Segbot / StepMix / k-proto)",
                "Segbot s",
            ]
        )
        details.append(f"#### {family.name}\n\n{markdown_table(header, rows)}")
    summary.append(
        [
            "**all**",
            "",
            _share(totals["ours_exact"]),
            _share(totals["mix_exact"]),
            _mean(totals["ours_ari"]),
            "",
            _mean(totals["mix_ari"]),
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]
    )
    header = [
        "family",
        "audiences",
        "Segbot exact k",
        "StepMix exact k",
        "Segbot mean ARI",
        "Segbot worst ARI",
        "StepMix mean ARI",
        "StepMix worst ARI",
        "k-proto (true k) mean ARI",
        "Segbot smallest Jaccard",
        "StepMix smallest Jaccard",
        "k-proto smallest Jaccard",
        "Segbot same k seeds 0-4",
        "near ties reported",
        "Segbot s (mean)",
    ]
    sizes = f"sizes capped at {cap:,} rows" if cap else "sizes as drawn by each family"
    seeds = (
        f"{len(HELD_OUT_SEEDS)} held-out seed(s) per family from {HELD_OUT_SEEDS[0]}, "
        f"{len(FLAT_HELD_OUT_SEEDS)} per homogeneous family; seeds 0-4 checked on the first "
        f"{SEED_CHECKS} audience(s) of each family"
    )
    body = (
        f"Held-out seeds only ({sizes}; {seeds}); rules were chosen on the other half (seeds "
        f"{TUNE_SEEDS[0]}-{TUNE_SEEDS[-1]}). Homogeneous families: 'exact k' is k = 1.\n\n"
        f"{markdown_table(header, summary)}\n\n" + "\n\n".join(details)
    )
    write_section("families", "Choice of k on independent generator families (held-out seeds)", body)


if __name__ == "__main__":
    main()
