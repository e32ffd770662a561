"""The workspaces of the load benchmark: one Slack team each, installed through the OAuth installation store.

Every workspace has its own team id, its own bot token (stored sealed in slack_installations/slack_bots, as
Bolt's OAuth flow stores an install) and its own channel in the fake Slack, which accepts that token only for
that team's channel and files. The web process finds the token by the event envelope's team id, the workers by
the job's workspace id: a report posted with the wrong team's token is refused (`channel_not_found`), so it
would count as lost, never as delivered.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

from bot.slack.installations import EncryptedInstallationStore
from bot.slack.oauth import BOT_SCOPES
from bot.storage.token_secrets import TokenCipher
from tests.slack.fake_slack import FAKE_BOT_ID, FAKE_BOT_USER, FAKE_USER, FakeSlack

CLIENT_ID = "111.load"
CLIENT_SECRET = "load-client-secret"
INSTALL_TABLES = ("slack_bots", "slack_installations")


@dataclass(frozen=True)
class Workspace:
    """One installed team: its bot token (good only for its own conversations) and the channel it uploads in."""

    team_id: str
    token: str
    channel: str


def oauth_environment(secret_key: str) -> dict[str, str]:
    """The variables that put `segbot serve` and `segbot worker` in multi-workspace (OAuth) mode."""
    return {
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_STATE_SECRET": "load-state-secret",
        "SEGBOT_SECRET_KEY": secret_key,
    }


def install_workspaces(fake: FakeSlack, engine: sa.Engine, secret_key: str, phase: str, count: int) -> list[Workspace]:
    """`count` teams, each installed in the store (token sealed with `secret_key`) and known to the fake."""
    with engine.begin() as connection:
        for table in INSTALL_TABLES:
            connection.execute(sa.text(f"DELETE FROM {table}"))
    store = EncryptedInstallationStore(
        SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=engine), TokenCipher(secret_key)
    )
    workspaces = []
    for number in range(count):
        team = f"T{phase}{number:04d}"
        workspace = Workspace(team, f"xoxb-{team.lower()}-bot", f"C{phase}{number:04d}")
        fake.add_workspace(team, workspace.token)
        fake.world.add_channel(workspace.channel, f"audience-{number}", members=[FAKE_USER], team_id=team)
        store.save(
            Installation(
                app_id="A0APP",
                team_id=team,
                team_name=f"Load team {number}",
                bot_token=workspace.token,
                bot_id=FAKE_BOT_ID,
                bot_user_id=FAKE_BOT_USER,
                bot_scopes=list(BOT_SCOPES),
                user_id=FAKE_USER,
                installed_at=time.time(),
            )
        )
        workspaces.append(workspace)
    return workspaces


def cross_team_calls(fake: FakeSlack) -> int:
    """Web API calls that named a conversation of a team other than their token's (each one refused)."""
    count = 0
    for call in list(fake.calls):
        team = fake.tokens.team_of(call.token)
        for key in ("channel", "channel_id"):
            if fake.world.team_refusal(str(call.params.get(key) or ""), team) is not None:
                count += 1
    return count
