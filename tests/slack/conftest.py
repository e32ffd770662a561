"""Fixtures for the Slack app: the local fake of Slack, and Segbot's real HTTP server wired to it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App
from sqlalchemy import Engine

from bot.queue.jobs import QUEUED, RUNNING
from bot.settings import Settings
from bot.slack.app import build_slack_runtime, create_app
from bot.slack.background import Background, start_background
from bot.slack.runtime import SlackRuntime
from bot.slack.server import ThreadingWSGIServer, make_http_server, serve_in_thread
from bot.storage.database import open_database
from tests.slack.fake_slack import FAKE_TOKEN, FakeSlack
from tests.slack.sender import SlackSender

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def make_settings(database_url: str, api_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": FAKE_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_APP_TOKEN": None,
        "SLACK_API_URL": api_url,
        "SLACK_CLIENT_ID": None,
        "SLACK_CLIENT_SECRET": None,
        "SLACK_STATE_SECRET": None,
        "SEGBOT_WORKERS": 2,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def wait_until(predicate: Callable[[], object], timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@dataclass
class RunningBot:
    """Segbot serving HTTP on a free port, with its workers, talking to `fake`."""

    fake: FakeSlack
    settings: Settings
    engine: Engine
    runtime: SlackRuntime
    app: App
    server: ThreadingWSGIServer
    background: Background
    sender: SlackSender

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def jobs_idle(self) -> bool:
        counts = self.runtime.jobs.counts()
        return counts.get(QUEUED, 0) == 0 and counts.get(RUNNING, 0) == 0

    def wait_for_jobs(self, count: int = 1, timeout: float = 30.0) -> dict[str, int]:
        """Wait until at least `count` jobs were queued and none is left to run; the counts by status."""
        wait_until(
            lambda: sum(self.runtime.jobs.counts().values()) >= count and self.jobs_idle(),
            timeout,
            f"{count} job(s) to finish",
        )
        return self.runtime.jobs.counts()


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()
    fake.assert_clean()  # nothing Slack would refuse, and no unescaped mention, reached the fake


def start_bot(fake: FakeSlack, database_url: str, engine: Engine, **overrides: Any) -> RunningBot:
    settings = make_settings(database_url, fake.api_url, **overrides)
    runtime = build_slack_runtime(settings, engine)
    app = create_app(settings, engine, runtime=runtime)
    server = make_http_server(app, engine, "127.0.0.1", 0, signing_secret=SIGNING_SECRET)
    serve_in_thread(server)
    background = start_background(settings, engine, runtime, workers=settings.workers, scheduler=False)
    sender = SlackSender(
        f"http://127.0.0.1:{server.server_port}/slack/events", SIGNING_SECRET, fake.response_url("command")
    )
    return RunningBot(fake, settings, engine, runtime, app, server, background, sender)


def stop_bot(bot: RunningBot) -> None:
    bot.background.stop()
    bot.server.shutdown()
    bot.server.server_close()


@pytest.fixture
def bot(fake_slack: FakeSlack, database_url: str, engine: Engine) -> Iterator[RunningBot]:
    """Segbot on SQLite and on PostgreSQL: for what depends on the database (dedupe, queue, runs)."""
    running = start_bot(fake_slack, database_url, engine)
    yield running
    stop_bot(running)


@pytest.fixture
def sqlite_bot(fake_slack: FakeSlack, tmp_path: Path) -> Iterator[RunningBot]:
    """Segbot on a fresh SQLite file: for behaviour that does not depend on the database."""
    url = f"sqlite:///{tmp_path / 'segbot.db'}"
    engine = open_database(url)
    running = start_bot(fake_slack, url, engine)
    yield running
    stop_bot(running)
    engine.dispose()


SAMPLE_AUDIENCE = Path(__file__).resolve().parents[2] / "bot" / "samples" / "sample_audience.csv"
SAMPLE_ROWS = 200


@pytest.fixture(scope="session")
def sample_csv() -> bytes:
    """The first rows of the built-in sample audience (a real, messy export)."""
    lines = SAMPLE_AUDIENCE.read_bytes().splitlines(keepends=True)
    return b"".join(lines[: SAMPLE_ROWS + 1])
