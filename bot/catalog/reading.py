"""Reading a creator export (canonical or real-world headers) into catalog entries and rejected rows.

`read_catalog(data, source_name=..., platform=...)` takes bytes or a binary file object. Every row becomes a
`CatalogEntry` or a `RejectedRow` with its row number as a spreadsheet shows it (the header is row 1) and the
reason. A file that cannot be a catalog at all raises `UnusableCatalogError` (or `UnreadableFileError`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import pandas as pd

from bot.catalog import cells
from bot.catalog.column_uses import ColumnUse, column_uses
from bot.catalog.errors import UnusableCatalogError
from bot.catalog.headers import CANONICAL_HEADERS, CatalogColumns, fold_header, recognise_columns
from bot.catalog.mapping import check_mapping
from bot.catalog.names import handle_from_cell, normalize_platform, platform_in
from segmentation.catalog_index import CatalogEntry
from segmentation.limits import ReadLimits
from segmentation.reading import DEFAULT_LIMITS, read_table

_FIRST_DATA_ROW = 2
# The widths of the catalog's columns (bot/storage/tables_influencers.py).
MAX_HANDLE = 255
MAX_PLATFORM = 32
MAX_NAME = 255
MAX_FOLLOWERS = 10**12
"""More followers than any account has (the largest have under 10**9): a typo or a hostile file."""


@dataclass(frozen=True)
class RejectedRow:
    row: int
    reason: str


@dataclass(frozen=True)
class CatalogReading:
    """What an import read: the creators, the rejected rows, and every column with what it was read as
    (`uses`, in file order; a use with `field=None` is a column that was ignored, with why)."""

    entries: tuple[CatalogEntry, ...]
    rejected: tuple[RejectedRow, ...]
    columns: CatalogColumns
    rows: int
    uses: tuple[ColumnUse, ...] = ()
    platform: str | None = None


def read_catalog(
    data: bytes | BinaryIO,
    *,
    source_name: str | None = None,
    platform: str | None = None,
    mapping: Mapping[str, str | None] | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> CatalogReading:
    """The creators in `data`; `platform` is used where the file has no platform column (or a blank cell),
    otherwise the platform its headers or `source_name` mention (`Influencer insta name`, `tiktok.csv`).
    `mapping` (field -> column, from `--map`) overrides the recognition of those fields;
    `limits` bounds what is read, as for audience files."""
    frame = read_table(data, limits=limits)
    headers = [str(name) for name in frame.columns]
    columns = recognise_columns(headers, check_mapping(mapping or {}, headers))
    missing = columns.missing()
    if missing:
        raise UnusableCatalogError(
            f"The file has no {' or '.join(missing)} column, so it cannot be a creator catalog; "
            f"use the headers {CANONICAL_HEADERS}, or say which column holds it with "
            f'--map {missing[0]}="Your column" (see `segbot influencers import --help`).'
        )
    default_platform = _default_platform(columns, frame, source_name, platform)
    return _rows(frame, columns, default_platform)


def _default_platform(
    columns: CatalogColumns, frame: pd.DataFrame, source_name: str | None, platform: str | None
) -> str | None:
    if platform:
        return normalize_platform(platform)
    hinted = [found for header in columns.found.get("handle", ()) if (found := platform_in(header))]
    hinted += [found for header in frame.columns if (found := platform_in(str(header)))]
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
    engagement_from: tuple[str, ...]
    engagement_is_rate: bool

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
        if followers < 0:
            return f"followers {followers:.0f} is negative"
        if followers > MAX_FOLLOWERS:  # NaN (a count left blank) is allowed
            return (
                f"followers {followers:.3g} is more than any account has"
                if np.isfinite(followers)
                else ("the follower count is more than any account has")
            )
        return None

    def entry(self, position: int) -> CatalogEntry:
        platform, handle = self.key(position)
        return CatalogEntry(
            platform=platform,
            handle=handle,
            name=_clipped(self.names[position], MAX_NAME),
            followers=_optional_count(self.followers[position]),
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
    first_data_row = _FIRST_DATA_ROW + int(frame.attrs.get("skip_lines", 0))  # report lines above the header
    for position in range(len(frame)):
        row = position + first_data_row
        reason, key = parsed.reason(position), parsed.key(position)
        if reason is None and key in first_row:
            reason = f"repeats @{key[1]} on {key[0]} from row {first_row[key]}; the first one was kept"
        if reason is not None:
            rejected.append(RejectedRow(row=row, reason=reason))
            continue
        first_row[key] = row
        entries.append(parsed.entry(position))
    return CatalogReading(
        entries=tuple(entries),
        rejected=tuple(rejected),
        columns=columns,
        rows=len(frame),
        uses=column_uses(columns, parsed.engagement_from, engagement_is_rate=parsed.engagement_is_rate),
        platform=default_platform,
    )


def _parse(frame: pd.DataFrame, columns: CatalogColumns, default_platform: str | None) -> _Parsed:
    n_rows = len(frame)

    def column(field: str) -> pd.Series | None:
        name = columns.first(field)
        return None if name is None else frame[name]

    followers, follower_problems = _counts(frame, columns, "followers")
    engagement, engagement_problems, engagement_from = _engagement(frame, columns, followers)
    is_rate = bool(engagement_from) and engagement_from[0] == _rate_column(frame, columns)
    countries, country_problems = _optional(column("audience_country"), cells.countries, n_rows)
    ages, age_problems = _optional(column("audience_age"), cells.age_bands, n_rows)
    if columns.first("audience_female_pct") is not None:
        female, female_problems = cells.female_percents(frame[columns.first("audience_female_pct")])
    else:
        female, female_problems = _optional_numbers(column("audience_gender"), cells.female_from_genders, n_rows)
    return _Parsed(
        handles=[handle_from_cell(text) if text else None for text in cells.texts(frame[columns.first("handle")])],
        platforms=_platforms(column("platform"), default_platform, n_rows),
        followers=followers,
        engagement=engagement,
        countries=countries,
        ages=ages,
        female=female,
        topics=cells.topic_lists(frame, columns.found.get("topics", ())),
        names=_texts(column("name"), n_rows),
        likes=_quiet(frame, columns, "avg_likes"),
        views=_quiet(frame, columns, "avg_views"),
        price=_quiet(frame, columns, "price"),
        problems=[follower_problems, engagement_problems, country_problems, age_problems, female_problems],
        engagement_from=engagement_from,
        engagement_is_rate=is_rate,
    )


def _platforms(series: pd.Series | None, default: str | None, n_rows: int) -> list[str | None]:
    if series is None:
        return [default] * n_rows
    return [normalize_platform(text) if text else default for text in cells.texts(series)]


def _counts(frame: pd.DataFrame, columns: CatalogColumns, field: str) -> tuple[np.ndarray, cells.Problems]:
    name = columns.first(field)
    assert name is not None
    unit = columns.unit(name)
    return cells.counts(frame[name], field, unit.factor if unit else 1.0)


def _rate_column(frame: pd.DataFrame, columns: CatalogColumns) -> str | None:
    """The engagement rate column, or an engagements column written in percent (`Avg. engagement`: `2.1%`)."""
    rate_column = columns.first("engagement_rate")
    count_column = columns.first("engagements")
    if rate_column is None and count_column is not None and cells.percent_signs(frame[count_column]) >= 0.5:
        return count_column
    return rate_column


def _engagement(
    frame: pd.DataFrame, columns: CatalogColumns, followers: np.ndarray
) -> tuple[np.ndarray, cells.Problems, tuple[str, ...]]:
    """The engagement rate column (or an engagements column written in percent), else engagements per post
    (or likes + comments + shares) / followers; with the columns it came from."""
    fine: cells.Problems = [None] * len(frame)
    rate_column = _rate_column(frame, columns)
    count_column = columns.first("engagements")
    if rate_column is not None:
        in_percent = "percent" in fold_header(rate_column).split()
        rates, problems = cells.rates(frame[rate_column], "engagement rate", in_percent=in_percent)
        return rates, problems, (rate_column,)
    if count_column is not None:
        per_post, used = _quiet(frame, columns, "engagements"), tuple([count_column])
    else:
        used = tuple(
            name for field in ("avg_likes", "avg_comments", "avg_shares") if (name := columns.first(field)) is not None
        )
        if not used:
            return np.full(len(frame), np.nan), fine, ()
        stacked = np.vstack(
            [
                _quiet(frame, columns, field)
                for field in ("avg_likes", "avg_comments", "avg_shares")
                if columns.first(field) is not None
            ]
        )
        per_post = np.where(np.isnan(stacked[0]), np.nan, np.nansum(stacked, axis=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(followers > 0, per_post / followers, np.nan), fine, used


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


def _quiet(frame: pd.DataFrame, columns: CatalogColumns, field: str) -> np.ndarray:
    name = columns.first(field)
    if name is None:
        return np.full(len(frame), np.nan)
    unit = columns.unit(name)
    return cells.quiet_numbers(frame[name], unit.factor if unit else 1.0)


def _clipped(text: str | None, width: int) -> str | None:
    return text[:width] if text else None


def _optional_count(value: float) -> int | None:
    """A blank follower cell (`n/a`, `-`, `—`) is an unknown count, not a reason to reject the creator."""
    return None if np.isnan(value) else round(float(value))


def _optional_float(value: float) -> float | None:
    return None if np.isnan(value) else float(value)
