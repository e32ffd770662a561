"""`--map field=Column` choices (CLI option and Slack form): parsed and checked against the file's headers.

`followers=Followers (K)` reads followers from that column (its header unit still applies); `country=` with
nothing after `=` reads no column for that field. A wrong field or column name gets one sentence with the
closest names ("did you mean").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from bot.catalog.errors import UnusableCatalogError
from bot.catalog.headers import SYNONYMS
from segmentation.near_names import closest_name

# Short names people type for a field, besides the field names themselves.
FIELD_ALIASES = {
    "country": "audience_country",
    "age": "audience_age",
    "female": "audience_female_pct",
    "female_pct": "audience_female_pct",
    "gender": "audience_gender",
    "engagement": "engagement_rate",
    "er": "engagement_rate",
    "topic": "topics",
    "category": "topics",
    "likes": "avg_likes",
    "views": "avg_views",
    "comments": "avg_comments",
    "shares": "avg_shares",
    "subscribers": "followers",
    "username": "handle",
}


class ColumnMappingError(UnusableCatalogError):
    """A `--map` choice names an unknown field or a column the file does not have."""


def parse_mapping(choices: Iterable[str]) -> dict[str, str | None]:
    """`["followers=Followers (K)", "country="]` -> `{"followers": "Followers (K)", "audience_country": None}`."""
    mapping: dict[str, str | None] = {}
    for choice in choices:
        text = choice.strip()
        if not text:
            continue
        if "=" not in text:
            raise ColumnMappingError(
                f'--map {text!r} needs the form field=Column, like --map followers="Followers (K)".'
            )
        name, column = (part.strip() for part in text.split("=", 1))
        field = _field(name)
        if field in mapping:
            raise ColumnMappingError(f"--map names {field} twice; keep one column for it.")
        mapping[field] = _unquoted(column) or None
    return mapping


def check_mapping(mapping: Mapping[str, str | None], headers: Sequence[str]) -> dict[str, str | None]:
    """The mapping with each column spelled as in the file (case and spaces forgiven); one sentence when a
    column is missing or given to two fields."""
    by_folded = {" ".join(header.split()).lower(): header for header in headers}
    checked: dict[str, str | None] = {}
    for field, column in mapping.items():
        if column is None:
            checked[field] = None
            continue
        found = by_folded.get(" ".join(column.split()).lower())
        if found is None:
            raise ColumnMappingError(
                f"--map {field}={column!r}: the file has no column {column!r}{_did_you_mean(column, headers)}."
            )
        if found in checked.values():
            raise ColumnMappingError(f"--map gives the column {found!r} to two fields; give each column one field.")
        checked[field] = found
    return checked


def _field(name: str) -> str:
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    field = key if key in SYNONYMS else FIELD_ALIASES.get(key)
    if field is None:
        known = sorted(SYNONYMS)
        raise ColumnMappingError(
            f"--map {name!r} is not a catalog field{_did_you_mean(key, [*known, *FIELD_ALIASES])}; "
            f"the fields are {', '.join(known)}."
        )
    return field


def _did_you_mean(text: str, choices: Sequence[str]) -> str:
    close = closest_name(text, choices)
    return f" (did you mean {close!r}?)" if close else ""


def _unquoted(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1].strip()
    return text
