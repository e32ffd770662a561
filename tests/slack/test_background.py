"""What `segbot serve` and `segbot worker` start beside the server: workers, digest scheduler, retention sweep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from bot.cli import build_parser
from bot.slack.app import build_slack_runtime
from bot.slack.background import start_background
from bot.storage.tables_core import runs
from tests.slack.harness import make_settings, wait_until
from tests.storage.workspace_rows import populate


def test_scheduler_and_workers_start_and_stop(engine: Engine, database_url: str) -> None:
    settings = make_settings(database_url, "http://127.0.0.1:9/api/")
    runtime = build_slack_runtime(settings, engine)
    background = start_background(settings, engine, runtime, workers=2, scheduler=True)
    assert [thread.name for thread in background.threads] == ["segbot-scheduler", "segbot-retention"]
    assert len(background.pool.threads) == 2
    background.stop(timeout=5)
    assert not any(thread.is_alive() for thread in [*background.threads, *background.pool.threads])


def test_the_retention_sweep_deletes_old_runs_at_start(engine: Engine, database_url: str) -> None:
    populate(engine, "T0OLD", created_at=datetime.now(UTC) - timedelta(days=31))
    assert len(run_ids(engine)) == 1
    settings = make_settings(database_url, "http://127.0.0.1:9/api/", SEGBOT_RETENTION_DAYS=30)
    background = start_background(settings, engine, build_slack_runtime(settings, engine), workers=0, scheduler=True)
    try:
        wait_until(lambda: run_ids(engine) == [], 10, "the old run to be deleted")
    finally:
        background.stop(timeout=5)


def run_ids(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return list(connection.execute(select(runs.c.id)).scalars())


def test_retention_zero_keeps_everything(engine: Engine, database_url: str) -> None:
    settings = make_settings(database_url, "http://127.0.0.1:9/api/", SEGBOT_RETENTION_DAYS=0)
    background = start_background(settings, engine, build_slack_runtime(settings, engine), workers=0, scheduler=True)
    assert [thread.name for thread in background.threads] == ["segbot-scheduler"]
    background.stop(timeout=5)


def test_no_scheduler_starts_only_workers(engine: Engine, database_url: str) -> None:
    settings = make_settings(database_url, "http://127.0.0.1:9/api/")
    background = start_background(settings, engine, build_slack_runtime(settings, engine), workers=1, scheduler=False)
    assert background.threads == []
    background.stop(timeout=5)


def test_serve_and_worker_commands_parse_their_options() -> None:
    parser = build_parser()
    serve = parser.parse_args(["serve", "--port", "8080", "--host", "127.0.0.1", "--workers", "0", "--no-scheduler"])
    assert (serve.port, serve.host, serve.workers, serve.no_scheduler) == (8080, "127.0.0.1", 0, True)
    worker = parser.parse_args(["worker"])
    assert (worker.workers, worker.no_scheduler) == (None, False)
