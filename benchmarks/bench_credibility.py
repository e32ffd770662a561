"""Credibility bounds calibrated on the public influencer tables, and what share of creators each rule flags.

The tables in `../shared/datasets` (top_instagram_influencers, social_media_influencers_2022 (six files) and
global_youtube_statistics) are read with `read_catalog`, as a user would import them. Creators are split in two
halves by a hash of platform and handle (the same creator in several files lands on the same side). On the
calibration half, among accounts of `LARGE_ACCOUNT` followers or more, "too low" is the 1st percentile of the
non-zero engagement rates and "too high" the 99th percentile, both to two significant figures. The report half
then shows what share of each platform's creators each rule flags, with the bounds in `segmentation/credibility.py`
and, as the baseline, with the bounds Segbot had before this calibration.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from benchmarks.results_section import markdown_table, write_section
from bot.catalog.reading import read_catalog
from segmentation import credibility
from segmentation.catalog_index import CatalogEntry

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
TABLES = (
    "top_instagram_influencers/top_insta_influencers_data.csv",
    "social_media_influencers_2022/social media influencers - instagram.csv",
    "social_media_influencers_2022/social media influencers - tiktok.csv",
    "social_media_influencers_2022/social media influencers - youtube.csv",
    "social_media_influencers_2022/social media influencers-INSTAGRAM - -DEC 2022.csv",
    "social_media_influencers_2022/social media influencers-TIKTOK - ---DEC 2022.csv",
    "social_media_influencers_2022/social media influencers-YOUTUBE - --DEC 2022.csv",
    "global_youtube_statistics/Global YouTube Statistics.csv",
)
PLATFORMS = ("instagram", "tiktok", "youtube")
LOW_QUANTILE, HIGH_QUANTILE = 0.01, 0.99
# The bounds before this calibration (the baseline).
PREVIOUS_BOUNDS = {"instagram": (0.001, 0.25), "youtube": (0.0001, 0.25), "tiktok": (0.001, 1.0)}
RULES: tuple[tuple[str, int], ...] = (
    ("engagement too low", credibility.LOW),
    ("engagement too high", credibility.HIGH),
    ("no engagement data", credibility.NO_ENGAGEMENT),
    ("no audience country", credibility.NO_AUDIENCE),
    ("tiny account", credibility.TINY),
)


def public_creators() -> list[tuple[str, CatalogEntry]]:
    """(table, creator) for every creator every table imports."""
    found = []
    for table in TABLES:
        path = DATASETS / table
        reading = read_catalog(path.read_bytes(), source_name=path.name)
        found += [(path.name, entry) for entry in reading.entries]
    return found


def half(entry: CatalogEntry) -> int:
    """0 (calibration) or 1 (report), from a hash of platform and handle."""
    return int(hashlib.sha1(f"{entry.platform}:{entry.handle}".encode()).hexdigest(), 16) % 2


def calibrated_bounds(entries: Sequence[CatalogEntry]) -> dict[str, tuple[float, float]]:
    bounds = {}
    for platform in PLATFORMS:
        rates = np.array(
            [
                e.engagement_rate
                for e in entries
                if e.platform == platform and e.engagement_rate is not None and e.followers >= credibility.LARGE_ACCOUNT
            ]
        )
        if rates.size:
            low = float(np.quantile(rates[rates > 0], LOW_QUANTILE))
            bounds[platform] = (
                _significant(low, math.floor),
                _significant(float(np.quantile(rates, HIGH_QUANTILE)), math.ceil),
            )
    return bounds


def _significant(value: float, rounding: Callable[[float], int], digits: int = 2) -> float:
    """`value` to `digits` significant figures, rounded down (floor) or up (ceil)."""
    scale = 10 ** (digits - 1 - math.floor(math.log10(value)))
    return float(f"{rounding(value * scale) / scale:.6g}")


def flag_shares(
    entries: Sequence[CatalogEntry], bounds: dict[str, tuple[float, float]]
) -> dict[str, tuple[int, dict[str, float]]]:
    """Per platform: how many creators, and the share each rule flags with `bounds`."""
    saved = dict(credibility.PLATFORM_BOUNDS)
    credibility.PLATFORM_BOUNDS.clear()
    credibility.PLATFORM_BOUNDS.update(bounds)
    try:
        shares = {}
        for platform in PLATFORMS:
            chosen = [e for e in entries if e.platform == platform]
            followers = np.array([e.followers for e in chosen], dtype=np.float64)
            rates = np.array([np.nan if e.engagement_rate is None else e.engagement_rate for e in chosen])
            audience = np.array([e.audience_country is not None for e in chosen], dtype=bool)
            flags = credibility.credibility_flags(followers, rates, audience, [platform] * len(chosen))
            shares[platform] = (len(chosen), {name: float(np.mean(flags & bit > 0)) for name, bit in RULES})
        return shares
    finally:
        credibility.PLATFORM_BOUNDS.clear()
        credibility.PLATFORM_BOUNDS.update(saved)


def _percent(rate: float) -> str:
    return f"{rate * 100:.6g}%"


def main() -> None:
    creators = public_creators()
    calibration = [entry for _, entry in creators if half(entry) == 0]
    report = [entry for _, entry in creators if half(entry) == 1]
    found = calibrated_bounds(calibration)
    bound_rows = [
        [
            platform,
            _percent(found[platform][0]),
            _percent(found[platform][1]),
            _percent(credibility.PLATFORM_BOUNDS[platform][0]),
            _percent(credibility.PLATFORM_BOUNDS[platform][1]),
            "yes" if found[platform] == credibility.PLATFORM_BOUNDS[platform] else "NO",
            _percent(PREVIOUS_BOUNDS[platform][0]),
            _percent(PREVIOUS_BOUNDS[platform][1]),
        ]
        for platform in PLATFORMS
    ]
    now, before = flag_shares(report, dict(credibility.PLATFORM_BOUNDS)), flag_shares(report, PREVIOUS_BOUNDS)
    share_rows = [
        [platform, f"{now[platform][0]:,}", name, f"{now[platform][1][name]:.1%}", f"{before[platform][1][name]:.1%}"]
        for platform in PLATFORMS
        for name, _ in RULES
    ]
    per_table = {}
    for table, entry in creators:
        per_table.setdefault(table, set()).add(entry.platform)
    body = "\n\n".join(
        [
            f"Public tables read with `read_catalog` ({len(creators):,} creators from {len(TABLES)} files; "
            "global_youtube_statistics has no engagement column). Creators split by a hash of platform and handle: "
            f"{len(calibration):,} to calibrate, {len(report):,} to report on. Bounds apply to accounts of "
            f"{credibility.LARGE_ACCOUNT:,}+ followers: too low = 1st percentile of the non-zero rates, too high = "
            "99th percentile (two significant figures).",
            markdown_table(
                [
                    "platform",
                    "calibrated low",
                    "calibrated high",
                    "low in code",
                    "high in code",
                    "code = calibration",
                    "previous low",
                    "previous high",
                ],
                bound_rows,
            ),
            "Share of the report half each rule flags (a creator can be flagged by several rules), with the bounds in "
            "code and, as the baseline, the previous bounds:",
            markdown_table(["platform", "creators", "rule", "flagged now", "flagged before"], share_rows),
        ]
    )
    write_section("credibility", "Credibility rules on public influencer tables", body)


if __name__ == "__main__":
    main()
