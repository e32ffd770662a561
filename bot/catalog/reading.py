"""Reading a creator export (canonical or real-world headers) into catalog entries and rejected rows.

`read_catalog(data, source_name=..., platform=...)` takes bytes or a binary file object. Every row becomes a
`CatalogEntry` or a `RejectedRow` with its row number as a spreadsheet shows it (the header is row 1) and the
reason. A file that cannot be a catalog at all raises `UnusableCatalogError` (or `UnreadableFileError`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import pandas as pd

from bot.catalog import cells
from bot.catalog.errors import UnusableCatalogError
from bot.catalog.headers import CatalogColumns, recognise_columns
from bot.catalog.names import normalize_handle, normalize_platform, platform_in
from segmentation.catalog_index import CatalogEntry
from segmentation.reading import read_table

CANONICAL_HEADERS = "platform, handle, followers, engagement_rate, topics, audience_country"
_FIRST_DATA_ROW = 2
# The widths of the catalog's columns (bot/storage/tables_influencers.py).
MAX_HANDLE = 255
MAX_PLATFORM = 32
MAX_NAME = 255


@dataclass(frozen=True)
class RejectedRow:
    row: int
    reason: str


@dataclass(frozen=True)
class CatalogReading:
    entries: tuple[CatalogEntry, ...]
    rejected: tuple[RejectedRow, ...]
    columns: CatalogColumns
    rows: int


def read_catalog(
    data: bytes | BinaryIO, *, source_name: str | None = None, platform: str | None = None
) -> CatalogReading:
    """The creators in `data`; `platform` is used where the file has no platform column (or a blank cell),
    otherwise the platform its headers or `source_name` mention (`Influencer insta name`, `tiktok.csv`)."""
    frame = read_table(data)
    columns = recognise_columns([str(name) for name in frame.columns])
    missing = columns.missing()
    if missing:
        raise UnusableCatalogError(
            f"The file has no {' or '.join(missing)} column, so it cannot be a creator catalog; "
            f"use the headers {CANONICAL_HEADERS} (see `segbot influencers import --help`)."
        )
    default_platform = _default_platform(columns, frame, source_name, platform)
    return _rows(frame, columns, default_platform)


def _default_platform(
    columns: CatalogColumns, frame: pd.DataFrame, source_name: str | None, platform: str | None
) -> str | None:
    if platform:
        return normalize_platform(platform)
    hinted = [found for header in frame.columns if (found := platform_in(str(header)))]
    if hinted:
        return hinted[0]
    from_name = platform_in(source_name or "")
    if from_name:
        return from_name
    if columns.first("platform") is None:
        raise UnusableCatalogError(
            "The file has no platform column and its headers and name do not say which platform it lists; "
            "add a `platform` column or pass --platform (e.g. --platform instagram)."
        )
    return None


@dataclass(frozen=True)
class _Parsed:
    """Every field of every row, already parsed; `problems` holds per-column reasons (None = fine)."""

    handles: list[str | None]
    platforms: list[str | None]
    followers: np.ndarray
    engagement: np.ndarray
    countries: list[str | None]
    ages: list[str | None]
    female: np.ndarray
    topics: list[tuple[str, ...]]
    names: list[str | None]
    likes: np.ndarray
    views: np.ndarray
    price: np.ndarray
    problems: list[cells.Problems]

    def key(self, position: int) -> tuple[str, str]:
        return (self.platforms[position] or "", self.handles[position] or "")

    def reason(self, position: int) -> str | None:
        """Why the row cannot be imported, or None."""
        handle, platform = self.handles[position], self.platforms[position]
        followers = float(self.followers[position])
        if not handle:
            return "no handle"
        if len(handle) > MAX_HANDLE:
            return f"handle is longer than {MAX_HANDLE} characters"
        if not platform:
            return "no platform (fill the platform cell or pass --platform)"
        if len(platform) > MAX_PLATFORM:
            return f"platform {platform!r} is longer than {MAX_PLATFORM} characters"
        found = next((problems[position] for problems in self.problems if problems[position]), None)
        if found:
            return found
        if np.isnan(followers):
            return "no follower count"
        if followers < 0:
            return f"followers {followers:.0f} is negative"
        return None

    def entry(self, position: int) -> CatalogEntry:
        platform, handle = self.key(position)
        return CatalogEntry(
            platform=platform,
            handle=handle,
            name=_clipped(self.names[position], MAX_NAME),
            followers=int(self.followers[position]),
            engagement_rate=_optional_float(self.engagement[position]),
            topics=self.topics[position],
            audience_country=self.countries[position],
            audience_age=self.ages[position],
            audience_female_pct=_optional_float(self.female[position]),
            avg_likes=_optional_float(self.likes[position]),
            avg_views=_optional_float(self.views[position]),
            price=_optional_float(self.price[position]),
        )


def _rows(frame: pd.DataFrame, columns: CatalogColumns, default_platform: str | None) -> CatalogReading:
    parsed = _parse(frame, columns, default_platform)
    entries: list[CatalogEntry] = []
    rejected: list[RejectedRow] = []
    first_row: dict[tuple[str, str], int] = {}
    for position in range(len(frame)):
        row = position + _FIRST_DATA_ROW
        reason, key = parsed.reason(position), parsed.key(position)
        if reason is None and key in first_row:
            reason = f"repeats @{key[1]} on {key[0]} from row {first_row[key]}; the first one was kept"
        if reason is not None:
            rejected.append(RejectedRow(row=row, reason=reason))
            continue
        first_row[key] = row
        entries.append(parsed.entry(position))
    return CatalogReading(entries=tuple(entries), rejected=tuple(rejected), columns=columns, rows=len(frame))


def _parse(frame: pd.DataFrame, columns: CatalogColumns, default_platform: str | None) -> _Parsed:
    n_rows = len(frame)

    def column(field: str) -> pd.Series | None:
        name = columns.first(field)
        return None if name is None else frame[name]

    followers, follower_problems = cells.numbers(frame[columns.first("followers")], "followers")
    engagement, engagement_problems = _engagement(frame, columns, followers)
    countries, country_problems = _optional(column("audience_country"), cells.countries, n_rows)
    ages, age_problems = _optional(column("audience_age"), cells.age_bands, n_rows)
    female, female_problems = _optional_numbers(column("audience_female_pct"), cells.female_percents, n_rows)
    return _Parsed(
        handles=[normalize_handle(text) if text else None for text in cells.texts(frame[columns.first("handle")])],
        platforms=_platforms(column("platform"), default_platform, n_rows),
        followers=followers,
        engagement=engagement,
        countries=countries,
        ages=ages,
        female=female,
        topics=cells.topic_lists(frame, columns.found.get("topics", ())),
        names=_texts(column("name"), n_rows),
        likes=_quiet(column("avg_likes"), n_rows),
        views=_quiet(column("avg_views"), n_rows),
        price=_quiet(column("price"), n_rows),
        problems=[follower_problems, engagement_problems, country_problems, age_problems, female_problems],
    )


def _platforms(series: pd.Series | None, default: str | None, n_rows: int) -> list[str | None]:
    if series is None:
        return [default] * n_rows
    return [normalize_platform(text) if text else default for text in cells.texts(series)]


def _engagement(
    frame: pd.DataFrame, columns: CatalogColumns, followers: np.ndarray
) -> tuple[np.ndarray, cells.Problems]:
    """The engagement rate column, or else engagements per post (or likes + comments + shares) / followers."""
    rate_column = columns.first("engagement_rate")
    if rate_column is not None:
        return cells.rates(frame[rate_column], "engagement rate")
    fine: cells.Problems = [None] * len(frame)
    count_column = columns.first("engagements")
    if count_column is not None:
        per_post = cells.quiet_numbers(frame[count_column])
    else:
        parts = [cells.quiet_numbers(frame[name]) for field in ("avg_likes", "avg_comments", "avg_shares")
                 if (name := columns.first(field)) is not None]
        if not parts:
            return np.full(len(frame), np.nan), fine
        stacked = np.vstack(parts)
        per_post = np.where(np.isnan(stacked[0]), np.nan, np.nansum(stacked, axis=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(followers > 0, per_post / followers, np.nan), fine


def _optional(
    series: pd.Series | None, reader: Callable[[pd.Series], tuple[list[str | None], cells.Problems]], n_rows: int
) -> tuple[list[str | None], cells.Problems]:
    if series is None:
        return [None] * n_rows, [None] * n_rows
    return reader(series)


def _optional_numbers(
    series: pd.Series | None, reader: Callable[[pd.Series], tuple[np.ndarray, cells.Problems]], n_rows: int
) -> tuple[np.ndarray, cells.Problems]:
    if series is None:
        return np.full(n_rows, np.nan), [None] * n_rows
    return reader(series)


def _texts(series: pd.Series | None, n_rows: int) -> list[str | None]:
    return [None] * n_rows if series is None else cells.texts(series)


def _quiet(series: pd.Series | None, n_rows: int) -> np.ndarray:
    return np.full(n_rows, np.nan) if series is None else cells.quiet_numbers(series)


def _clipped(text: str | None, width: int) -> str | None:
    return text[:width] if text else None


def _optional_float(value: float) -> float | None:
    return None if np.isnan(value) else float(value)
