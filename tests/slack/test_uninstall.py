"""Slack's uninstall signals through the real HTTP app: every row of the workspace goes, other workspaces stay.

On SQLite and PostgreSQL, single-workspace (SLACK_BOT_TOKEN) and OAuth installs.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import Engine, text

from bot.queue.jobs import Job
from bot.slack.jobs import SEGMENT_UPLOAD, job_handlers
from bot.storage.purge import UNSCOPED
from tests.slack.fake_slack import FAKE_BOT_ID, FAKE_BOT_USER, FAKE_TEAM, FakeSlack
from tests.slack.harness import RunningBot, start_bot, stop_bot, wait_until
from tests.storage.workspace_rows import populate, snapshot

OAUTH = {
    "SLACK_BOT_TOKEN": None,
    "SLACK_CLIENT_ID": "111.222",
    "SLACK_CLIENT_SECRET": "client-secret",
    "SEGBOT_SECRET_KEY": Fernet.generate_key().decode(),
}


@pytest.fixture
def oauth_bot(fake_slack: FakeSlack, database_url: str, engine: Engine) -> Iterator[RunningBot]:
    running = start_bot(fake_slack, database_url, engine, **OAUTH)
    yield running
    stop_bot(running)


def install(bot: RunningBot, user_id: str = "U0ADMIN") -> None:
    assert bot.runtime.tokens.store is not None
    bot.runtime.tokens.store.save(
        Installation(
            app_id="A0APP", team_id=FAKE_TEAM, bot_token=bot.fake.token, bot_id=FAKE_BOT_ID,
            bot_user_id=FAKE_BOT_USER, user_id=user_id, user_token=f"xoxp-{user_id}", installed_at=time.time(),
        )
    )  # fmt: skip


def workspace_gone(engine: Engine, expected: dict[str, list[tuple[str, ...]]]) -> bool:
    """Every table as in `expected` (the other workspace's rows only); OAuth states belong to no workspace."""
    now = snapshot(engine)
    return all(now[table] == rows for table, rows in expected.items() if table not in UNSCOPED)


def test_app_uninstalled_deletes_every_row_of_the_workspace(bot: RunningBot) -> None:
    populate(bot.engine, "T0OTHER")
    expected = snapshot(bot.engine)
    populate(bot.engine, FAKE_TEAM)

    assert bot.sender.event({"type": "app_uninstalled"}).status == 200

    wait_until(lambda: workspace_gone(bot.engine, expected), 10, "the workspace's rows to be deleted")


def test_tokens_revoked_for_the_bot_deletes_the_workspace_and_its_install(oauth_bot: RunningBot) -> None:
    populate(oauth_bot.engine, "T0OTHER")
    expected = snapshot(oauth_bot.engine)
    install(oauth_bot)
    populate(oauth_bot.engine, FAKE_TEAM)

    event = {"type": "tokens_revoked", "tokens": {"oauth": ["U0ADMIN"], "bot": [FAKE_BOT_USER]}}
    assert oauth_bot.sender.event(event).status == 200

    wait_until(lambda: workspace_gone(oauth_bot.engine, expected), 10, "the workspace's rows to be deleted")
    assert oauth_bot.runtime.tokens.bot_for(FAKE_TEAM) is None


def test_tokens_revoked_for_users_only_keeps_the_bot_and_the_data(oauth_bot: RunningBot) -> None:
    install(oauth_bot, "U0ADMIN")
    install(oauth_bot, "U0OTHER")
    populate(oauth_bot.engine, FAKE_TEAM)
    store = oauth_bot.runtime.tokens.store
    assert store is not None

    oauth_bot.sender.event({"type": "tokens_revoked", "tokens": {"oauth": ["U0OTHER"], "bot": []}})

    wait_until(
        lambda: store.find_installation(enterprise_id=None, team_id=FAKE_TEAM, user_id="U0OTHER") is None,
        10,
        "the user's installation to be deleted",
    )
    admin = store.find_installation(enterprise_id=None, team_id=FAKE_TEAM, user_id="U0ADMIN")
    assert admin is not None and admin.user_token == "xoxp-U0ADMIN"
    assert oauth_bot.runtime.tokens.for_workspace(FAKE_TEAM) == oauth_bot.fake.token
    assert len(snapshot(oauth_bot.engine)["runs"]) == 1


def test_a_job_ending_after_the_uninstall_purges_what_it_left(oauth_bot: RunningBot) -> None:
    """The run a job stored while the uninstall was being handled does not outlive the workspace."""
    populate(oauth_bot.engine, "T0OTHER")
    expected = snapshot(oauth_bot.engine)
    populate(oauth_bot.engine, FAKE_TEAM)  # as if stored by a job after the purge; there is no install
    with oauth_bot.engine.begin() as connection:
        for table in ("slack_bots", "slack_installations"):
            connection.execute(text(f"DELETE FROM {table} WHERE team_id = :team"), {"team": FAKE_TEAM})
    job = Job(id=1, workspace_id=FAKE_TEAM, kind=SEGMENT_UPLOAD, payload={"channel_id": "C0CHAN"}, attempts=1)

    with pytest.raises(Exception, match="no bot token for workspace T0FAKE"):
        job_handlers(oauth_bot.runtime)[SEGMENT_UPLOAD](job)

    assert workspace_gone(oauth_bot.engine, expected)
