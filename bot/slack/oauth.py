"""Multi-workspace install: Bolt's OAuth flow backed by slack_sdk's SQLAlchemy stores on DATABASE_URL.

Their tables (`slack_installations`, `slack_bots`, `slack_oauth_states`) are created by Segbot's migrations
(`bot.storage.tables_slack_oauth`); tokens are sealed with SEGBOT_SECRET_KEY (`bot.slack.installations`).
With SLACK_STATE_SECRET set, every OAuth `state` also carries an HMAC, so a forged state is refused before
the database is asked.
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store import InstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine

from bot.settings import Settings
from bot.slack.installations import EncryptedInstallationStore
from bot.storage.token_secrets import TokenCipher, reseal_stored_tokens

log = logging.getLogger(__name__)

# The *:read scopes let Segbot ask Slack who is in a conversation before showing its runs (docs/privacy.md).
BOT_SCOPES = (
    "app_mentions:read",
    "channels:history",
    "channels:read",
    "chat:write",
    "commands",
    "files:read",
    "files:write",
    "groups:history",
    "groups:read",
    "im:history",
    "im:read",
    "mpim:read",
    "users:read",
)
STATE_EXPIRATION_SECONDS = 600


def oauth_enabled(settings: Settings) -> bool:
    return bool(settings.slack_client_id and settings.slack_client_secret)


def installation_store(settings: Settings, engine: Engine) -> EncryptedInstallationStore:
    """The store of installed workspaces; tokens an older Segbot left in plain text are sealed first."""
    cipher = TokenCipher(settings.secret_key)
    with engine.begin() as connection:
        sealed = reseal_stored_tokens(connection, cipher)
    if sealed.values:
        log.warning("encrypted %s Slack token(s) stored in plain text by an older Segbot", sealed.values)
    return EncryptedInstallationStore(
        SQLAlchemyInstallationStore(client_id=settings.slack_client_id or "", engine=engine), cipher
    )


class SignedOAuthStateStore(SQLAlchemyOAuthStateStore):
    """States kept in the database, each with an HMAC of SLACK_STATE_SECRET appended."""

    def __init__(self, secret: str, engine: Engine) -> None:
        super().__init__(expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine)
        self.secret = secret.encode()

    def issue(self, *args: object, **kwargs: object) -> str:
        state = super().issue(*args, **kwargs)
        return f"{state}.{self._mac(state)}"

    def consume(self, state: str) -> bool:
        raw, _, mac = state.rpartition(".")
        return bool(raw) and hmac.compare_digest(mac, self._mac(raw)) and super().consume(raw)

    def _mac(self, state: str) -> str:
        return hmac.new(self.secret, state.encode(), hashlib.sha256).hexdigest()[:32]


def build_oauth_settings(settings: Settings, engine: Engine, store: InstallationStore) -> OAuthSettings:
    """Install at /slack/install, redirect to /slack/oauth_redirect (Bolt's defaults)."""
    state_store = (
        SignedOAuthStateStore(settings.slack_state_secret, engine)
        if settings.slack_state_secret
        else SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine)
    )
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        installation_store=store,
        state_store=state_store,
    )
