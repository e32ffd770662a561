"""Bolt's `authorize` step with OAuth: the request's workspace bot from `BotTokens` (refreshed when rotating)."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize

from bot.slack.tokens import BotTokens


class InstalledBotAuthorize(Authorize):
    """Answers Bolt with the same token the workers would use for the workspace."""

    def __init__(self, tokens: BotTokens) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # slack_bolt leaves it unannotated
        self.tokens = tokens

    def __call__(
        self,
        *,
        context: BoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **_actor: Any,
    ) -> AuthorizeResult | None:
        workspace = None if context.is_enterprise_install else team_id
        bot = self.tokens.bot_for(workspace, enterprise_id=enterprise_id)
        if bot is None:
            return None
        return AuthorizeResult(
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            bot_user_id=bot.bot_user_id,
            bot_id=bot.bot_id,
            bot_token=bot.bot_token,
            bot_scopes=bot.bot_scopes,
            user_id=user_id,
        )
