"""The OAuth tables of slack_sdk's SQLAlchemy stores (installations, bots, states), managed by Segbot's migrations.

slack_sdk's `SQLAlchemyInstallationStore` and `SQLAlchemyOAuthStateStore` read and write these tables; their
columns are slack_sdk's, except that every token column is `Text`: the tokens are stored Fernet-encrypted
(`bot.storage.token_secrets`), which is longer than slack_sdk's `String(200)`.
"""

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String, Table, Text

from bot.storage.metadata import metadata

# One row per install (and per user who granted user scopes): the latest row of a team wins.
slack_installations = Table(
    "slack_installations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("enterprise_url", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", Text),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", Text),
    Column("bot_token_expires_at", DateTime),
    Column("user_id", String(32), nullable=False),
    Column("user_token", Text),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", Text),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", Text),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, default=False, nullable=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False),
)
Index(
    "slack_installations_idx",
    slack_installations.c.client_id,
    slack_installations.c.enterprise_id,
    slack_installations.c.team_id,
    slack_installations.c.user_id,
    slack_installations.c.installed_at,
)

# The bot of each install: where workers and the web process find a workspace's bot token.
slack_bots = Table(
    "slack_bots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", Text),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", Text),
    Column("bot_token_expires_at", DateTime),
    Column("is_enterprise_install", Boolean, default=False, nullable=False),
    Column("installed_at", DateTime, nullable=False),
)
Index(
    "slack_bots_idx",
    slack_bots.c.client_id,
    slack_bots.c.enterprise_id,
    slack_bots.c.team_id,
    slack_bots.c.installed_at,
)

# OAuth `state` values issued by /slack/install, each good once for a few minutes (no workspace yet).
slack_oauth_states = Table(
    "slack_oauth_states",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)
