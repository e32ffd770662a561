"""Recognising what each column of a creator export holds, from canonical and real-world header names.

Canonical headers are `platform, handle, followers, engagement_rate, topics, audience_country` plus optional
`name, audience_age, audience_female_pct, avg_likes, avg_views, price`. Exports from agencies, creator tools
and ranking sites are recognised by the names they use: units in the header (`Followers (K)`, `Reach in
millions`), `ER %`, `Eng. rate`, `Top Audience Country/Age/Gender`, `% Female Audience`, `Audience location`,
platform-named columns (`Instagram Handle`, `TikTok username`, `YouTube channel`, `IG Followers`), and
`Category`, `Niche` or `Vertical` for topics. `recognise_columns(headers, overrides)` applies `--map` choices
first; the rest is recognised.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# The headers an export needs at least, as `segbot influencers import --help` and error messages name them.
CANONICAL_HEADERS = "platform, handle, followers, engagement_rate, topics, audience_country"

# Field -> folded header names, best first. A field takes the first column whose name is listed.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "platform": ("platform", "network", "social network", "social media", "site", "app"),
    "handle": (
        "handle",
        "username",
        "user name",
        "user",
        "account",
        "account name",
        "channel info",
        "profile",
        "instagram handle",
        "tiktok handle",
        "youtube handle",
        "influencer insta name",
        "tiktoker name",
        "youtube channel",
        "channel handle",
        "channel id",
        "youtuber name",
        "creator handle",
        "influencer handle",
        "instagram username",
        "tiktok username",
        "youtube username",
        "instagram account",
        "tiktok account",
        "profile url",
        "profile link",
        "channel url",
        "channel link",
        "url",
        "link",
        "social handle",
        "instagram",
        "tiktok",
        "youtube",
        "youtuber",
        "tiktoker",
        "instagrammer",
        "ig handle",
        "ig username",
        "ig account",
        "tt handle",
        "tt username",
        "yt channel",
        "yt handle",
    ),
    "name": (
        "name",
        "display name",
        "full name",
        "creator name",
        "influencer name",
        "instagram name",
        "tiktok name",
        "channel name",
        "youtuber name",
        "title",
        "creator",
        "influencer",
        "talent",
        "talent name",
    ),
    "followers": (
        "followers",
        "follower count",
        "followers count",
        "number of followers",
        "followers numbers",
        "subscribers",
        "subscribers count",
        "subscriber count",
        "fans",
        "audience size",
        "reach",
        "total followers",
        "followers number",
        "followers total",
        "total audience",
        "follower",
    ),
    "engagement_rate": (
        "engagement rate",
        "engagement_rate",
        "eng rate",
        "er",
        "60 day eng rate",
        "engagement rate percent",
        "avg engagement rate",
        "average engagement rate",
        "engagement",
        "engagement percent",
        "er percent",
        "eng rate percent",
        "eng percent",
        "er avg",
        "avg er",
        "average er",
        "engagement rate avg",
    ),
    "engagements": (
        "engagement avg",
        "eng avg",
        "avg engagement",
        "average engagement",
        "engagements",
        "engagement avg values",
        "authentic engagement",
        "eng auth",
        "authentic engagement values",
        "avg engagements",
        "engagements per post",
        "average engagements",
    ),
    "topics": (
        "topics",
        "topic",
        "category",
        "categories",
        "category 1",
        "category 2",
        "category 3",
        "niche",
        "niches",
        "interests",
        "vertical",
        "verticals",
        "tags",
        "content category",
        "primary category",
        "main category",
        "secondary category",
        "main niche",
        "content niche",
        "genre",
    ),
    "audience_country": (
        "audience country",
        "audience country mostly",
        "audience country top",
        "top audience country",
        "main audience country",
        "audience location",
        "audience geo",
        "country",
        "top country",
        "location",
        "top audience location",
        "audience top country",
        "top location",
        "main audience location",
        "audience location top",
        "top audience geo",
        "audience country 1",
    ),
    "audience_age": (
        "audience age",
        "audience age band",
        "top age band",
        "main audience age",
        "age band",
        "age",
        "top audience age",
        "audience top age",
        "top age group",
        "audience age group",
        "main age group",
        "audience age range",
        "age group",
        "age range",
        "top audience age group",
    ),
    "audience_female_pct": (
        "audience female pct",
        "audience female percent",
        "audience female",
        "female pct",
        "female percent",
        "female",
        "female share",
        "women",
        "audience women",
        "percent female audience",
        "percent female",
        "female audience percent",
        "female audience",
        "percent women",
        "women percent",
        "audience female share",
        "percent audience female",
        "audience percent female",
    ),
    # "Female", "Male 60%" or "F" per row: read into audience_female_pct when no share column exists.
    "audience_gender": (
        "top audience gender",
        "audience gender",
        "main audience gender",
        "audience top gender",
        "top gender",
        "gender split",
        "audience gender split",
        "main gender",
    ),
    "avg_likes": ("avg likes", "average likes", "likes avg", "likes per post", "avg likes values"),
    "avg_views": ("avg views", "average views", "views avg", "views per post", "avg views values"),
    "avg_comments": ("avg comments", "average comments", "comments avg"),
    "avg_shares": ("avg shares", "average shares", "shares avg"),
    "price": (
        "price",
        "price usd",
        "cost",
        "fee",
        "rate card",
        "rate card usd",
        "price per post",
        "fee usd",
        "cost usd",
    ),
}
# Fields that gather every matching column rather than the first one (`Category_1`, `Category_2`).
MULTI_COLUMN = frozenset({"topics"})
REQUIRED = ("handle", "followers")
# Columns whose values carry a header unit (`Followers (K)`: 1,250 is 1,250,000).
COUNT_FIELDS = frozenset({"followers", "engagements", "avg_likes", "avg_views", "avg_comments", "avg_shares"})
# What each field means, for the import summary and `--map` help.
FIELD_MEANINGS: dict[str, str] = {
    "platform": "platform",
    "handle": "handle",
    "name": "display name",
    "followers": "followers",
    "engagement_rate": "engagement rate",
    "engagements": "engagements per post",
    "topics": "topics",
    "audience_country": "audience country",
    "audience_age": "audience age",
    "audience_female_pct": "audience female share",
    "audience_gender": "audience gender",
    "avg_likes": "average likes",
    "avg_views": "average views",
    "avg_comments": "average comments",
    "avg_shares": "average shares",
    "price": "price",
}

_UNITS: tuple[tuple[str, float, str], ...] = (
    (r"\(\s*(?:k|000s?|'000s?|thousands?)\s*\)|\bin (?:the )?thousands?\b|\bin k\b|\b'?000s\b", 1e3, "thousands"),
    (r"\(\s*(?:m|mm|mn|mio|millions?)\s*\)|\bin (?:the )?millions?\b|\bin m\b", 1e6, "millions"),
    (r"\(\s*(?:b|bn|billions?)\s*\)|\bin (?:the )?billions?\b", 1e9, "billions"),
)
_PLATFORM_WORDS = re.compile(
    r"^(?:instagram|insta|ig|tiktok|tik tok|tt|youtube|yt)\s+|\s+(?:instagram|tiktok|youtube)$"
)


@dataclass(frozen=True)
class HeaderUnit:
    """A multiplier named in a header: `Followers (K)` -> 1,000 ("thousands")."""

    factor: float
    words: str

    def example(self) -> str:
        """`1,250 is read as 1,250,000` (thousands) or `1.2 is read as 1,200,000` (millions)."""
        shown = 1250 if self.factor == 1e3 else 1.2
        return f"{shown:,g} is read as {shown * self.factor:,.0f}"


@dataclass(frozen=True)
class CatalogColumns:
    """The column (or columns) each field is read from; a field missing from `found` is absent.

    `units` holds the header unit of count columns that name one; `mapped` the fields set by `--map`.
    """

    found: dict[str, tuple[str, ...]]
    headers: tuple[str, ...] = ()
    units: dict[str, HeaderUnit] | None = None
    mapped: frozenset[str] = frozenset()

    def first(self, field: str) -> str | None:
        columns = self.found.get(field, ())
        return columns[0] if columns else None

    def missing(self) -> list[str]:
        return [field for field in REQUIRED if field not in self.found]

    def unit(self, column: str) -> HeaderUnit | None:
        return (self.units or {}).get(column)

    def ignored(self) -> tuple[str, ...]:
        """Headers no field reads, in file order."""
        taken = {column for columns in self.found.values() for column in columns}
        return tuple(header for header in self.headers if header not in taken)


def header_unit(name: str) -> HeaderUnit | None:
    """`Followers (K)` -> thousands, `Subscribers in millions` -> millions; None without a unit."""
    lowered = name.lower()
    for pattern, factor, words in _UNITS:
        if re.search(pattern, lowered):
            return HeaderUnit(factor=factor, words=words)
    return None


def fold_header(name: str) -> str:
    """`Audience country(mostly)` -> `audience country mostly`; `Subscribers count (2)` -> `subscribers count`;
    `Followers (K)` -> `followers`; `ER %` -> `er percent`."""
    without_repeat = re.sub(r"\s\(\d+\)$", "", name)
    without_unit = without_repeat
    for pattern, _, _ in _UNITS:
        without_unit = re.sub(pattern, " ", without_unit, flags=re.IGNORECASE)
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", without_unit)
    folded = " ".join(re.sub(r"[^a-z0-9%]+", " ", spaced.lower().replace("%", " percent ")).split())
    return re.sub(r"\b(you) (tube)|\b(tik) (tok)|\b(linked) (in)\b", _joined, folded)


def _joined(found: re.Match[str]) -> str:
    """`you tube` -> `youtube`: brand names that camel-case splitting cut in two."""
    return "".join(part for part in found.groups() if part)


def recognise_columns(headers: Sequence[str], overrides: Mapping[str, str | None] | None = None) -> CatalogColumns:
    """Which column holds which field. `overrides` (from `--map`, already checked) come first: a field mapped
    to None has no column. Other columns are claimed once, fields in the order of `SYNONYMS`, exact names
    before names with a platform word (`IG Followers`); `name` stands for the handle only when another column
    holds the display name (`name`, `instagram name`)."""
    overrides = dict(overrides or {})
    folded = {header: fold_header(header) for header in headers}
    # Second and third tries: without a platform word (`IG Followers`), without a share (`Audience Country (%)`).
    stripped = {header: _PLATFORM_WORDS.sub("", text) for header, text in folded.items()}
    unshared = {header: re.sub(r"\s*\bpercent$", "", text) for header, text in stripped.items()}
    taken: set[str] = {column for column in overrides.values() if column}
    found: dict[str, tuple[str, ...]] = {field: (column,) for field, column in overrides.items() if column}
    for field, synonyms in SYNONYMS.items():
        if field in overrides:
            continue
        columns = _columns_for(synonyms, headers, folded, taken, every=field in MULTI_COLUMN)
        for variant in (stripped, unshared) if field != "name" else ():
            if not columns:
                columns = _columns_for(synonyms, headers, variant, taken, every=field in MULTI_COLUMN)
        if field == "handle" and not columns:
            columns = _name_as_handle(headers, folded, taken)
        if columns:
            found[field] = columns
            taken.update(columns)
    units = {
        column: unit
        for field, columns in found.items()
        if field in COUNT_FIELDS
        for column in columns
        if (unit := header_unit(column)) is not None
    }
    return CatalogColumns(found=found, headers=tuple(headers), units=units, mapped=frozenset(overrides))


def _columns_for(
    synonyms: tuple[str, ...], headers: Sequence[str], folded: dict[str, str], taken: set[str], *, every: bool
) -> tuple[str, ...]:
    matches = [header for synonym in synonyms for header in headers if folded[header] == synonym]
    unique = [header for header in dict.fromkeys(matches) if header not in taken]
    if every:
        return tuple(header for header in headers if header in unique)
    return tuple(unique[:1])


def _name_as_handle(headers: Sequence[str], folded: dict[str, str], taken: set[str]) -> tuple[str, ...]:
    names = [header for header in headers if folded[header] == "name" and header not in taken]
    display = [header for header in headers if folded[header] in SYNONYMS["name"] and folded[header] != "name"]
    return tuple(names[:1]) if names and display else ()
