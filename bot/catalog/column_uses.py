"""What an import did with each column of the file: read as which field (and how), or ignored and why.

The import summary (CLI and Slack) lists every column from these, so nothing is dropped without a word.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalog.headers import FIELD_MEANINGS, SYNONYMS, CatalogColumns, fold_header

# Columns that only feed the engagement rate when the file has no engagement rate column.
_ENGAGEMENT_PARTS = frozenset({"engagements", "avg_comments", "avg_shares"})


@dataclass(frozen=True)
class ColumnUse:
    """One column of the file: `field` is what it was read as (None when ignored); `note` says how or why."""

    column: str
    field: str | None
    note: str

    @property
    def read(self) -> bool:
        return self.field is not None


def column_uses(
    columns: CatalogColumns, engagement_from: tuple[str, ...], *, engagement_is_rate: bool
) -> tuple[ColumnUse, ...]:
    """Every header of the file, in file order, with what the import read it as; `engagement_from` are the
    columns the engagement rate came from (`engagement_is_rate`: read as a rate, not as per-post counts)."""
    field_of = {column: field for field, names in columns.found.items() for column in names}
    return tuple(
        _read(column, field_of[column], columns, engagement_from, engagement_is_rate)
        if column in field_of
        else ColumnUse(column, None, _why_ignored(column, columns))
        for column in columns.headers
    )


def _read(
    column: str, field: str, columns: CatalogColumns, engagement_from: tuple[str, ...], engagement_is_rate: bool
) -> ColumnUse:
    mapped = " (set with --map)" if field in columns.mapped else ""
    if field in _ENGAGEMENT_PARTS and column not in engagement_from:
        source = " + ".join(engagement_from) or "another column"
        return ColumnUse(column, None, f"not needed: the engagement rate comes from {source}")
    female_column = columns.first("audience_female_pct")
    if field == "audience_gender" and female_column is not None:
        return ColumnUse(column, None, f"not needed: the audience female share comes from {female_column}")
    meaning = FIELD_MEANINGS[field]
    if field == "engagements" and engagement_is_rate:
        meaning = "engagement rate (the cells are percentages)"
    elif column in engagement_from and not engagement_is_rate:
        meaning += ", divided by followers for the engagement rate"
    elif field == "audience_gender":
        meaning = "audience female share (from the gender and its share; a gender without a share stays unknown)"
    unit = columns.unit(column)
    if unit is not None:
        meaning += f", in {unit.words} ({unit.example()})"
    return ColumnUse(column, field, meaning + mapped)


def _why_ignored(column: str, columns: CatalogColumns) -> str:
    folded = fold_header(column)
    for field, synonyms in SYNONYMS.items():
        if folded in synonyms and field in columns.mapped and columns.first(field) is None:
            return "left out by --map"
        if folded in synonyms and columns.first(field) is not None:
            meaning = FIELD_MEANINGS[field]
            return f"another {meaning} column; {meaning} comes from {columns.first(field)}"
    return "not a field Segbot reads (use --map to read it as one)"
