"""Fixtures for the Slack app: Segbot's real HTTP server wired to the local fake of Slack, on each database.

`fake_slack`, `sqlite_bot` and `sample_csv` are shared with the digests' tests (tests/conftest.py); the helpers
behind them are in tests/slack/harness.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import RunningBot, start_bot, stop_bot


@pytest.fixture
def bot(fake_slack: FakeSlack, database_url: str, engine: Engine) -> Iterator[RunningBot]:
    """Segbot on SQLite and on PostgreSQL: for what depends on the database (dedupe, queue, runs)."""
    running = start_bot(fake_slack, database_url, engine)
    yield running
    stop_bot(running)
