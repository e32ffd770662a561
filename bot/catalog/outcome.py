"""What an import did, as the CLI and Slack summaries show it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalog.reading import CatalogReading


@dataclass(frozen=True)
class CatalogImport:
    """The file as read (every column and what it was read as, rejected rows) and the catalog's counts after."""

    file_name: str
    workspace_id: str
    reading: CatalogReading
    added: int
    updated: int
    total: int
