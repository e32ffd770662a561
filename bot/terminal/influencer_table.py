"""The influencer catalog for the terminal: a rich table, and the same rows as plain dicts for JSON."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rich.table import Table

from segmentation.catalog_index import CatalogEntry, build_catalog_index
from segmentation.match_text import compact_number, flag_texts, percent

Key = tuple[str, str]  # (platform, handle)
Choice = Literal["pinned", "blocked"]


@dataclass(frozen=True)
class CatalogRow:
    """One creator as `segbot influencers list` shows it: the entry, its credibility flags, the workspace's choice."""

    entry: CatalogEntry
    flags: tuple[str, ...]
    choice: Choice | None

    def to_dict(self) -> dict[str, Any]:
        """The JSON of `--format json` (its field names are pinned by the influencer catalog docs)."""
        entry = self.entry
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
            "flags": list(self.flags),
            "choice": self.choice,
        }


def catalog_rows(
    entries: Sequence[CatalogEntry], *, pinned: frozenset[Key], blocked: frozenset[Key]
) -> list[CatalogRow]:
    """One row per creator: its entry, its credibility flags and whether the workspace pinned or blocked it."""
    index = build_catalog_index(entries)
    return [
        CatalogRow(
            entry=entry,
            flags=flag_texts(
                int(index.flags[position]),
                float(index.followers[position]),
                float(index.engagement[position]),
                entry.platform,
            ),
            choice=_choice(entry, pinned, blocked),
        )
        for position, entry in enumerate(entries)
    ]


def catalog_table(rows: Sequence[CatalogRow], *, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for header in ("platform", "handle", "followers", "engagement", "topics", "audience", "flags"):
        table.add_column(header, justify="right" if header in ("followers", "engagement") else "left")
    for row in rows:
        entry = row.entry
        table.add_row(
            entry.platform,
            f"@{entry.handle}" + (f" ({row.choice})" if row.choice else ""),
            "" if entry.followers is None else compact_number(entry.followers),
            "" if entry.engagement_rate is None else percent(entry.engagement_rate),
            ", ".join(entry.topics),
            _audience(entry),
            "; ".join(row.flags),
        )
    return table


def _choice(entry: CatalogEntry, pinned: frozenset[Key], blocked: frozenset[Key]) -> Choice | None:
    if entry.key in pinned:
        return "pinned"
    if entry.key in blocked:
        return "blocked"
    return None


def _audience(entry: CatalogEntry) -> str:
    parts = [entry.audience_country or "", entry.audience_age or ""]
    if entry.audience_female_pct is not None:
        parts.append(f"{entry.audience_female_pct:.0f}% female")
    return " ".join(part for part in parts if part)
