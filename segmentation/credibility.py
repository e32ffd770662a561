"""Credibility checks on creator accounts, vectorised over a whole catalog.

Engagement that is implausible for the follower count (bought followers or bought engagement), missing
engagement or audience data, and tiny accounts are flagged; matching ranks flagged creators below healthy ones.
Engagement is per post as a fraction of followers. What is plausible depends on the platform: YouTube
channels keep subscribers who no longer watch (likes per subscriber are a hundred times lower than on
Instagram), while TikTok shows videos far beyond the followers (likes often exceed the follower count).

The bounds were calibrated on the public influencer tables in `../shared/datasets` (top_instagram_influencers,
social_media_influencers_2022; global_youtube_statistics has no engagement column): on one half of the
creators (split by a hash of platform and handle), among accounts of LARGE_ACCOUNT followers or more, "too low"
is the 1st percentile of the non-zero rates and "too high" the 99th percentile, to two significant figures.
`benchmarks/bench_credibility.py` redoes this and reports what share of the other half each rule flags
(benchmarks/results/credibility.md). Platforms without public data keep DEFAULT_BOUNDS.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# (too low, too high) for accounts of LARGE_ACCOUNT followers or more, by platform (calibrated, see above).
DEFAULT_BOUNDS = (0.001, 0.25)
PLATFORM_BOUNDS = {
    "instagram": (0.00089, 0.34),
    "tiktok": (0.0063, 2.3),
    "youtube": (0.0000013, 0.034),
}
LARGE_ACCOUNT = 100_000
# More engagements per post than followers is implausible at any size (TikTok: its own upper bound).
ABSURD_ENGAGEMENT = 1.0
TINY_ACCOUNT = 1_000

LOW = 1
HIGH = 2
NO_ENGAGEMENT = 4
NO_AUDIENCE = 8
TINY = 16
NO_FOLLOWERS = 32


def engagement_bounds(platforms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The (too low, too high) engagement per creator, from its platform."""
    bounds = {platform: PLATFORM_BOUNDS.get(platform, DEFAULT_BOUNDS) for platform in set(platforms)}
    low = np.array([bounds[platform][0] for platform in platforms], dtype=np.float64)
    high = np.array([bounds[platform][1] for platform in platforms], dtype=np.float64)
    return low, high


def credibility_flags(
    followers: np.ndarray, engagement: np.ndarray, audience_known: np.ndarray, platforms: Sequence[str]
) -> np.ndarray:
    """A bit mask per creator (0 = healthy) from follower counts and engagement fractions (NaN = unknown; an
    unknown follower count is neither large nor tiny)."""
    low, high = engagement_bounds(platforms)
    large = followers >= LARGE_ACCOUNT
    known = ~np.isnan(engagement)
    rate = np.where(known, engagement, 0.0)
    flags = np.zeros(followers.shape, dtype=np.uint8)
    flags |= np.where(large & known & (rate < low), LOW, 0).astype(np.uint8)
    too_high = known & ((large & (rate > high)) | (rate > np.maximum(high, ABSURD_ENGAGEMENT)))
    flags |= np.where(too_high, HIGH, 0).astype(np.uint8)
    flags |= np.where(known, 0, NO_ENGAGEMENT).astype(np.uint8)
    flags |= np.where(audience_known, 0, NO_AUDIENCE).astype(np.uint8)
    flags |= np.where(followers < TINY_ACCOUNT, TINY, 0).astype(np.uint8)
    flags |= np.where(np.isnan(followers), NO_FOLLOWERS, 0).astype(np.uint8)
    return flags
