"""`segbot db upgrade` (migrations), `segbot db rekey` (re-encrypt stored secrets with the new key) and
`segbot db prune` (delete what is older than SEGBOT_RETENTION_DAYS)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("db", help="manage the database schema and its encrypted secrets")
    db_commands = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade_parser = db_commands.add_parser("upgrade", help="apply every migration to DATABASE_URL")
    upgrade_parser.set_defaults(handler=run_upgrade)
    rekey_parser = db_commands.add_parser(
        "rekey", help="re-encrypt every stored token and source URL with the first key of SEGBOT_SECRET_KEY"
    )
    rekey_parser.set_defaults(handler=run_rekey)
    prune_parser = db_commands.add_parser(
        "prune", help="delete runs (and finished jobs, old receipts) older than SEGBOT_RETENTION_DAYS"
    )
    prune_parser.add_argument("--days", type=_days, default=None, help="this many days instead of the setting")
    prune_parser.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    prune_parser.set_defaults(handler=run_prune)


def run_upgrade(_args: argparse.Namespace) -> int:
    from bot.settings import load_settings
    from bot.storage.database import create_database_engine, current_revision, upgrade
    from bot.storage.token_secrets import TokenCipher

    settings = load_settings()
    engine = create_database_engine(settings.database_url)
    upgrade(engine, token_cipher=TokenCipher(settings.secret_key) if settings.secret_key else None)
    print(f"Database schema is at revision {current_revision(engine)}.")
    return 0


def run_rekey(_args: argparse.Namespace) -> int:
    from bot.settings import load_settings
    from bot.storage.database import open_database
    from bot.storage.rekey import rekey_secrets

    settings = load_settings()
    report = rekey_secrets(open_database(settings.database_url), settings.secret_key)
    print(
        f"Re-encrypted {report.tokens} Slack token(s) and {report.sources} source URL(s) with the first key of "
        "SEGBOT_SECRET_KEY; older keys can now be removed from it."
    )
    return 0


def run_prune(args: argparse.Namespace) -> int:
    from bot.services.workspace_data import describe
    from bot.settings import load_settings
    from bot.storage.database import open_database
    from bot.storage.purge import delete_expired

    settings = load_settings()
    days = settings.retention_days if args.days is None else args.days
    if days == 0:
        print("SEGBOT_RETENTION_DAYS is 0, so everything is kept; pass --days N to delete what is older anyway.")
        return 0
    now = datetime.now(UTC)
    deleted = delete_expired(open_database(settings.database_url), now=now, days=days, dry_run=args.dry_run)
    cutoff = f"older than {days} day{'' if days == 1 else 's'} (before {now - timedelta(days=days):%Y-%m-%d %H:%M} UTC)"
    if not deleted:
        print(f"Nothing is {cutoff}.")
    elif args.dry_run:
        print(f"Would delete what is {cutoff}: {describe(deleted)}.")
    else:
        print(f"Deleted what is {cutoff}: {describe(deleted)}.")
    return 0


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = -1
    if days < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days (1 or more)")
    return days
