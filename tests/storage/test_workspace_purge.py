"""Deleting a workspace's data (uninstall, `segbot workspace purge`) and old runs (retention).

The purge test walks every table of the database: `populate` (workspace_rows.py) must put a row of the workspace
in each one (a new table fails here until it is added), and after the purge every table holds exactly the rows
of the other workspace, as before.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select

from bot.storage.metadata import metadata
from bot.storage.purge import UNSCOPED, delete_expired, purge_workspace, unscoped_tables
from tests.storage.workspace_rows import NOW, T, add_row, populate, snapshot


def test_every_table_belongs_to_a_workspace_or_says_why_not() -> None:
    assert unscoped_tables() == []


def test_purge_leaves_no_row_of_the_workspace_and_every_row_of_the_others(engine: Engine) -> None:
    populate(engine, "T0KEEP")
    kept = snapshot(engine)
    assert set(kept) == set(metadata.tables), "the database has exactly the tables of the metadata"
    populate(engine, "T0GONE")
    full = snapshot(engine)
    missing = [name for name in metadata.tables if len(full[name]) <= len(kept[name])]
    assert missing == [], f"populate() puts no row of the workspace in {missing}: add them"

    deleted = purge_workspace(engine, "T0GONE")

    # Unscoped tables (OAuth states) hold nothing of a workspace and are left as they were.
    assert snapshot(engine) == {**kept, **{name: full[name] for name in UNSCOPED}}
    assert deleted["runs"] == 1 and deleted["dataset_versions"] == 1 and deleted["slack_bots"] == 1
    assert purge_workspace(engine, "T0GONE") == {}, "a second purge finds nothing"


def test_a_dry_run_counts_without_deleting(engine: Engine) -> None:
    populate(engine, "T0GONE")
    before = snapshot(engine)
    assert purge_workspace(engine, "T0GONE", dry_run=True)["runs"] == 1
    assert snapshot(engine) == before


def test_retention_removes_old_runs_and_what_hangs_off_them(engine: Engine) -> None:
    old = populate(engine, "T0OLD", created_at=NOW - timedelta(days=91))
    recent = populate(engine, "T0NEW", created_at=NOW - timedelta(days=89))
    with engine.begin() as connection:  # this week's digest of the old workspace still points at its old run
        add_row(
            connection,
            "digest_deliveries",
            subscription_id=old["subscription"],
            slot_at=NOW,
            status="posted",
            attempts=1,
            run_id=old["run"],
            created_at=NOW,
        )

    deleted = delete_expired(engine, now=NOW, days=90)

    assert deleted == {
        "runs": 1,
        "influencer_suggestions": 1,
        "dataset_versions": 1,
        "slack_jobs": 1,
        "slack_event_receipts": 1,
        "digest_deliveries": 1,
        "slack_oauth_states": 2,
    }
    with engine.connect() as connection:
        runs = connection.execute(select(T["runs"].c.id)).scalars().all()
        this_week = connection.execute(
            select(T["digest_deliveries"].c.run_id).where(T["digest_deliveries"].c.slot_at == NOW)
        ).scalar_one()
        datasets = connection.execute(select(T["datasets"].c.workspace_id)).scalars().all()
    assert runs == [recent["run"]]
    assert this_week is None, "the delivery stays, without its deleted run"
    assert sorted(datasets) == ["T0NEW", "T0OLD"], "datasets, sources and subscriptions stay"
