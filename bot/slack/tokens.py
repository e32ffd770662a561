"""The one place a workspace's bot token is chosen, for the web process and the workers alike.

One workspace: SLACK_BOT_TOKEN. With OAuth: the workspace's bot in the installation store; when the app uses
token rotation (the bot has a refresh token and an expiry), a token that expires within the next two hours
(Bolt's own margin) is refreshed with `oauth.v2.access` first and the new one stored, sealed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store import Bot, InstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine

from bot.errors import ConfigurationError, SegbotError
from bot.settings import Settings
from bot.slack.client import build_web_client
from bot.slack.oauth import installation_store, oauth_enabled

REFRESH_MINUTES_BEFORE_EXPIRY = 120


class TokenRefreshError(SegbotError):
    """Slack refused to refresh a workspace's rotating bot token."""


class BotTokens:
    """Looks up (and refreshes) the bot token for one workspace."""

    def __init__(
        self, settings: Settings, store: InstallationStore | None = None, rotator: TokenRotator | None = None
    ) -> None:
        self.settings = settings
        self.store = store
        self.rotator = rotator
        self._refreshing = threading.Lock()

    def bot_for(self, workspace_id: str | None, *, enterprise_id: str | None = None) -> Bot | None:
        """The installed bot of the workspace, with a token good for the next two hours; None when not installed."""
        if self.store is None:
            return None
        bot = self.store.find_bot(enterprise_id=enterprise_id, team_id=workspace_id)
        if bot is None or not bot.bot_token:
            return None
        if self.rotator is None or not bot.bot_refresh_token or bot.bot_token_expires_at is None:
            return bot
        with self._refreshing:
            # Another thread may have refreshed it while this one waited: read it again.
            bot = self.store.find_bot(enterprise_id=enterprise_id, team_id=workspace_id) or bot
            return self._refreshed(bot)

    def for_workspace(self, workspace_id: str) -> str:
        bot = self.bot_for(workspace_id)
        if bot is not None:
            return str(bot.bot_token)
        if self.settings.slack_bot_token:
            return self.settings.slack_bot_token
        raise ConfigurationError(
            f"Segbot has no bot token for workspace {workspace_id}; set SLACK_BOT_TOKEN or install the app there."
        )

    def _refreshed(self, bot: Bot) -> Bot:
        assert self.rotator is not None and self.store is not None
        try:
            fresh = self.rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=REFRESH_MINUTES_BEFORE_EXPIRY
            )
        except SlackTokenRotationError as error:
            reason = error.api_error.response.get("error", "an error")
            raise TokenRefreshError(
                f"Slack refused to refresh Segbot's token for workspace {bot.team_id} ({reason}); "
                "install the app in that workspace again."
            ) from error
        if fresh is None:
            return bot
        self.store.save_bot(fresh)
        return fresh


def bot_tokens(settings: Settings, engine: Engine) -> BotTokens:
    """The token selection every process uses: the installation store and a token rotator with OAuth."""
    if not oauth_enabled(settings):
        return BotTokens(settings)
    rotator = TokenRotator(
        client_id=settings.slack_client_id or "",
        client_secret=settings.slack_client_secret or "",
        client=build_web_client(settings),
    )
    return BotTokens(settings, installation_store(settings, engine), rotator)


def workspace_clients(settings: Settings, engine: Engine) -> Callable[[str], WebClient]:
    """A Web API client per workspace id, with that workspace's bot token (for digests and workers)."""
    tokens = bot_tokens(settings, engine)
    return lambda workspace_id: build_web_client(settings, tokens.for_workspace(workspace_id))
