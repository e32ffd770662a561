"""The sentences that explain a suggestion (reasons) and warn about a creator (flags)."""

from __future__ import annotations

import math

from segmentation import credibility


def compact_number(value: float) -> str:
    """1234 -> "1.2K", 2_100_000 -> "2.1M"."""
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= limit:
            return f"{value / limit:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{value:.0f}"


def percent(share: float) -> str:
    """0.781 -> "78%"; small shares keep a decimal (0.012 -> "1.2%")."""
    value = share * 100
    if value == 0 or math.isclose(value, round(value)) or abs(value) >= 10:
        return f"{value:.0f}%"
    return f"{value:.1f}%" if abs(value) >= 0.1 else f"{value:.2g}%"


def flag_texts(bits: int, followers: float, engagement: float) -> tuple[str, ...]:
    """The credibility warnings of one creator, from its bit mask."""
    texts = []
    if bits & credibility.LOW:
        texts.append(f"engagement {percent(engagement)} is implausibly low for {compact_number(followers)} followers")
    if bits & credibility.HIGH:
        texts.append(f"engagement {percent(engagement)} is implausibly high for {compact_number(followers)} followers")
    if bits & credibility.NO_ENGAGEMENT:
        texts.append("no engagement data")
    if bits & credibility.NO_AUDIENCE:
        texts.append("no audience country data")
    if bits & credibility.TINY:
        texts.append(f"tiny account ({compact_number(followers)} followers)")
    return tuple(texts)


def interest_reason(topic: str, interest: str, segment_share: float, overall_share: float | None) -> str:
    subject = topic if topic.lower() == interest else f"{topic} ({interest})"
    if overall_share is None:
        return f"posts about {subject}, an interest of {percent(segment_share)} of this segment"
    return (
        f"posts about {subject}, an interest of {percent(segment_share)} of this segment "
        f"vs {percent(overall_share)} overall"
    )


def country_reason(country: str, segment_share: float, overall_share: float) -> str:
    return (
        f"audience mostly {country}, like {percent(segment_share)} of this segment "
        f"({percent(overall_share)} overall)"
    )


def age_reason(band: str, segment_share: float, overall_share: float) -> str:
    return (
        f"audience mostly aged {band}, like {percent(segment_share)} of this segment "
        f"({percent(overall_share)} overall)"
    )


def age_neighbour_reason(band: str, near: str, segment_share: float) -> str:
    return f"audience mostly aged {band}, next to {near} ({percent(segment_share)} of this segment)"


def gender_reason(creator_female: float, segment_female: float) -> str:
    return f"audience {percent(creator_female)} female, close to this segment ({percent(segment_female)} female)"


PINNED_REASON = "pinned by your workspace"
