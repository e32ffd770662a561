"""`create_app` checks the bot token with Slack at once: a refused token or no route is one plain sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.errors import ConfigurationError
from bot.slack.app import create_app
from bot.storage.database import open_database
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import make_settings


def test_a_token_slack_refuses_is_a_configuration_error(fake_slack: FakeSlack, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/segbot.db"
    fake_slack.fail("auth.test", "invalid_auth")
    with pytest.raises(ConfigurationError, match=r"^Slack refused SLACK_BOT_TOKEN \(invalid_auth\); copy the Bot"):
        create_app(make_settings(url, fake_slack.api_url), open_database(url))


def test_an_unreachable_slack_is_a_configuration_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/segbot.db"
    api_url = "http://127.0.0.1:1/api/"
    with pytest.raises(ConfigurationError, match=r"^Could not reach Slack's Web API at http://127\.0\.0\.1:1/api/ \("):
        create_app(make_settings(url, api_url), open_database(url))


def test_a_worker_without_slack_credentials_stops_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/segbot.db")
    for name in ("SLACK_BOT_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    assert main(["worker"]) == 2
    assert capsys.readouterr().err.startswith("segbot: Segbot has no Slack credentials; set SLACK_BOT_TOKEN")
