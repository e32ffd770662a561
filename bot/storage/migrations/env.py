"""Alembic environment: runs migrations on the connection `bot.storage.database.upgrade` hands over."""

from alembic import context
from sqlalchemy import create_engine

import bot.storage.tables  # noqa: F401  (registers every table on the metadata)
from bot.storage.metadata import metadata

config = context.config
target_metadata = metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///segbot.db")
    with engine.begin() as own_connection:
        context.configure(connection=own_connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
