"""The influencer catalog of each workspace: upserting imports, listing, and pins and blocks.

Every query is scoped to one workspace; imports upsert by (workspace, platform, handle) in one transaction,
so a failed import changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Row

from bot.catalog.errors import AmbiguousHandleError, UnknownCreatorError
from bot.catalog.names import normalize_handle, normalize_platform
from bot.storage.tables_influencers import influencer_choices, influencers
from bot.storage.workspaces import ensure_workspace
from segmentation.catalog_index import CatalogEntry
from segmentation.countries import country_code
from segmentation.near_names import closest_name
from segmentation.topics import interest_keys

Choice = Literal["pin", "block"]
_ENTRY_FIELDS = (
    "platform",
    "handle",
    "name",
    "followers",
    "engagement_rate",
    "audience_country",
    "audience_age",
    "audience_female_pct",
    "avg_likes",
    "avg_views",
    "price",
)
_BATCH = 5_000


@dataclass(frozen=True)
class UpsertCounts:
    added: int
    updated: int


@dataclass(frozen=True)
class StoredInfluencer:
    """A catalog row: the creator plus when and from where it was imported."""

    id: int
    entry: CatalogEntry
    source: str | None
    updated_at: datetime


@dataclass(frozen=True)
class Choices:
    """A workspace's pinned and blocked creators as (platform, handle) pairs."""

    pinned: frozenset[tuple[str, str]]
    blocked: frozenset[tuple[str, str]]


class InfluencerRepository:
    """Reads and writes one workspace's catalog, pins and blocks."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def upsert(self, workspace_id: str, entries: Sequence[CatalogEntry], *, source: str | None = None) -> UpsertCounts:
        """Add new creators and update known ones (same platform and handle), all in one transaction.

        An update never blanks what the catalog knows: a field the import leaves empty (no such column, or a
        blank cell) keeps its stored value, so a second export with other columns adds to the first.
        """
        now = datetime.now(UTC)
        with self.engine.begin() as connection:
            ensure_workspace(connection, workspace_id)
            existing = _ids_by_key(connection, workspace_id)
            new_rows: list[dict[str, Any]] = []
            # Updates grouped by which fields they set: one executemany per group.
            changed: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for entry in entries:
                values = {**_values(entry), "source": source, "updated_at": now}
                known = existing.get(entry.key)
                if known is None:
                    new_rows.append({**values, "workspace_id": workspace_id, "created_at": now})
                else:
                    known_values = _known(values)
                    changed.setdefault(tuple(known_values), []).append({**known_values, "row_id": known})
            for batch in _batches(new_rows):
                connection.execute(insert(influencers), batch)
            statement = update(influencers).where(influencers.c.id == bindparam("row_id"))
            for rows in changed.values():
                for batch in _batches(rows):
                    connection.execute(statement, batch)
        return UpsertCounts(added=len(new_rows), updated=sum(len(rows) for rows in changed.values()))

    def entries(self, workspace_id: str) -> list[CatalogEntry]:
        """The whole catalog, as matching reads it."""
        return [stored.entry for stored in self.list(workspace_id)]

    def list(
        self,
        workspace_id: str,
        *,
        topic: str | None = None,
        country: str | None = None,
        platform: str | None = None,
    ) -> list[StoredInfluencer]:
        """Creators by followers (largest first); `topic` matches synonyms ("gym" finds "Fitness & Gym")."""
        query = select(influencers).where(influencers.c.workspace_id == workspace_id)
        if country:
            query = query.where(influencers.c.audience_country == (country_code(country) or country.upper()))
        if platform:
            query = query.where(influencers.c.platform == normalize_platform(platform))
        query = query.order_by(
            influencers.c.followers.desc().nulls_last(), influencers.c.platform, influencers.c.handle
        )
        with self.engine.connect() as connection:
            stored = [_to_stored(row) for row in connection.execute(query)]
        if topic:
            wanted = interest_keys(topic)
            stored = [item for item in stored if _has_topic(item.entry, wanted)]
        return stored

    def count(self, workspace_id: str) -> int:
        with self.engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count()).select_from(influencers).where(influencers.c.workspace_id == workspace_id)
                ).scalar_one()
            )

    def resolve(self, workspace_id: str, handle: str, platform: str | None = None) -> tuple[str, str]:
        """The (platform, handle) a user means by `handle`; raises when unknown or on several platforms."""
        wanted = normalize_handle(handle)
        query = select(influencers.c.platform).where(
            influencers.c.workspace_id == workspace_id, influencers.c.handle == wanted
        )
        if platform:
            query = query.where(influencers.c.platform == normalize_platform(platform))
        with self.engine.connect() as connection:
            platforms = sorted(connection.execute(query).scalars())
        where = f" on {normalize_platform(platform)}" if platform else ""
        if not platforms:
            close = self._closest_handle(workspace_id, wanted, platform)
            hint = f"did you mean @{close}?" if close else "check `segbot influencers list`."
            raise UnknownCreatorError(f"No creator @{wanted}{where} in this workspace's catalog; {hint}")
        if len(platforms) > 1:
            raise AmbiguousHandleError(
                f"@{wanted} is in the catalog on {', '.join(platforms)}; add --platform to say which one."
            )
        return platforms[0], wanted

    def _closest_handle(self, workspace_id: str, handle: str, platform: str | None) -> str | None:
        """The workspace's handle (on `platform`, when given) most like a mistyped one; None when none is close."""
        query = select(influencers.c.handle).where(influencers.c.workspace_id == workspace_id).distinct()
        if platform:
            query = query.where(influencers.c.platform == normalize_platform(platform))
        with self.engine.connect() as connection:
            handles = sorted(connection.execute(query).scalars())
        return closest_name(handle, handles)

    def set_choice(self, workspace_id: str, key: tuple[str, str], choice: Choice) -> None:
        """Pin or block a creator (replacing an earlier pin or block of it)."""
        with self.engine.begin() as connection:
            ensure_workspace(connection, workspace_id)
            _delete_choice(connection, workspace_id, key)
            connection.execute(
                insert(influencer_choices).values(
                    workspace_id=workspace_id,
                    platform=key[0],
                    handle=key[1],
                    choice=choice,
                    created_at=datetime.now(UTC),
                )
            )

    def clear_choice(self, workspace_id: str, key: tuple[str, str], choice: Choice) -> bool:
        """Undo a pin or block; False when the creator was not pinned (or blocked)."""
        with self.engine.begin() as connection:
            removed = connection.execute(
                delete(influencer_choices).where(
                    influencer_choices.c.workspace_id == workspace_id,
                    influencer_choices.c.platform == key[0],
                    influencer_choices.c.handle == key[1],
                    influencer_choices.c.choice == choice,
                )
            )
        return bool(removed.rowcount)

    def choices(self, workspace_id: str) -> Choices:
        query = select(influencer_choices).where(influencer_choices.c.workspace_id == workspace_id)
        with self.engine.connect() as connection:
            rows = list(connection.execute(query))
        return Choices(
            pinned=frozenset((row.platform, row.handle) for row in rows if row.choice == "pin"),
            blocked=frozenset((row.platform, row.handle) for row in rows if row.choice == "block"),
        )


def _ids_by_key(connection: Connection, workspace_id: str) -> dict[tuple[str, str], int]:
    query = select(influencers.c.id, influencers.c.platform, influencers.c.handle).where(
        influencers.c.workspace_id == workspace_id
    )
    return {(row.platform, row.handle): row.id for row in connection.execute(query)}


def _delete_choice(connection: Connection, workspace_id: str, key: tuple[str, str]) -> None:
    connection.execute(
        delete(influencer_choices).where(
            influencer_choices.c.workspace_id == workspace_id,
            influencer_choices.c.platform == key[0],
            influencer_choices.c.handle == key[1],
        )
    )


def _values(entry: CatalogEntry) -> dict[str, Any]:
    values = {name: getattr(entry, name) for name in _ENTRY_FIELDS}
    values["topics"] = list(entry.topics)
    return values


def _known(values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value is not None and value != []}


def _batches(rows: list[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), _BATCH):
        yield rows[start : start + _BATCH]


def _has_topic(entry: CatalogEntry, wanted: frozenset[str]) -> bool:
    return any(interest_keys(topic) & wanted for topic in entry.topics)


def _to_stored(row: Row[Any]) -> StoredInfluencer:
    entry = CatalogEntry(**{name: getattr(row, name) for name in _ENTRY_FIELDS}, topics=tuple(row.topics or ()))
    updated_at = row.updated_at if row.updated_at.tzinfo else row.updated_at.replace(tzinfo=UTC)
    return StoredInfluencer(id=row.id, entry=entry, source=row.source, updated_at=updated_at)
