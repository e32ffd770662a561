"""`segbot workspace list` and `segbot workspace purge TEAM_ID`: which workspaces have data, and deleting one's."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.errors import SegbotError

INSTALL_TABLES = ("slack_bots", "slack_installations")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("workspace", help="list workspaces with data, or delete all of one's data")
    actions = parser.add_subparsers(dest="workspace_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every workspace with rows in the database, with its runs")
    listing.set_defaults(handler=run_list)
    purge = actions.add_parser(
        "purge", help="delete every row of a workspace: runs, datasets, catalog, subscriptions, jobs, install"
    )
    purge.add_argument("team_id", metavar="TEAM_ID", help="the Slack team id (T...), or local")
    purge.add_argument("--yes", action="store_true", help="delete without asking (scripts)")
    purge.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    purge.set_defaults(handler=run_purge)


def run_list(_args: argparse.Namespace) -> int:
    from bot.settings import load_settings
    from bot.storage.database import open_database
    from bot.storage.workspaces import WorkspaceRepository

    overview = WorkspaceRepository(open_database(load_settings().database_url)).overview()
    if not overview:
        print("No workspace has data in this database.")
        return 0
    width = max(len(entry.id) for entry in overview)
    for entry in overview:
        runs = f"{entry.runs} run" + ("" if entry.runs == 1 else "s")
        installed = ", installed" if entry.installed else ""
        print(f"{entry.id:<{width}}  {runs}{installed}  {entry.name or ''}".rstrip())
    return 0


def run_purge(args: argparse.Namespace) -> int:
    from bot.services.workspace_data import describe
    from bot.settings import load_settings
    from bot.storage.database import open_database
    from bot.storage.purge import purge_workspace

    engine = open_database(load_settings().database_url)
    team_id = args.team_id.strip()
    found = purge_workspace(engine, team_id, dry_run=True)
    if not found:
        print(f"Workspace {team_id} has no rows in this database; nothing to delete (see `segbot workspace list`).")
        return 0
    if args.dry_run:
        print(f"Would delete from workspace {team_id}: {describe(found)}.")
        return 0
    if not args.yes:
        _confirm(team_id, describe(found))
    deleted = purge_workspace(engine, team_id)
    print(f"Deleted every row of workspace {team_id}: {describe(deleted)}.")
    if any(deleted[table] for table in INSTALL_TABLES):
        print(f"Its Slack install is gone too: Segbot answers in {team_id} again only after the app is reinstalled.")
    return 0


def _confirm(team_id: str, what: str) -> None:
    """Ask on a terminal; elsewhere (scripts, cron) refuse without --yes."""
    if not sys.stdin.isatty():
        raise SegbotError(
            f"segbot workspace purge deletes every row of {team_id} ({what}); run it again with --yes to confirm. "
            "Nothing was deleted."
        )
    print(f"This deletes every row of workspace {team_id}: {what}.")
    answer = input(f"Type {team_id} to confirm: ").strip()
    if answer != team_id:
        raise SegbotError("The answer did not match the workspace id; nothing was deleted.")
