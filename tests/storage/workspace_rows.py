"""A row of one workspace in every table (`populate`) and every row of the database (`snapshot`).

`populate` must put a row in each table of the metadata: `test_workspace_purge` fails for a table it misses,
so a table added later is purged (and documented in docs/data-and-tokens.md) before it can hold data.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, insert, inspect, text

from bot.storage.metadata import metadata

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
T = metadata.tables


def add_row(connection: Connection, table: str, **values: Any) -> Any:
    """Insert one row; its primary key (the first column of it)."""
    return connection.execute(insert(T[table]).values(**values)).inserted_primary_key[0]


def populate(engine: Engine, team: str, *, created_at: datetime = NOW) -> dict[str, int]:
    """One row of `team` in every table (several through foreign keys), as Segbot's features write them."""
    ids: dict[str, int] = {}
    with engine.begin() as c:
        add_row(c, "workspaces", id=team, name=f"{team} inc", created_at=created_at)
        ids["run"] = add_row(
            c,
            "runs",
            workspace_id=team,
            dataset_name="newsletter",
            file_name="audience.csv",
            file_hash="ab" * 32,
            created_at=created_at,
            created_by="U1",
            channel_id="C1",
            thread_ts="1.0",
            source_file_id="F1",
            n_rows=200,
            k=3,
            stability=0.9,
            seed=0,
            profiles={"segments": []},
            column_roles=[],
            summary="3 segments",
        )
        add_row(
            c,
            "influencers",
            workspace_id=team,
            platform="instagram",
            handle=f"{team.lower()}_creator",
            name="A",
            followers=1000,
            topics=["fashion"],
            created_at=created_at,
            updated_at=created_at,
        )
        add_row(
            c,
            "influencer_choices",
            workspace_id=team,
            platform="instagram",
            handle="x",
            choice="pin",
            created_at=created_at,
        )
        add_row(
            c,
            "influencer_suggestions",
            run_id=ids["run"],
            workspace_id=team,
            segment_id=0,
            rank=1,
            platform="instagram",
            handle="x",
            score=0.5,
            reasons=["fits"],
            flags=[],
            pinned=0,
            created_at=created_at,
        )
        ids["dataset"] = add_row(c, "datasets", workspace_id=team, name="newsletter", created_at=created_at)
        add_row(
            c,
            "dataset_versions",
            dataset_id=ids["dataset"],
            version=1,
            run_id=ids["run"],
            origin="upload",
            created_at=created_at,
        )
        add_row(
            c,
            "dataset_sources",
            dataset_id=ids["dataset"],
            kind="url",
            secret="gAAAA-sealed",
            display="https://***",
            updated_at=created_at,
        )
        ids["subscription"] = add_row(
            c,
            "subscriptions",
            workspace_id=team,
            dataset_id=ids["dataset"],
            channel_id="C1",
            weekday=0,
            hour=9,
            minute=0,
            timezone="UTC",
            paused=False,
            created_at=created_at,
            created_by="U1",
        )
        add_row(
            c,
            "digest_deliveries",
            subscription_id=ids["subscription"],
            slot_at=created_at,
            status="posted",
            attempts=1,
            run_id=ids["run"],
            message_ts="2.0",
            created_at=created_at,
        )
        add_row(
            c,
            "channel_dataset_names",
            workspace_id=team,
            channel_id="C1",
            dataset_name="crm",
            set_by="U1",
            set_at=created_at,
        )
        add_row(c, "slack_event_receipts", key=f"event:{team}-Ev1", workspace_id=team, received_at=created_at)
        add_row(
            c,
            "slack_jobs",
            workspace_id=team,
            kind="segment_upload",
            payload={"file": {"name": "a.csv"}},
            status="done",
            attempts=1,
            created_at=created_at,
        )
        token = {
            "client_id": "111.222",
            "app_id": "A1",
            "team_id": team,
            "bot_token": "fernet:x",
            "bot_id": "B1",
            "bot_user_id": "U0BOT",
            "is_enterprise_install": False,
            "installed_at": created_at.replace(tzinfo=None),
        }
        add_row(c, "slack_installations", **token, user_id="U1")
        add_row(c, "slack_bots", **token)
        add_row(
            c,
            "slack_oauth_states",
            state=f"state-{team}",
            expire_at=(created_at + timedelta(minutes=10)).replace(tzinfo=None),
        )
    return ids


def snapshot(engine: Engine) -> dict[str, list[tuple[str, ...]]]:
    """Every row of every table in the database (not only those Segbot knows about), as sorted text tuples."""
    with engine.connect() as connection:
        names = [name for name in inspect(connection).get_table_names() if name != "alembic_version"]
        return {
            name: sorted(tuple(map(str, row)) for row in connection.execute(text(f'SELECT * FROM "{name}"')))
            for name in names
        }
