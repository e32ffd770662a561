"""`segbot db upgrade` (apply the migrations) and `segbot db rekey` (re-encrypt stored secrets with the new key)."""

from __future__ import annotations

import argparse
from typing import Any

from bot.settings import load_settings
from bot.storage.database import create_database_engine, current_revision, open_database, upgrade
from bot.storage.rekey import rekey_secrets
from bot.storage.token_secrets import TokenCipher


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("db", help="manage the database schema and its encrypted secrets")
    db_commands = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade_parser = db_commands.add_parser("upgrade", help="apply every migration to DATABASE_URL")
    upgrade_parser.set_defaults(handler=run_upgrade)
    rekey_parser = db_commands.add_parser(
        "rekey", help="re-encrypt every stored token and source URL with the first key of SEGBOT_SECRET_KEY"
    )
    rekey_parser.set_defaults(handler=run_rekey)


def run_upgrade(_args: argparse.Namespace) -> int:
    settings = load_settings()
    engine = create_database_engine(settings.database_url)
    upgrade(engine, token_cipher=TokenCipher(settings.secret_key) if settings.secret_key else None)
    print(f"Database schema is at revision {current_revision(engine)}.")
    return 0


def run_rekey(_args: argparse.Namespace) -> int:
    settings = load_settings()
    report = rekey_secrets(open_database(settings.database_url), settings.secret_key)
    print(
        f"Re-encrypted {report.tokens} Slack token(s) and {report.sources} source URL(s) with the first key of "
        "SEGBOT_SECRET_KEY; older keys can now be removed from it."
    )
    return 0
