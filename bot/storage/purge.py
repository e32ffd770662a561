"""Deleting data: a whole workspace (uninstall, `segbot workspace purge`) or runs past the retention period.

Both walk the shared metadata instead of naming tables: a table belongs to a workspace through a scope column
(`workspace_id`, `team_id`, or `id` of `workspaces`) or through a foreign key to a table that does, so a table
added later is purged without anyone remembering to. Deleting a row first deletes every row whose foreign key
points at it (a `SET NULL` key is cleared instead), in the same transaction, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, Connection, Engine, ForeignKey, Table, and_, delete, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

import bot.storage.tables  # noqa: F401  (registers every table)
from bot.storage.metadata import metadata

SCOPE_COLUMNS = ("workspace_id", "team_id")
# Tables with no workspace in them at all, and why.
UNSCOPED = {"slack_oauth_states": "an OAuth state of an install in progress: a random value and its expiry"}
FINISHED_JOBS = ("done", "failed", "dead")
FINISHED_DELIVERIES = ("posted", "skipped", "failed")

Deleted = Counter[str]


def purge_workspace(engine: Engine, workspace_id: str, *, dry_run: bool = False) -> Deleted:
    """Delete every row of `workspace_id` in every table; the rows deleted per table (nothing, with dry_run)."""
    with engine.connect() as connection, connection.begin() as transaction:
        deleted: Deleted = Counter()
        for table in metadata.sorted_tables:
            where = workspace_condition(table, workspace_id)
            if where is not None:
                _delete(connection, table, where, deleted)
        if dry_run:
            transaction.rollback()
    return +deleted


def delete_expired(engine: Engine, *, now: datetime, days: int, dry_run: bool = False) -> Deleted:
    """Runs created more than `days` ago (with what hangs off them), and finished jobs, old event receipts,
    finished digest deliveries and expired OAuth states of the same age."""
    cutoff = now - timedelta(days=days)
    tables = metadata.tables
    runs, jobs = tables["runs"], tables["slack_jobs"]
    receipts, deliveries = tables["slack_event_receipts"], tables["digest_deliveries"]
    states = tables["slack_oauth_states"]
    with engine.connect() as connection, connection.begin() as transaction:
        deleted: Deleted = Counter()
        _delete(connection, runs, runs.c.created_at < cutoff, deleted)
        _delete(connection, jobs, and_(jobs.c.created_at < cutoff, jobs.c.status.in_(FINISHED_JOBS)), deleted)
        _delete(connection, receipts, receipts.c.received_at < cutoff, deleted)
        finished = and_(deliveries.c.created_at < cutoff, deliveries.c.status.in_(FINISHED_DELIVERIES))
        _delete(connection, deliveries, finished, deleted)
        # slack_sdk stores state expiries as naive UTC.
        _delete(connection, states, states.c.expire_at < now.astimezone(UTC).replace(tzinfo=None), deleted)
        if dry_run:
            transaction.rollback()
    return +deleted


def workspace_condition(table: Table, workspace_id: str) -> ColumnElement[bool] | None:
    """The rows of `table` that belong to the workspace by a column of their own; None when none says so."""
    if table.name == "workspaces":
        return table.c.id == workspace_id
    for name in SCOPE_COLUMNS:
        if name in table.c:
            condition: ColumnElement[bool] = table.c[name] == workspace_id
            if name == "team_id" and "enterprise_id" in table.c:
                # An organisation-wide install is stored with no team, under the organisation's id.
                condition = or_(condition, and_(table.c.team_id.is_(None), table.c.enterprise_id == workspace_id))
            return condition
    return None


def unscoped_tables() -> list[str]:
    """Tables that belong to no workspace, directly or through foreign keys, and are not declared in UNSCOPED."""
    reachable = {table.name for table in metadata.sorted_tables if workspace_condition(table, "") is not None}
    changed = True
    while changed:
        changed = False
        for table in metadata.sorted_tables:
            if table.name not in reachable and any(fk.column.table.name in reachable for fk in table.foreign_keys):
                reachable.add(table.name)
                changed = True
    return sorted(name for name in metadata.tables if name not in reachable and name not in UNSCOPED)


def _delete(connection: Connection, table: Table, where: ColumnElement[bool], deleted: Deleted) -> None:
    for child, fk in _references_to(table):
        referenced = select(fk.column).where(where)
        child_column: Column[object] = fk.parent
        if fk.ondelete == "SET NULL":
            connection.execute(update(child).where(child_column.in_(referenced)).values({child_column.name: None}))
        else:
            _delete(connection, child, child_column.in_(referenced), deleted)
    deleted[table.name] += connection.execute(delete(table).where(where)).rowcount


def _references_to(table: Table) -> list[tuple[Table, ForeignKey]]:
    return [
        (child, fk)
        for child in metadata.sorted_tables
        for fk in child.foreign_keys
        if fk.column.table is table and child is not table
    ]
