"""Reading a rendered chart back: its size in pixels, after checking it is a PNG."""

from __future__ import annotations

import io

import matplotlib.image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def decode(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_SIGNATURE)
    height, width = matplotlib.image.imread(io.BytesIO(png), format="png").shape[:2]
    return width, height
