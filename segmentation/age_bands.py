"""Audience age bands as influencer tools write them (`18-24`, `18–24`, `18 to 24`, `65+`) on Segbot's bands."""

from __future__ import annotations

import re
from functools import lru_cache

from segmentation.result import AGE_BANDS

_EDGES: tuple[tuple[int, int], ...] = ((13, 17), (18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 200))


@lru_cache(maxsize=1024)
def age_band(text: str) -> str | None:
    """The band of `AGE_BANDS` a written band or age falls in (by its middle); None when it is not an age."""
    numbers = [int(number) for number in re.findall(r"\d+", text)]
    cleaned = text.strip()
    if not numbers or len(numbers) > 2 or not re.fullmatch(r"\d+\s*(?:[-–—]|to)?\s*\d*\s*\+?", cleaned):
        return None
    if len(numbers) == 2 and numbers[1] < numbers[0]:
        return None
    middle = (numbers[0] + numbers[-1]) / 2 if len(numbers) == 2 else numbers[0]
    for band, (low, high) in zip(AGE_BANDS, _EDGES, strict=True):
        if low <= middle < high + 1:
            return band
    return None
