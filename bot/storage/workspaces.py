"""Workspaces: a Slack team id, or `local` for the command line. Everything else is scoped by one."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from bot.storage.tables_core import workspaces

LOCAL_WORKSPACE = "local"


def ensure_workspace(connection: Connection, workspace_id: str, name: str | None = None) -> None:
    """Create the workspace row if it does not exist yet (inside the caller's transaction).

    Two jobs of a new workspace can get here at once: the insert gives way to the other's row."""
    exists = connection.execute(select(workspaces.c.id).where(workspaces.c.id == workspace_id)).first()
    if exists is not None:
        return
    values = {"id": workspace_id, "name": name, "created_at": datetime.now(UTC)}
    dialect = connection.dialect.name
    if dialect == "sqlite":
        connection.execute(sqlite.insert(workspaces).values(**values).on_conflict_do_nothing())
    elif dialect == "postgresql":
        connection.execute(postgresql.insert(workspaces).values(**values).on_conflict_do_nothing())
    else:
        connection.execute(insert(workspaces).values(**values))


class WorkspaceRepository:
    """Reads and creates workspace rows."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def ensure(self, workspace_id: str, name: str | None = None) -> None:
        with self.engine.begin() as connection:
            ensure_workspace(connection, workspace_id, name)

    def list_ids(self) -> list[str]:
        with self.engine.connect() as connection:
            return [row.id for row in connection.execute(select(workspaces.c.id).order_by(workspaces.c.id))]
