"""Credibility checks on creator accounts, vectorised over a whole catalog.

Engagement that is implausible for the follower count (bought followers or bought engagement), missing
engagement or audience data, and tiny accounts are flagged; matching ranks flagged creators below healthy ones.
"""

from __future__ import annotations

import numpy as np

# Engagement per post as a fraction of followers: outside this range a large account is suspicious.
LOW_ENGAGEMENT = 0.001
HIGH_ENGAGEMENT = 0.25
LARGE_ACCOUNT = 100_000
# More engagements per post than followers is implausible at any size.
ABSURD_ENGAGEMENT = 1.0
TINY_ACCOUNT = 1_000

LOW = 1
HIGH = 2
NO_ENGAGEMENT = 4
NO_AUDIENCE = 8
TINY = 16


def credibility_flags(followers: np.ndarray, engagement: np.ndarray, audience_known: np.ndarray) -> np.ndarray:
    """A bit mask per creator (0 = healthy) from follower counts, engagement fractions (NaN = unknown)."""
    large = followers >= LARGE_ACCOUNT
    known = ~np.isnan(engagement)
    rate = np.where(known, engagement, 0.0)
    flags = np.zeros(followers.shape, dtype=np.uint8)
    flags |= np.where(large & known & (rate < LOW_ENGAGEMENT), LOW, 0).astype(np.uint8)
    too_high = known & ((large & (rate > HIGH_ENGAGEMENT)) | (rate > ABSURD_ENGAGEMENT))
    flags |= np.where(too_high, HIGH, 0).astype(np.uint8)
    flags |= np.where(known, 0, NO_ENGAGEMENT).astype(np.uint8)
    flags |= np.where(audience_known, 0, NO_AUDIENCE).astype(np.uint8)
    flags |= np.where(followers < TINY_ACCOUNT, TINY, 0).astype(np.uint8)
    return flags
