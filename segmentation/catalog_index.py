"""Creator catalog entries, and the numpy arrays matching reads them through (built once per catalog)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from segmentation.age_bands import age_band
from segmentation.credibility import credibility_flags
from segmentation.result import AGE_BANDS
from segmentation.topics import interest_keys


@dataclass(frozen=True)
class CatalogEntry:
    """One creator as the catalog knows them.

    `followers` is None when the export left it blank (`n/a`, `-`); `engagement_rate` is a fraction (0.0139
    for 1.39%); `audience_country` an ISO alpha-2 code;
    `audience_age` a band of `AGE_BANDS` (e.g. "18-24"); `audience_female_pct` a percentage (0-100).
    """

    platform: str
    handle: str
    name: str | None = None
    followers: int | None = 0
    engagement_rate: float | None = None
    topics: tuple[str, ...] = ()
    audience_country: str | None = None
    audience_age: str | None = None
    audience_female_pct: float | None = None
    avg_likes: float | None = None
    avg_views: float | None = None
    price: float | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, self.handle)


@dataclass(frozen=True, eq=False)
class CatalogIndex:
    """A catalog as aligned arrays: one entry per creator, codes -1 where unknown."""

    entries: tuple[CatalogEntry, ...]
    followers: np.ndarray  # float64, NaN unknown
    engagement: np.ndarray  # float64 fraction, NaN unknown
    countries: np.ndarray  # int32 index into country_codes, -1 unknown
    country_codes: tuple[str, ...]
    ages: np.ndarray  # int32 index into AGE_BANDS, -1 unknown
    female: np.ndarray  # float64 fraction, NaN unknown
    interests: sparse.csr_matrix  # creators x interest_names, 1.0 where a topic means the interest
    interest_names: tuple[str, ...]
    has_topics: np.ndarray  # bool
    flags: np.ndarray  # uint8 bit mask from `credibility_flags`
    positions: dict[tuple[str, str], int]

    def __len__(self) -> int:
        return len(self.entries)


def build_catalog_index(catalog: Sequence[CatalogEntry]) -> CatalogIndex:
    """Arrays for `catalog`; the one pass over the entries that matching needs."""
    entries = tuple(catalog)
    followers = np.array(
        [np.nan if entry.followers is None else entry.followers for entry in entries], dtype=np.float64
    )
    engagement = np.array(
        [np.nan if entry.engagement_rate is None else entry.engagement_rate for entry in entries], dtype=np.float64
    )
    countries, country_codes = _codes([entry.audience_country for entry in entries])
    female = np.array(
        [np.nan if entry.audience_female_pct is None else entry.audience_female_pct / 100 for entry in entries],
        dtype=np.float64,
    )
    interests, interest_names = _interest_matrix([entry.topics for entry in entries])
    return CatalogIndex(
        entries=entries,
        followers=followers,
        engagement=engagement,
        countries=countries,
        country_codes=country_codes,
        ages=_age_codes([entry.audience_age for entry in entries]),
        female=female,
        interests=interests,
        interest_names=interest_names,
        has_topics=np.asarray(interests.getnnz(axis=1) > 0, dtype=bool),
        flags=credibility_flags(followers, engagement, countries >= 0, [entry.platform for entry in entries]),
        positions={entry.key: position for position, entry in enumerate(entries)},
    )


def _codes(values: list[str | None]) -> tuple[np.ndarray, tuple[str, ...]]:
    distinct = tuple(sorted({value for value in values if value}))
    lookup = {code: position for position, code in enumerate(distinct)}
    return np.array([lookup.get(value, -1) if value else -1 for value in values], dtype=np.int32), distinct


def _age_codes(values: list[str | None]) -> np.ndarray:
    lookup: dict[str, int] = {}
    for value in set(values):
        band = age_band(value) if value else None
        lookup[value or ""] = AGE_BANDS.index(band) if band else -1
    return np.array([lookup[value or ""] for value in values], dtype=np.int32)


def _interest_matrix(topic_lists: list[tuple[str, ...]]) -> tuple[sparse.csr_matrix, tuple[str, ...]]:
    columns: dict[str, int] = {}
    by_topics: dict[tuple[str, ...], list[int]] = {}
    indices: list[int] = []
    indptr = [0]
    for topics in topic_lists:
        found = by_topics.get(topics)
        if found is None:
            keys = sorted({key for topic in topics for key in interest_keys(topic)})
            found = by_topics[topics] = [columns.setdefault(key, len(columns)) for key in keys]
        indices.extend(found)
        indptr.append(len(indices))
    matrix = sparse.csr_matrix(
        (np.ones(len(indices), dtype=np.float64), np.array(indices, dtype=np.int32), np.array(indptr)),
        shape=(len(topic_lists), len(columns)),
    )
    return matrix, tuple(columns)
