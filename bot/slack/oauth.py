"""Multi-workspace install: Bolt's OAuth flow backed by slack_sdk's SQLAlchemy stores on DATABASE_URL.

Those stores own their tables (`slack_installations`, `slack_bots`, `slack_oauth_states`) and create them
with `create_tables()` when the app starts in OAuth mode; Segbot's migrations do not manage them.
"""

from __future__ import annotations

from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine

from bot.settings import Settings

BOT_SCOPES = (
    "app_mentions:read",
    "channels:history",
    "chat:write",
    "commands",
    "files:read",
    "files:write",
    "groups:history",
    "im:history",
)
STATE_EXPIRATION_SECONDS = 600


def oauth_enabled(settings: Settings) -> bool:
    return bool(settings.slack_client_id and settings.slack_client_secret)


def installation_store(settings: Settings, engine: Engine) -> SQLAlchemyInstallationStore:
    store = SQLAlchemyInstallationStore(client_id=settings.slack_client_id or "", engine=engine)
    store.create_tables()
    return store


def build_oauth_settings(settings: Settings, engine: Engine) -> OAuthSettings:
    """Install at /slack/install, redirect to /slack/oauth_redirect (Bolt's defaults)."""
    state_store = SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine)
    state_store.create_tables()
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        installation_store=installation_store(settings, engine),
        state_store=state_store,
    )
