"""Fixtures for digests: settings pointing at the fake Slack (`fake_slack`, `sqlite_bot`: tests/conftest.py)."""

from __future__ import annotations

import pytest

from bot.settings import Settings
from tests.digests.helpers import digest_settings
from tests.slack.fake_slack import FakeSlack


@pytest.fixture
def settings(database_url: str, fake_slack: FakeSlack) -> Settings:
    return digest_settings(database_url, fake_slack.api_url)
