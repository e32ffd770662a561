"""`segbot db upgrade`: apply the database migrations to DATABASE_URL."""

from __future__ import annotations

import argparse
from typing import Any

from bot.settings import load_settings
from bot.storage.database import create_database_engine, current_revision, upgrade


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("db", help="manage the database schema")
    db_commands = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade_parser = db_commands.add_parser("upgrade", help="apply every migration to DATABASE_URL")
    upgrade_parser.set_defaults(handler=run_upgrade)


def run_upgrade(_args: argparse.Namespace) -> int:
    engine = create_database_engine(load_settings().database_url)
    upgrade(engine)
    print(f"Database schema is at revision {current_revision(engine)}.")
    return 0
