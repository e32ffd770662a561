"""The influencer catalog for the terminal: a rich table, and the same rows as plain dicts for JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.table import Table

from segmentation.catalog_index import CatalogEntry, build_catalog_index
from segmentation.match_text import compact_number, flag_texts, percent

Key = tuple[str, str]  # (platform, handle)


def catalog_rows(
    entries: Sequence[CatalogEntry], *, pinned: frozenset[Key], blocked: frozenset[Key]
) -> list[dict[str, Any]]:
    """One dict per creator: its fields, its credibility flags and whether the workspace pinned or blocked it."""
    index = build_catalog_index(entries)
    rows = []
    for position, entry in enumerate(entries):
        flags = flag_texts(
            int(index.flags[position]),
            float(index.followers[position]),
            float(index.engagement[position]),
            entry.platform,
        )
        rows.append({**_fields(entry), "flags": list(flags), "choice": _choice(entry, pinned, blocked)})
    return rows


def catalog_table(rows: Sequence[dict[str, Any]], *, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for header in ("platform", "handle", "followers", "engagement", "topics", "audience", "flags"):
        table.add_column(header, justify="right" if header in ("followers", "engagement") else "left")
    for row in rows:
        handle = f"@{row['handle']}" + (f" ({row['choice']})" if row["choice"] else "")
        engagement = "" if row["engagement_rate"] is None else percent(row["engagement_rate"])
        table.add_row(
            row["platform"],
            handle,
            "" if row["followers"] is None else compact_number(row["followers"]),
            engagement,
            ", ".join(row["topics"]),
            _audience(row),
            "; ".join(row["flags"]),
        )
    return table


def _fields(entry: CatalogEntry) -> dict[str, Any]:
    return {
        "platform": entry.platform,
        "handle": entry.handle,
        "name": entry.name,
        "followers": entry.followers,
        "engagement_rate": entry.engagement_rate,
        "topics": list(entry.topics),
        "audience_country": entry.audience_country,
        "audience_age": entry.audience_age,
        "audience_female_pct": entry.audience_female_pct,
        "avg_likes": entry.avg_likes,
        "avg_views": entry.avg_views,
        "price": entry.price,
    }


def _choice(entry: CatalogEntry, pinned: frozenset[Key], blocked: frozenset[Key]) -> str | None:
    if entry.key in pinned:
        return "pinned"
    if entry.key in blocked:
        return "blocked"
    return None


def _audience(row: dict[str, Any]) -> str:
    parts = [row["audience_country"] or "", row["audience_age"] or ""]
    if row["audience_female_pct"] is not None:
        parts.append(f"{row['audience_female_pct']:.0f}% female")
    return " ".join(part for part in parts if part)
