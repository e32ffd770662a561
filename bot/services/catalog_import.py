"""Importing an influencer catalog file shared in Slack into the workspace's catalog."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.catalog.errors import UnusableCatalogError
from bot.catalog.reading import CatalogReading, read_catalog
from bot.storage.influencers import InfluencerRepository

REJECTIONS_SHOWN = 5


def import_catalog(engine: Engine, workspace_id: str, data: bytes, file_name: str) -> str:
    """Read and upsert the creators in `data`; one sentence (plus the first rejected rows) saying what happened."""
    reading = read_catalog(data, source_name=file_name)
    if not reading.entries:
        raise UnusableCatalogError(
            f"No row of {file_name} could be imported ({len(reading.rejected)} rejected"
            f"{_first_rejection(reading)}); fix the file and import it again."
        )
    counts = InfluencerRepository(engine).upsert(workspace_id, reading.entries, source=file_name)
    total = InfluencerRepository(engine).count(workspace_id)
    summary = (
        f"Imported {file_name}: {counts.added:,} creators added, {counts.updated:,} updated, "
        f"{len(reading.rejected):,} rows skipped; the catalog now holds {total:,} creators."
    )
    return summary + _rejections(reading)


def _first_rejection(reading: CatalogReading) -> str:
    if not reading.rejected:
        return ""
    first = reading.rejected[0]
    return f"; row {first.row}: {first.reason}"


def _rejections(reading: CatalogReading) -> str:
    lines = [f"\n• row {rejected.row}: {rejected.reason}" for rejected in reading.rejected[:REJECTIONS_SHOWN]]
    more = len(reading.rejected) - REJECTIONS_SHOWN
    return "".join(lines) + (f"\n…and {more:,} more." if more > 0 else "")
