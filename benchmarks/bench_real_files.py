"""Real files, read as a marketer would: k, why, the names, outcome rates, and claims re-checked with pandas.

Files: the shared customer files in ../shared/datasets (and two files of YouTube channels and Instagram
accounts, whose rows are not people), plus public tables shipped inside PyPI packages
(ISLP's Caravan and Credit, plotly's tips, lifetimes' CDNOW customer summary). The package files are taken
from the wheels with `pip download --no-deps` into benchmarks/out/packages (nothing is installed), read from
the wheel by path, and never copied into the repository.

Claims: for the two largest segments, the strongest difference the report shows is recomputed with pandas
from the raw table and the row labels (median for numbers, share for categories and labels); outcome rates
likewise. A claim passes when pandas gives the same numbers (to the report's rounding).
Run: `BENCH=real_files make bench`.
"""

from __future__ import annotations

import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.results_section import write_section
from segmentation import segment
from segmentation.genders import gender_group
from segmentation.reading import read_table
from segmentation.result import FeatureEffect, SegmentationResult, SegmentProfile

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
PACKAGES = Path(__file__).parent / "out" / "packages"
SHARED = [
    "mall_customers/Mall_Customers.csv",
    "customer_personality/marketing_campaign.csv",
    "wholesale_customers/Wholesale customers data.csv",
    "teen_sns_interests/snsdata.csv",
    "global_youtube_statistics/Global YouTube Statistics.csv",
    "top_instagram_influencers/top_insta_influencers_data.csv",
]
IN_WHEELS = [
    ("ISLP", "islp-*.whl", "ISLP/data/Caravan.csv"),
    ("ISLP", "islp-*.whl", "ISLP/data/Credit.csv"),
    ("plotly", "plotly-*.whl", "plotly/package_data/datasets/tips.csv.gz"),
    ("lifetimes", "Lifetimes-*.whl", "lifetimes/datasets/cdnow_customers_summary.csv"),
]


def wheel_file(package: str, pattern: str, member: str) -> bytes:
    wheels = sorted(PACKAGES.glob(pattern))
    if not wheels:
        PACKAGES.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(PACKAGES), package], check=True
        )
        wheels = sorted(PACKAGES.glob(pattern))
    with zipfile.ZipFile(wheels[-1]) as wheel:
        data = wheel.read(member)
    if member.endswith(".gz"):
        import gzip

        data = gzip.decompress(data)
    return data


def check_feature(table: pd.DataFrame, labels: np.ndarray, segment_id: int, feature: FeatureEffect) -> str:
    """The report's claim about one feature, and what pandas says from the raw column."""
    members = labels == segment_id
    claim = f"{feature.label}: {feature.segment_value:.4g} vs {feature.overall_value:.4g} overall"
    column = feature.column
    if column not in table.columns:
        return f"{claim} (derived column, not re-checked)"
    raw = table[column]
    if feature.kind == "numeric":
        numbers = pd.to_numeric(raw.astype("string").str.replace(r"[$,%]", "", regex=True), errors="coerce")
        ours, overall = float(numbers[members].median()), float(numbers.median())
        same = np.isclose(ours, feature.segment_value, rtol=0.02) and np.isclose(
            overall, feature.overall_value, rtol=0.02
        )
        if f"{feature.segment_value:.4g}" == f"{feature.overall_value:.4g}":
            # Equal medians are no difference: the report says which way the average leans; check that instead.
            way = "higher" if feature.effect > 0 else "lower"
            leans = (float(numbers[members].mean()) > float(numbers.mean())) == (feature.effect > 0)
            return (
                f"{feature.label}: {way} than overall on average (median {feature.segment_value:.4g} in both); "
                f"pandas medians {ours:.4g} vs {overall:.4g}, means {float(numbers[members].mean()):.4g} vs "
                f"{float(numbers.mean()):.4g} {'✓' if same and leans else '✗'}"
            )
        return f"{claim}; pandas medians {ours:.4g} vs {overall:.4g} {'✓' if same else '✗'}"
    text = raw.astype("string").str.strip()
    if feature.kind == "label":
        has = text.str.contains(feature.value or "", case=False, regex=False).fillna(False).astype(bool)
        known = text.notna()
        ours = float(has[members & known].mean())
    else:
        known = text.notna()
        ours = float((text[members & known] == str(feature.value)).mean())
    same = abs(ours - feature.segment_value) < 0.02
    return f"{claim}; pandas share {ours:.1%} in segment {'✓' if same else '✗'}"


def check_outcomes(table: pd.DataFrame, result: SegmentationResult) -> list[str]:
    lines = []
    for profile in result.segments[:2]:
        for outcome in profile.outcomes:
            raw = table[outcome.column].astype("string").str.strip().str.lower()
            flags = raw.isin(["1", "yes", "true", "y", "t"]).astype(float).where(raw.notna())
            ours = float(flags[result.labels == profile.id].mean())
            same = abs(ours - outcome.rate) < 0.005
            lines.append(
                f"{profile.name}: {outcome.column} {outcome.rate:.1%} vs {outcome.overall:.1%} overall "
                f"(lift {outcome.lift:.2f}); pandas {ours:.1%} {'✓' if same else '✗'}"
            )
    return lines


def check_audience(table: pd.DataFrame, labels: np.ndarray, profile: SegmentProfile) -> list[str]:
    """The audience mix a segment shows (gender, top interest, largest age band), re-checked from the raw columns.

    This is what a report of a whole audience (k = 1) says, so it is checked where a segment has no differences.
    """
    members = labels == profile.id
    columns = {str(c).lower(): c for c in table.columns}
    lines = []
    mix = profile.audience
    gender_column = columns.get("gender", columns.get("sex"))
    if mix.gender and gender_column is not None:
        group, share = max(mix.gender.items(), key=lambda item: item[1])
        groups = (
            table[gender_column]
            .astype("string")
            .map(lambda value: gender_group(str(value)) if not pd.isna(value) else None)
        )
        known = groups[members].dropna()
        ours = float((known == group).mean())
        lines.append(
            f"gender {group} {share:.1%}; pandas {ours:.1%} of known {'✓' if abs(ours - share) < 0.01 else '✗'}"
        )
    if mix.interests:
        interest, share = mix.interests[0]
        column = columns.get(interest.lower())
        if column is not None:
            counts = pd.to_numeric(table[column], errors="coerce")[members]
            ours = float((counts.dropna() > 0).mean())
            lines.append(
                f"interest {interest} {share:.1%}; pandas {column} > 0 in {ours:.1%} "
                f"{'✓' if abs(ours - share) < 0.01 else '✗'}"
            )
    if mix.age_bands and "age" in columns:
        band, share = max(mix.age_bands.items(), key=lambda item: item[1])
        ages = np.floor(pd.to_numeric(table[columns["age"]], errors="coerce")[members])
        ages = ages[(ages >= 13) & (ages <= 100)]
        low, _, high = band.partition("-")
        inside = (ages >= int(low.rstrip("+"))) & (ages <= (int(high) if high else 100))
        ours = float(inside.mean())
        lines.append(
            f"age {band} {share:.1%}; pandas {ours:.1%} of ages 13-100 {'✓' if abs(ours - share) < 0.01 else '✗'}"
        )
    return [f"{profile.name}: {line}" for line in lines[:2]]


def describe(name: str, data: bytes) -> str:
    table = read_table(io.BytesIO(data))
    started = time.perf_counter()
    result = segment(data, seed=0)
    seconds = time.perf_counter() - started
    parts = [
        f"#### {name}",
        "",
        f"{result.n_rows:,} rows ({result.row_noun}), {sum(r.used for r in result.columns)} of "
        f"{len(result.columns)} columns used, {seconds:.1f} s. **k = {result.k}**"
        + (f" (near tie with {result.k_alternative}: {result.k_alternative_reason})" if result.k_alternative else "")
        + (" — no distinct segments" if result.no_distinct_segments and result.k == 1 else ""),
        "",
        f"Why: {result.k_reason}",
        "",
    ]
    if result.outcome_columns:
        parts.append(f"Outcome columns kept out of the clustering: {', '.join(result.outcome_columns)}.")
        parts.append("")
    parts += [
        f"- {p.id}. **{p.name}** ({p.size:,}, {p.share:.0%})"
        + (": " + "; ".join(f.label for f in p.features[:3]) if p.features else "")
        for p in result.segments
    ]
    checks = []
    for profile in sorted(result.segments, key=lambda p: -p.size)[:2]:
        if profile.features:
            checks.append(f"{profile.name}: " + check_feature(table, result.labels, profile.id, profile.features[0]))
    checks += check_outcomes(table, result)
    if len(checks) < 2:
        checks += check_audience(table, result.labels, max(result.segments, key=lambda p: p.size))
    parts += ["", "Claims re-checked with pandas:"] + [f"- {line}" for line in checks]
    return "\n".join(parts)


def main() -> None:
    sections = [describe(name, (DATASETS / name).read_bytes()) for name in SHARED]
    for package, pattern, member in IN_WHEELS:
        sections.append(describe(f"{package}: {member.rsplit('/', 1)[-1]}", wheel_file(package, pattern, member)))
    write_section(
        "real_files", "Real files read as a marketer (what Segbot says, re-checked with pandas)", "\n\n".join(sections)
    )


if __name__ == "__main__":
    main()
