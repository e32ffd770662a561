"""The bot token for a workspace: SLACK_BOT_TOKEN for a single install, the installation store with OAuth."""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

from bot.errors import ConfigurationError
from bot.settings import Settings


class BotTokens:
    """Looks up the token the workers use to talk to one workspace."""

    def __init__(self, settings: Settings, store: SQLAlchemyInstallationStore | None = None) -> None:
        self.settings = settings
        self.store = store

    def for_workspace(self, workspace_id: str) -> str:
        if self.store is not None:
            bot = self.store.find_bot(enterprise_id=None, team_id=workspace_id)
            if bot is not None and bot.bot_token:
                return bot.bot_token
        if self.settings.slack_bot_token:
            return self.settings.slack_bot_token
        raise ConfigurationError(
            f"Segbot has no bot token for workspace {workspace_id}; set SLACK_BOT_TOKEN or install the app there."
        )
