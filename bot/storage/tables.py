"""Imports every table module so the shared metadata knows all tables (used by Alembic and tests)."""

from bot.storage import (  # noqa: F401
    tables_core,
    tables_digests,
    tables_influencers,
    tables_slack,
    tables_slack_oauth,
)
