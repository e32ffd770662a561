"""Jinja2 filters: Slack mrkdwn escaping, JSON string escaping, and number formats (`num`, `pct`, `signed`, ...).

Templates never format or compute; they pass values through these.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.report.escaping import Mrkdwn, escape_mrkdwn, plain_text, rendered

_PLATFORMS = {
    "instagram": "Instagram",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "twitter": "X",
    "x": "X",
    "twitch": "Twitch",
    "facebook": "Facebook",
    "linkedin": "LinkedIn",
    "pinterest": "Pinterest",
    "snapchat": "Snapchat",
    "threads": "Threads",
    "bluesky": "Bluesky",
}
_UNIT_PREFIX = {"currency": "$"}
_UNIT_SUFFIX = {"percent": "%", "days": " days", "years": " years"}


def mrkdwn(value: object) -> Mrkdwn:
    """User text made safe for mrkdwn (see `bot.report.escaping`): a CSV header like `<!channel>` shows as typed
    and pings no one. Templates escape every value already; the filter stays for explicit, readable markup."""
    return escape_mrkdwn(value)


def json_string(value: object) -> str:
    """The inside of a JSON string literal: quotes, backslashes and control characters escaped (and the
    bidirectional controls of `plain_text` dropped, as everywhere a value is written)."""
    return json.dumps(plain_text(value), ensure_ascii=False)[1:-1]


def num(value: float | int, unit: str | None = None) -> str:
    """`3000` -> `3,000`; `24.0` -> `24`; `3.14159` -> `3.14`; `1234.5` -> `1,235`; units add `$`, `%`, ` days`;
    a calendar year (unit "year") is `2006`."""
    number = float(value)
    if math.isnan(number):
        return "n/a"
    if unit == "year":
        return f"{number:.0f}"
    magnitude = abs(number)
    if magnitude >= 100 or number.is_integer():
        text = f"{number:,.0f}"
    elif magnitude >= 10:
        text = f"{number:,.1f}".rstrip("0").rstrip(".")
    else:
        text = f"{number:,.2f}".rstrip("0").rstrip(".")
    return f"{_UNIT_PREFIX.get(unit or '', '')}{text}{_UNIT_SUFFIX.get(unit or '', '')}"


def compact(value: float | int) -> str:
    """Follower counts as people say them: `950`, `12.5k`, `1.2M`."""
    number = float(value)
    for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(number) >= threshold:
            return f"{number / threshold:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{number:,.0f}"


def pct(share: float, digits: int = 0) -> str:
    """`0.4567` -> `46%` (`pct(1)`: `45.7%`); tiny non-zero shares keep a decimal (`0.4%`), and nothing rounds
    to a misleading 0% or 100%."""
    percent = float(share) * 100
    if 0 < percent < 1:
        return f"{percent:.{max(digits, 1)}f}%"
    if 99 < percent < 100:
        return f"{math.floor(percent * 10) / 10:.{max(digits, 1)}f}%"
    return f"{percent:.{digits}f}%"


def signed(value: float, digits: int = 1) -> str:
    """`1.234` -> `+1.2`; `-0.5` -> `−0.5` (a real minus sign)."""
    text = f"{abs(float(value)):.{digits}f}"
    if float(text) == 0:
        return text
    return ("+" if value > 0 else "−") + text


def score(value: float) -> str:
    """A 0..1 score with two decimals: `0.8` -> `0.80`."""
    return f"{float(value):.2f}"


def lift(ratio: float) -> str:
    """How much more (or less) common something is: `6.5` -> `6.5x as common`, `0.25` -> `4x less common`."""
    ratio = float(ratio)
    if ratio >= 1:
        return f"{ratio:.1f}x as common".replace(".0x", "x")
    if ratio <= 0:
        return "none here"
    return f"{1 / ratio:.1f}x less common".replace(".0x", "x")


def platform(name: str) -> str:
    """`tiktok` -> `TikTok`; unknown platforms are shown as given."""
    return _PLATFORMS.get(name.strip().lower(), name)


def timestamp(moment: datetime) -> str:
    """`2026-11-29 09:05 UTC` (the zone the datetime carries)."""
    return moment.strftime("%Y-%m-%d %H:%M ") + (moment.tzname() or "UTC")


def counted(count: int, noun: str) -> str:
    """`(1, "segment")` -> "1 segment"; `(4, "segment")` -> "4 segments" (nouns with a plain -s plural)."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def in_segments(count: int) -> str:
    """`4` -> "in 4 segments"; `1` -> "with no distinct segments" (one segment holds everyone)."""
    return "with no distinct segments" if count == 1 else f"in {count} segments"


FILTERS: dict[str, Callable[..., Any]] = {
    "counted": counted,
    "in_segments": in_segments,
    "mrkdwn": mrkdwn,
    "rendered": rendered,
    "json_string": json_string,
    "num": num,
    "compact": compact,
    "pct": pct,
    "signed": signed,
    "score": score,
    "lift": lift,
    "timestamp": timestamp,
    "platform": platform,
}
