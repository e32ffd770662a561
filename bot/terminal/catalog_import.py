"""The import summary for the terminal: counts, every column read (as what) or ignored (why), rejected rows."""

from __future__ import annotations

from bot.catalog.outcome import CatalogImport
from bot.catalog.reading import CatalogReading


def import_lines(outcome: CatalogImport) -> list[str]:
    reading = outcome.reading
    lines = [
        f"Imported {outcome.file_name} into workspace {outcome.workspace_id}: {outcome.added} added, "
        f"{outcome.updated} updated, {len(reading.rejected)} rejected ({reading.rows} rows).",
        f"Workspace {outcome.workspace_id} now holds {outcome.total:,} creators.",
    ]
    if reading.platform and reading.columns.first("platform") is None:
        lines.append(f"Platform: {reading.platform} (the file has no platform column).")
    return lines + column_lines(reading) + rejection_lines(reading)


def column_lines(reading: CatalogReading) -> list[str]:
    read = [use for use in reading.uses if use.read]
    ignored = [use for use in reading.uses if not use.read]
    lines = ["Columns read:"] + [f"  {use.column} → {use.note}" for use in read]
    if ignored:
        lines += ["Columns ignored:"] + [f"  {use.column} — {use.note}" for use in ignored]
    return lines


def rejection_lines(reading: CatalogReading) -> list[str]:
    if not reading.rejected:
        return []
    return ["Rejected rows:"] + [f"  row {rejected.row}: {rejected.reason}" for rejected in reading.rejected]
