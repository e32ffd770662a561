"""Importing a creator export into a workspace's catalog (the CLI and the Slack form both call this)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import BinaryIO

from sqlalchemy import Engine

from bot.catalog.errors import UnusableCatalogError
from bot.catalog.outcome import CatalogImport
from bot.catalog.reading import CatalogReading, read_catalog
from bot.storage.influencers import InfluencerRepository
from segmentation.limits import ReadLimits
from segmentation.reading import DEFAULT_LIMITS


class NothingImportedError(UnusableCatalogError):
    """Every row of the file was rejected; `reading` says why, row by row."""

    def __init__(self, message: str, reading: CatalogReading) -> None:
        super().__init__(message)
        self.reading = reading


def import_catalog(
    engine: Engine,
    workspace_id: str,
    data: bytes | BinaryIO,
    file_name: str,
    *,
    platform: str | None = None,
    mapping: Mapping[str, str | None] | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> CatalogImport:
    """Read the creators in `data` and upsert them; `NothingImportedError` when no row could be read."""
    reading = read_catalog(data, source_name=file_name, platform=platform, mapping=mapping, limits=limits)
    if not reading.entries:
        first = f"; row {reading.rejected[0].row}: {reading.rejected[0].reason}" if reading.rejected else ""
        raise NothingImportedError(
            f"No row of {file_name} could be imported ({len(reading.rejected)} rejected{first}); "
            "fix the file and import it again.",
            reading,
        )
    repository = InfluencerRepository(engine)
    counts = repository.upsert(workspace_id, reading.entries, source=file_name)
    return CatalogImport(
        file_name=file_name,
        workspace_id=workspace_id,
        reading=reading,
        added=counts.added,
        updated=counts.updated,
        total=repository.count(workspace_id),
    )
