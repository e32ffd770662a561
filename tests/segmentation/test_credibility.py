"""Credibility flags from follower counts and engagement."""

from __future__ import annotations

import numpy as np

from segmentation import credibility
from segmentation.match_text import flag_texts


def test_each_problem_sets_its_flag_and_healthy_accounts_none() -> None:
    followers = np.array([500_000, 500_000, 500_000, 50_000, 5_000, 500, 500_000, 20_000], dtype=float)
    engagement = np.array([0.02, 0.0005, 0.4, 0.0005, 1.5, 0.05, np.nan, 0.3])
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


def test_flag_sentences_name_the_numbers_and_the_rule_that_raised_them() -> None:
    bits = credibility.LOW | credibility.NO_AUDIENCE
    assert flag_texts(bits, 4_100_000, 0.0003, "instagram") == (
        "0.03% engagement at 4.1M followers is far below Instagram accounts of that size "
        "(under 0.089% is the lowest 1% in public rankings)",
        "no audience country data, so where its audience lives is unknown",
    )
    assert flag_texts(credibility.HIGH, 2_000_000, 0.05, "youtube") == (
        "5% engagement at 2M subscribers is far above YouTube channels of that size "
        "(over 3.4% is the highest 1% in public rankings)",
    )
    assert flag_texts(credibility.HIGH | credibility.TINY, 800, 3.0, "tiktok") == (
        "300% engagement at 800 followers: more than 230% of the followers per post is implausible at any size",
        "tiny account (800 followers, under 1K)",
    )
    assert flag_texts(credibility.NO_ENGAGEMENT, 50_000, float("nan"), "twitch") == (
        "no engagement data, so bought followers cannot be ruled out",
    )


def test_the_bounds_are_the_calibrated_ones_and_keep_platform_order() -> None:
    # Calibrated on public rankings (benchmarks/bench_credibility.py): YouTube < Instagram < TikTok.
    youtube, instagram, tiktok = (credibility.PLATFORM_BOUNDS[p] for p in ("youtube", "instagram", "tiktok"))
    assert youtube[0] < instagram[0] < tiktok[0]
    assert youtube[1] < instagram[1] < tiktok[1]
