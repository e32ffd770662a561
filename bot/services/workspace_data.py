"""A workspace's data over its life: deleted when Slack says the app is gone, old runs deleted after retention."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Protocol

from sqlalchemy import Engine

from bot.storage.purge import Deleted, delete_expired, purge_workspace

log = logging.getLogger(__name__)


class TokenStore(Protocol):
    """Where installations' tokens are kept: slack_sdk's InstallationStore (bot/slack/installations.py) is one."""

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        """Drop the installation rows of one user (or of the bot, with `user_id` None)."""


def forget_workspace(engine: Engine, workspace_id: str, *, reason: str) -> Deleted:
    """Delete every row of the workspace (runs, datasets, catalog, subscriptions, jobs, installs...)."""
    deleted = purge_workspace(engine, workspace_id)
    log.warning("deleted every row of workspace %s (%s): %s", workspace_id, reason, describe(deleted))
    return deleted


def forget_user_tokens(
    store: TokenStore, *, enterprise_id: str | None, team_id: str | None, user_ids: list[str]
) -> None:
    """A user revoked their own token: drop their installation rows; the bot and the workspace's data stay."""
    for user_id in user_ids:
        store.delete_installation(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)
    log.warning("deleted the user tokens of %s in workspace %s (revoked)", ", ".join(user_ids), team_id)


def apply_retention(engine: Engine, *, now: datetime, days: int) -> Deleted:
    """Delete what is older than `days` (SEGBOT_RETENTION_DAYS); 0 keeps everything."""
    if days <= 0:
        return Deleted()
    deleted = delete_expired(engine, now=now, days=days)
    if deleted:
        log.info("retention (%s days): deleted %s", days, describe(deleted))
    return deleted


def describe(deleted: Deleted) -> str:
    """`runs: 3, datasets: 1, ...` (most rows first); `nothing` when empty."""
    if not deleted:
        return "nothing"
    ordered = sorted(deleted.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{table}: {count}" for table, count in ordered)
