"""Bot tokens: sealed at rest, refreshed before use when Slack rotates them, in the web process and in workers.

Against the fake Slack, which refuses an expired token and answers refresh grants; on SQLite and PostgreSQL.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import Engine

from bot.slack.files import SharedFile
from bot.slack.jobs import SEGMENT_UPLOAD
from bot.slack.oauth import installation_store
from bot.slack.workflows.process_upload import UploadRequest
from bot.storage.token_secrets import TokenCipher
from tests.slack.fake_slack import FAKE_BOT_ID, FAKE_BOT_USER, FAKE_TEAM, Call, FakeSlack
from tests.slack.harness import RunningBot, every_stored_value, make_settings, start_bot, stop_bot

SECRET_KEY = Fernet.generate_key().decode()
OAUTH = {
    "SLACK_BOT_TOKEN": None,
    "SLACK_CLIENT_ID": "111.222",
    "SLACK_CLIENT_SECRET": "client-secret",
    "SEGBOT_SECRET_KEY": SECRET_KEY,
}


@pytest.fixture
def oauth_bot(fake_slack: FakeSlack, database_url: str, engine: Engine) -> Iterator[RunningBot]:
    running = start_bot(fake_slack, database_url, engine, **OAUTH)
    yield running
    stop_bot(running)


def issue(fake: FakeSlack, name: str, *, expires_in: float) -> tuple[str, str]:
    """A rotating bot token of the fake's team (expired when `expires_in` < 0) and its refresh token."""
    token, refresh = f"xoxe.xoxb-1-{name}", f"xoxe-1-{name}-refresh"
    fake.tokens.add(token, team_id=FAKE_TEAM, expires_in=expires_in, refresh_token=refresh)
    return token, refresh


def refreshes(fake: FakeSlack) -> list[Call]:
    return [call for call in fake.calls_to("oauth.v2.access") if call.params.get("grant_type") == "refresh_token"]


def usable(fake: FakeSlack, token: str) -> bool:
    return fake.tokens.refusal("chat.postMessage", token) is None


def installed(token: str, refresh: str, *, expires_at: float, team: str = FAKE_TEAM) -> Installation:
    return Installation(
        app_id="A0APP",
        team_id=team,
        team_name="Fake team",
        bot_token=token,
        bot_id=FAKE_BOT_ID,
        bot_user_id=FAKE_BOT_USER,
        bot_scopes="commands,chat:write,files:read,files:write",
        bot_refresh_token=refresh,
        bot_token_expires_at=int(expires_at),
        user_id="U0ADMIN",
        installed_at=time.time(),
    )


def stored_bot_token(engine: Engine) -> str:
    with engine.connect() as connection:
        return str(connection.execute(sa.text("SELECT bot_token FROM slack_bots")).scalar_one())


def test_a_worker_job_refreshes_an_expired_token_before_using_it(
    oauth_bot: RunningBot, fake_slack: FakeSlack, sample_csv: bytes
) -> None:
    expired, refresh = issue(fake_slack, "old", expires_in=-3600)
    assert oauth_bot.runtime.tokens.store is not None
    oauth_bot.runtime.tokens.store.save(installed(expired, refresh, expires_at=time.time() - 3600))
    file = fake_slack.add_file("audience.csv", sample_csv)
    request = UploadRequest(
        workspace_id=FAKE_TEAM, channel_id="C0CHAN", thread_ts="1.0", file=SharedFile.from_api(file)
    )

    oauth_bot.runtime.enqueue(FAKE_TEAM, SEGMENT_UPLOAD, request.to_payload())

    assert oauth_bot.wait_for_jobs(1) == {"done": 1}
    [grant] = refreshes(fake_slack)
    assert grant.params["refresh_token"] == refresh
    fresh = stored_token = TokenCipher(SECRET_KEY).unseal(stored_bot_token(oauth_bot.engine))
    assert stored_token != expired and usable(fake_slack, fresh)
    used = {call.token for call in fake_slack.calls if call.method not in ("oauth.v2.access", "file_upload")}
    assert used == {fresh}, "every call of the job used the refreshed token"
    assert fake_slack.calls_to("file_download") and fake_slack.calls_to("chat.postMessage")
    assert fresh not in every_stored_value(oauth_bot.engine)


def test_the_web_process_refreshes_an_expired_token_before_answering(
    oauth_bot: RunningBot, fake_slack: FakeSlack
) -> None:
    expired, refresh = issue(fake_slack, "old", expires_in=-60)
    assert oauth_bot.runtime.tokens.store is not None
    oauth_bot.runtime.tokens.store.save(installed(expired, refresh, expires_at=time.time() - 60))

    oauth_bot.sender.event(
        {"type": "app_mention", "channel": "C0CHAN", "user": "U0USER", "text": "<@U0BOT>", "ts": "5.0"}
    )

    [reply] = fake_slack.wait_for("chat.postMessage")
    assert reply.params["thread_ts"] == "5.0"
    assert len(refreshes(fake_slack)) == 1
    assert reply.token == TokenCipher(SECRET_KEY).unseal(stored_bot_token(oauth_bot.engine)) != expired


def test_a_token_far_from_expiry_is_used_as_it_is(oauth_bot: RunningBot, fake_slack: FakeSlack) -> None:
    token, refresh = issue(fake_slack, "current", expires_in=12 * 3600)
    assert oauth_bot.runtime.tokens.store is not None
    oauth_bot.runtime.tokens.store.save(installed(token, refresh, expires_at=time.time() + 12 * 3600))
    assert oauth_bot.runtime.tokens.for_workspace(FAKE_TEAM) == token
    assert refreshes(fake_slack) == []


def test_a_refused_refresh_is_one_sentence(oauth_bot: RunningBot, fake_slack: FakeSlack) -> None:
    expired, _ = issue(fake_slack, "old", expires_in=-60)
    assert oauth_bot.runtime.tokens.store is not None
    oauth_bot.runtime.tokens.store.save(installed(expired, "xoxe-1-unknown", expires_at=time.time() - 60))
    with pytest.raises(
        Exception,
        match=r"Slack refused to refresh Segbot's token for workspace T0FAKE "
        r"\(invalid_refresh_token\); install the app in that workspace again.",
    ):
        oauth_bot.runtime.tokens.for_workspace(FAKE_TEAM)


def test_plain_text_tokens_of_an_older_segbot_are_sealed_at_start(
    database_url: str, engine: Engine, fake_slack: FakeSlack
) -> None:
    token, refresh = issue(fake_slack, "current", expires_in=12 * 3600)
    row: dict[str, Any] = {
        "client_id": "111.222",
        "app_id": "A0APP",
        "team_id": FAKE_TEAM,
        "bot_token": token,
        "bot_id": FAKE_BOT_ID,
        "bot_user_id": FAKE_BOT_USER,
        "bot_refresh_token": refresh,
        "is_enterprise_install": False,
        "installed_at": sa.func.now(),
    }
    with engine.begin() as connection:
        connection.execute(sa.table("slack_bots", *map(sa.column, row)).insert().values(**row))
        connection.execute(
            sa.table("slack_installations", *map(sa.column, row), sa.column("user_id"))
            .insert()
            .values(**row, user_id="U0ADMIN")
        )
    assert token in every_stored_value(engine)

    store = installation_store(make_settings(database_url, fake_slack.api_url, **OAUTH), engine)

    dump = every_stored_value(engine)
    assert token not in dump and refresh not in dump
    bot = store.find_bot(enterprise_id=None, team_id=FAKE_TEAM)
    assert bot is not None and (bot.bot_token, bot.bot_refresh_token) == (token, refresh)
