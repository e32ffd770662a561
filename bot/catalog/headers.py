"""Recognising what each column of a creator export holds, from canonical and real-world header names.

Canonical headers are `platform, handle, followers, engagement_rate, topics, audience_country` plus optional
`name, audience_age, audience_female_pct, avg_likes, avg_views, price`; exports from Instagram, TikTok and
YouTube ranking sites (`channel_info`, `Category_1`, `Audience country(mostly)`, `60_day_eng_rate`,
`Subscribers count`, `Eng. (Avg.)`) are recognised by the names they use.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Field -> folded header names, best first. A field takes the first column whose name is listed.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "platform": ("platform", "network", "social network", "social media", "channel type", "site", "app"),
    "handle": (
        "handle", "username", "user name", "user", "account", "account name", "channel info", "profile",
        "instagram handle", "tiktok handle", "youtube handle", "influencer insta name", "tiktoker name",
        "youtube channel", "channel handle", "channel id", "youtuber name", "creator handle", "influencer handle",
    ),
    "name": (
        "name", "display name", "full name", "creator name", "influencer name", "instagram name", "tiktok name",
        "channel name", "youtuber name", "title",
    ),
    "followers": (
        "followers", "follower count", "followers count", "number of followers", "followers numbers",
        "subscribers", "subscribers count", "subscriber count", "fans", "audience size", "reach",
    ),
    "engagement_rate": (
        "engagement rate", "engagement_rate", "eng rate", "er", "60 day eng rate", "engagement rate percent",
        "avg engagement rate", "average engagement rate", "engagement", "engagement percent",
    ),
    "engagements": (
        "engagement avg", "eng avg", "avg engagement", "average engagement", "engagements", "engagement avg values",
        "authentic engagement", "eng auth", "authentic engagement values",
    ),
    "topics": (
        "topics", "topic", "category", "categories", "category 1", "category 2", "category 3", "niche", "niches",
        "interests", "vertical", "verticals", "tags",
    ),
    "audience_country": (
        "audience country", "audience country mostly", "audience country top", "top audience country",
        "main audience country", "audience location", "audience geo", "country", "top country", "location",
    ),
    "audience_age": ("audience age", "audience age band", "top age band", "main audience age", "age band", "age"),
    "audience_female_pct": (
        "audience female pct", "audience female percent", "audience female", "female pct", "female percent",
        "female", "female share", "women", "audience women",
    ),
    "avg_likes": ("avg likes", "average likes", "likes avg", "likes per post", "avg likes values"),
    "avg_views": ("avg views", "average views", "views avg", "views per post", "avg views values"),
    "avg_comments": ("avg comments", "average comments", "comments avg"),
    "avg_shares": ("avg shares", "average shares", "shares avg"),
    "price": ("price", "price usd", "cost", "fee", "rate card", "price per post"),
}
# Fields that gather every matching column rather than the first one (`Category_1`, `Category_2`).
MULTI_COLUMN = frozenset({"topics"})
REQUIRED = ("handle", "followers")


@dataclass(frozen=True)
class CatalogColumns:
    """The column (or columns) each field is read from; a field missing from `found` is absent."""

    found: dict[str, tuple[str, ...]]

    def first(self, field: str) -> str | None:
        columns = self.found.get(field, ())
        return columns[0] if columns else None

    def missing(self) -> list[str]:
        return [field for field in REQUIRED if field not in self.found]


def fold_header(name: str) -> str:
    """`Audience country(mostly)` -> `audience country mostly`; `Subscribers count (2)` -> `subscribers count`."""
    without_repeat = re.sub(r"\s\(\d+\)$", "", name)
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", without_repeat)
    return " ".join(re.sub(r"[^a-z0-9%]+", " ", spaced.lower().replace("%", " percent ")).split())


def recognise_columns(headers: Sequence[str]) -> CatalogColumns:
    """Which column holds which field. Columns are claimed once, fields in the order of `SYNONYMS`; `name`
    stands for the handle only when another column holds the display name (`name`, `instagram name`)."""
    folded = {header: fold_header(header) for header in headers}
    taken: set[str] = set()
    found: dict[str, tuple[str, ...]] = {}
    for field, synonyms in SYNONYMS.items():
        columns = _columns_for(synonyms, headers, folded, taken, every=field in MULTI_COLUMN)
        if field == "handle" and not columns:
            columns = _name_as_handle(headers, folded)
        if columns:
            found[field] = columns
            taken.update(columns)
    return CatalogColumns(found=found)


def _columns_for(
    synonyms: tuple[str, ...], headers: Sequence[str], folded: dict[str, str], taken: set[str], *, every: bool
) -> tuple[str, ...]:
    matches = [header for synonym in synonyms for header in headers if folded[header] == synonym]
    unique = [header for header in dict.fromkeys(matches) if header not in taken]
    if every:
        return tuple(header for header in headers if header in unique)
    return tuple(unique[:1])


def _name_as_handle(headers: Sequence[str], folded: dict[str, str]) -> tuple[str, ...]:
    names = [header for header in headers if folded[header] == "name"]
    display = [header for header in headers if folded[header] in SYNONYMS["name"] and folded[header] != "name"]
    return tuple(names[:1]) if names and display else ()
