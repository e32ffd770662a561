"""Workspaces: a Slack team id, or `local` for the command line. Everything else is scoped by one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from bot.storage.tables_core import runs, workspaces
from bot.storage.tables_slack_oauth import slack_bots


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


@dataclass(frozen=True)
class WorkspaceOverview:
    id: str
    name: str | None
    runs: int
    installed: bool


class WorkspaceRepository:
    """Reads workspace rows (they are created by `ensure_workspace` inside other writes)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def overview(self) -> list[WorkspaceOverview]:
        """Every workspace with a row, or with an install (OAuth): its name, number of runs, and whether installed."""
        with self.engine.connect() as connection:
            names = {row.id: row.name for row in connection.execute(select(workspaces.c.id, workspaces.c.name))}
            counts: dict[str, int] = {
                row.workspace_id: row.runs
                for row in connection.execute(
                    select(runs.c.workspace_id, func.count().label("runs")).group_by(runs.c.workspace_id)
                )
            }
            installed = {
                str(row.team_id): row.team_name
                for row in connection.execute(select(slack_bots.c.team_id, slack_bots.c.team_name))
                if row.team_id is not None
            }
        return [
            WorkspaceOverview(
                id=workspace_id,
                name=names.get(workspace_id) or installed.get(workspace_id),
                runs=int(counts.get(workspace_id, 0)),
                installed=workspace_id in installed,
            )
            for workspace_id in sorted(set(names) | set(installed))
        ]
