"""Credibility flags from follower counts and engagement."""

from __future__ import annotations

import numpy as np

from segmentation import credibility
from segmentation.match_text import flag_texts


def test_each_problem_sets_its_flag_and_healthy_accounts_none() -> None:
    followers = np.array([500_000, 500_000, 500_000, 50_000, 5_000, 500, 500_000, 20_000], dtype=float)
    engagement = np.array([0.02, 0.0005, 0.3, 0.0005, 1.5, 0.05, np.nan, 0.3])
    audience = np.array([True, True, True, True, True, True, True, False])

    flags = credibility.credibility_flags(followers, engagement, audience, ["instagram"] * 8)

    assert flags.tolist() == [
        0,
        credibility.LOW,
        credibility.HIGH,
        0,  # low engagement is only suspicious on a large account
        credibility.HIGH,  # more engagements than followers is implausible at any size
        credibility.TINY,
        credibility.NO_ENGAGEMENT,
        credibility.NO_AUDIENCE,  # 30% on a small account is plausible
    ]


def test_what_is_plausible_depends_on_the_platform() -> None:
    followers = np.full(4, 2_000_000.0)
    engagement = np.array([0.0005, 0.0005, 0.6, 0.6])
    platforms = ["instagram", "youtube", "instagram", "tiktok"]

    flags = credibility.credibility_flags(followers, engagement, np.ones(4, dtype=bool), platforms)

    # Likes per subscriber are low on YouTube; TikTok shows videos far beyond the followers.
    assert flags.tolist() == [credibility.LOW, 0, credibility.HIGH, 0]


def test_flag_sentences_name_the_numbers() -> None:
    bits = credibility.LOW | credibility.NO_AUDIENCE
    assert flag_texts(bits, 2_100_000, 0.0004) == (
        "engagement 0.04% is implausibly low for 2.1M followers",
        "no audience country data",
    )
