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


_PLATFORM_NAMES = {"instagram": "Instagram", "tiktok": "TikTok", "youtube": "YouTube", "x": "X"}


def flag_texts(bits: int, followers: float, engagement: float, platform: str = "") -> tuple[str, ...]:
    """The credibility warnings of one creator, from its bit mask: each names the rule that raised it."""
    low, high = credibility.PLATFORM_BOUNDS.get(platform, credibility.DEFAULT_BOUNDS)
    name = _PLATFORM_NAMES.get(platform, platform.title() or "other")
    accounts, audience = ("channels", "subscribers") if platform == "youtube" else ("accounts", "followers")
    size = f"{compact_number(followers)} {audience}" if not math.isnan(followers) else f"unknown {audience}"
    texts = []
    # The bounds are the 1st and 99th percentiles of large accounts in public rankings (see `credibility`).
    if bits & credibility.LOW:
        texts.append(
            f"{percent(engagement)} engagement at {size} is far below {name} {accounts} of that size "
            f"(under {percent(low)} is the lowest 1% in public rankings)"
        )
    if bits & credibility.HIGH and followers >= credibility.LARGE_ACCOUNT:
        texts.append(
            f"{percent(engagement)} engagement at {size} is far above {name} {accounts} of that size "
            f"(over {percent(high)} is the highest 1% in public rankings)"
        )
    elif bits & credibility.HIGH:
        ceiling = percent(max(high, credibility.ABSURD_ENGAGEMENT))
        texts.append(
            f"{percent(engagement)} engagement at {size}: more than {ceiling} of the {audience} per post is "
            "implausible at any size"
        )
    if bits & credibility.NO_ENGAGEMENT:
        texts.append("no engagement data, so bought followers cannot be ruled out")
    if bits & credibility.NO_AUDIENCE:
        texts.append("no audience country data, so where its audience lives is unknown")
    if bits & credibility.NO_FOLLOWERS:
        texts.append(f"no {audience.rstrip('s')} count, so reach and engagement cannot be judged")
    if bits & credibility.TINY:
        texts.append(f"tiny account ({size}, under {compact_number(credibility.TINY_ACCOUNT)})")
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
        f"audience mostly {country}, like {percent(segment_share)} of this segment ({percent(overall_share)} overall)"
    )


def age_reason(band: str, segment_share: float, overall_share: float) -> str:
    return (
        f"audience mostly aged {band}, like {percent(segment_share)} of this segment ({percent(overall_share)} overall)"
    )


def age_neighbour_reason(band: str, near: str, segment_share: float) -> str:
    return f"audience mostly aged {band}, next to {near} ({percent(segment_share)} of this segment)"


def gender_reason(creator_female: float, segment_female: float) -> str:
    return f"audience {percent(creator_female)} female, close to this segment ({percent(segment_female)} female)"


PINNED_REASON = "pinned by your workspace"
