"""Segbot's real HTTP server and workers wired to the local fake of Slack: settings, start/stop, waiting.

Used by the Slack app's and the digests' tests (fixtures in tests/conftest.py and tests/slack/conftest.py) and by
benchmarks/bench_slack.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from slack_bolt import App
from sqlalchemy import Engine, inspect

from bot.queue.jobs import QUEUED, RUNNING
from bot.settings import Settings
from bot.slack.app import build_slack_runtime, create_app
from bot.slack.background import Background, start_background
from bot.slack.once import REPORT_EVENT
from bot.slack.runtime import SlackRuntime
from bot.slack.server import ThreadingWSGIServer, make_http_server, serve_in_thread
from tests.slack.fake_slack import FAKE_TOKEN, PATIENCE, FakeSlack
from tests.slack.sender import SlackSender

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_AUDIENCE = PROJECT_ROOT / "bot" / "samples" / "sample_audience.csv"
SAMPLE_ROWS = 200


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
    """Return once `predicate()` is true; AssertionError after `timeout` seconds (x PATIENCE)."""
    timeout *= PATIENCE
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


def worker_process(bot: RunningBot, heartbeat: Path, *, threads: int = 1, **extra: str) -> subprocess.Popen[bytes]:
    """A `segbot worker` process sharing `bot`'s database, broker (if any) and fake Slack (`extra`: more settings,
    or other values)."""
    env = {
        **os.environ,
        "DATABASE_URL": bot.settings.database_url,
        "SLACK_BOT_TOKEN": FAKE_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": bot.fake.api_url,
        "SEGBOT_WORKERS": str(threads),
        "SEGBOT_HEARTBEAT_FILE": str(heartbeat),
        "SEGBOT_BROKER_URL": bot.settings.broker_url or "",
        "SEGBOT_BROKER_QUEUE": bot.settings.broker_queue,
        "SEGBOT_JOB_LEASE": str(bot.settings.job_lease_seconds),
        **extra,
    }
    env.pop("SLACK_APP_TOKEN", None)
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "worker", "--no-scheduler"],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def report_messages(fake: FakeSlack) -> list[dict[str, Any]]:
    """The segment reports in Slack's conversations (messages with Segbot's report metadata), as users see them."""
    kept = fake.kept_messages()
    return [message for message in kept if (message.get("metadata") or {}).get("event_type") == REPORT_EVENT]


def sample_rows(rows: int = SAMPLE_ROWS) -> bytes:
    """The first rows of the built-in sample audience (a real, messy export), as an upload's bytes."""
    lines = SAMPLE_AUDIENCE.read_bytes().splitlines(keepends=True)
    return b"".join(lines[: rows + 1])


def every_stored_value(engine: Engine) -> str:
    """Every value of every row of every table in the database, as one text (what a database dump shows)."""
    values = []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(sa.text(f'SELECT * FROM "{table}"')):
                values.extend(str(value) for value in row)
    return "\n".join(values)


def http_get(url: str) -> tuple[int, str]:
    """The status and text of a GET of `url` (an HTTP error's too)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
