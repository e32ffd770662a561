"""What `segbot serve` and `segbot worker` start beside the server: the worker pool and the digest scheduler."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.cli import build_parser
from bot.slack.app import build_slack_runtime
from bot.slack.background import start_background
from tests.slack.conftest import make_settings


def test_scheduler_and_workers_start_and_stop(engine: Engine, database_url: str) -> None:
    settings = make_settings(database_url, "http://127.0.0.1:9/api/")
    runtime = build_slack_runtime(settings, engine)
    background = start_background(settings, engine, runtime, workers=2, scheduler=True)
    assert [thread.name for thread in background.threads] == ["segbot-scheduler"]
    assert len(background.pool.threads) == 2
    background.stop(timeout=5)
    assert not any(thread.is_alive() for thread in [*background.threads, *background.pool.threads])


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
