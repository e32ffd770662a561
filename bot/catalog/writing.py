"""Writing a catalog as CSV with the canonical headers (what `segbot influencers export` produces).

The output reads back with `read_catalog` to the same entries (the quote that keeps a formula-like cell from
running in a spreadsheet is taken off again): engagement as a percentage (`1.39%`),
topics joined with `|`, countries as ISO codes.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.csv_export import csv_text
from segmentation.catalog_index import CatalogEntry

HEADERS = (
    "platform",
    "handle",
    "name",
    "followers",
    "engagement_rate",
    "topics",
    "audience_country",
    "audience_age",
    "audience_female_pct",
    "avg_likes",
    "avg_views",
    "price",
)


NUMERIC = ("followers", "engagement_rate", "audience_female_pct", "avg_likes", "avg_views", "price")


def catalog_csv(entries: Iterable[CatalogEntry]) -> str:
    """The entries as CSV text (LF line endings), one row per creator in the order given, safe to open in a
    spreadsheet (a name such as `=HYPERLINK(...)` is written `'=HYPERLINK(...)`, see `bot.csv_export`)."""
    rows = (
        (
            entry.platform,
            entry.handle,
            entry.name or "",
            "" if entry.followers is None else entry.followers,
            "" if entry.engagement_rate is None else f"{_number(entry.engagement_rate * 100)}%",
            "|".join(entry.topics),
            entry.audience_country or "",
            entry.audience_age or "",
            "" if entry.audience_female_pct is None else f"{_number(entry.audience_female_pct)}%",
            _optional(entry.avg_likes),
            _optional(entry.avg_views),
            _optional(entry.price),
        )
        for entry in entries
    )
    return csv_text(HEADERS, rows, numeric_columns=NUMERIC)


def _optional(value: float | None) -> str:
    return "" if value is None else _number(value)


def _number(value: float) -> str:
    """Up to 6 significant decimals, no trailing zeros, no exponent (`1.3134`, `250`)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"
