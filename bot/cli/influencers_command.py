"""`segbot influencers ...`: import, list and export the creator catalog; pin and block creators."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.catalog.headers import CANONICAL_HEADERS, SYNONYMS
from bot.cli.parser import LOCAL_WORKSPACE
from bot.errors import SegbotError
from bot.files import open_input, write_atomically

if TYPE_CHECKING:
    from bot.storage.influencers import Choice, InfluencerRepository
    from segmentation.catalog_index import CatalogEntry

TEXT_LIST_LIMIT = 50
_CHOICE_MESSAGES = {
    ("pin", True): "Pinned {who}: it is favoured whenever its audience fits a segment.",
    ("pin", False): "Unpinned {who}.",
    ("block", True): "Blocked {who}: it will never be suggested.",
    ("block", False): "Unblocked {who}.",
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "influencers", help="manage the influencer catalog", description="Manage the influencer catalog."
    )
    actions = parser.add_subparsers(dest="influencers_command", metavar="ACTION", required=True)
    importing = _action(actions, "import", "add or update creators from a CSV/TSV/.xlsx export", run_import)
    importing.add_argument("path", metavar="PATH", help=f"the export (canonical headers: {CANONICAL_HEADERS})")
    importing.add_argument("--platform", help="platform of rows that do not say (instagram, tiktok, youtube, ...)")
    importing.add_argument(
        "--map",
        action="append",
        default=[],
        metavar='FIELD="Column"',
        help='read FIELD from that column instead of the recognised one, e.g. --map followers="Followers (K)" '
        f"(repeatable; FIELD= with nothing after = reads no column; fields: {', '.join(SYNONYMS)})",
    )
    listing = _action(actions, "list", "show the catalog, largest creators first", run_list)
    listing.add_argument("--topic", help="only creators about this topic (synonyms count: gym finds Fitness & Gym)")
    listing.add_argument("--country", help="only creators whose audience is mostly in this country (name or code)")
    listing.add_argument("--platform", help="only creators on this platform")
    listing.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    listing.add_argument(
        "--limit", type=_count, default=None, help=f"show at most this many (text default {TEXT_LIST_LIMIT}, 0 = all)"
    )
    exporting = _action(actions, "export", "write the catalog as CSV with the canonical headers", run_export)
    exporting.add_argument("path", metavar="PATH", help="the CSV file to write")
    for name, help_text in (
        ("pin", "favour a creator whenever its audience fits a segment"),
        ("unpin", "undo a pin"),
        ("block", "never suggest a creator"),
        ("unblock", "undo a block"),
    ):
        choice = _action(actions, name, help_text, run_choice)
        choice.add_argument("handle", metavar="HANDLE", help="the creator's handle (with or without @)")
        choice.add_argument("--platform", help="which platform, when the handle is on several")


def _count(text: str) -> int:
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of creators; use 0 (all) or more")
    return int(text)


def _action(actions: Any, name: str, help_text: str, handler: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = actions.add_parser(name, help=help_text, description=help_text.capitalize())
    parser.add_argument(
        "--workspace", default=LOCAL_WORKSPACE, help=f"whose catalog (Slack team id; default {LOCAL_WORKSPACE})"
    )
    parser.set_defaults(handler=handler)
    return parser


def _repository() -> InfluencerRepository:
    from bot.settings import load_settings
    from bot.storage.database import open_database
    from bot.storage.influencers import InfluencerRepository

    return InfluencerRepository(open_database(load_settings().database_url))


def run_import(args: argparse.Namespace) -> int:
    from bot.catalog.mapping import parse_mapping
    from bot.services.catalog_import import NothingImportedError, import_catalog
    from bot.settings import load_settings
    from bot.storage.database import open_database
    from bot.terminal.catalog_import import column_lines, import_lines, rejection_lines

    path = Path(args.path)
    mapping = parse_mapping(args.map)
    settings = load_settings()
    engine = open_database(settings.database_url)
    with open_input(path) as stream:
        try:
            outcome = import_catalog(
                engine,
                args.workspace,
                stream,
                path.name,
                platform=args.platform,
                mapping=mapping,
                limits=settings.read_limits(),
            )
        except NothingImportedError as error:
            print("\n".join(column_lines(error.reading) + rejection_lines(error.reading)))
            raise SegbotError(
                f"No row of {path.name} could be imported ({len(error.reading.rejected)} rejected); "
                "fix the rows listed above."
            ) from error
    print("\n".join(import_lines(outcome)))
    return 0


def run_list(args: argparse.Namespace) -> int:
    from bot.terminal.console import PipeConsole as Console
    from bot.terminal.influencer_table import catalog_rows, catalog_table

    repository = _repository()
    stored = repository.list(args.workspace, topic=args.topic, country=args.country, platform=args.platform)
    limit = args.limit if args.limit is not None else (TEXT_LIST_LIMIT if args.format == "text" else 0)
    shown = stored[:limit] if limit > 0 else stored
    choices = repository.choices(args.workspace)
    rows = catalog_rows([item.entry for item in shown], pinned=choices.pinned, blocked=choices.blocked)
    if args.format == "json":
        json.dump([row.to_dict() for row in rows], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if not stored:
        total = repository.count(args.workspace)
        hints = _close_filter_values(repository.entries(args.workspace), args) if total else []
        print(f"No creators match those filters; did you mean {' '.join(hints)}?" if hints else (
            "No creators match those filters." if total else _empty_catalog(args.workspace)
        ))  # fmt: skip
        return 0
    title = f"{len(shown)} of {len(stored)} creators in workspace {args.workspace}"
    # Wide when piped, so rows stay one line each in files and logs; the terminal's own width otherwise.
    Console(width=None if sys.stdout.isatty() else 200).print(catalog_table(rows, title=title))
    return 0


def _close_filter_values(entries: list[CatalogEntry], args: argparse.Namespace) -> list[str]:
    """`--platform instagram`-style hints for filter values that match no creator but are close to one that does."""
    from segmentation.countries import country_name
    from segmentation.near_names import NAME_CUTOFF, closest_name
    from segmentation.topics import interest_keys

    known = {
        "platform": {e.platform for e in entries},
        "topic": {t for e in entries for t in e.topics}
        | {k for e in entries for t in e.topics for k in interest_keys(t)},
        "country": {country_name(e.audience_country) for e in entries if e.audience_country},
    }
    hints = []
    for option, values in known.items():
        given = getattr(args, option)
        if not given or any(given.lower() == value.lower() for value in values):
            continue
        # sorted: the same hint every run ("Fitness" before the interest "fitness")
        close = closest_name(given, sorted(values), cutoff=NAME_CUTOFF)
        if close:
            hints.append(f"--{option} {close!r}")
    return hints


def _empty_catalog(workspace: str) -> str:
    return f"The catalog of workspace {workspace} is empty; import one with `segbot influencers import PATH`."


def run_export(args: argparse.Namespace) -> int:
    from bot.catalog.writing import catalog_csv

    entries = _repository().entries(args.workspace)
    if not entries:
        raise SegbotError(_empty_catalog(args.workspace))
    path = Path(args.path)
    write_atomically(path, catalog_csv(entries))
    print(f"Exported {len(entries)} creators of workspace {args.workspace} to {path}.")
    return 0


def run_choice(args: argparse.Namespace) -> int:
    action: str = args.influencers_command
    choice: Choice = "pin" if action in ("pin", "unpin") else "block"
    repository = _repository()
    key = repository.resolve(args.workspace, args.handle, args.platform)
    who = f"@{key[1]} on {key[0]} in workspace {args.workspace}"
    if action in ("pin", "block"):
        repository.set_choice(args.workspace, key, choice)
        print(_CHOICE_MESSAGES[(choice, True)].format(who=who))
    elif repository.clear_choice(args.workspace, key, choice):
        print(_CHOICE_MESSAGES[(choice, False)].format(who=who))
    else:
        state = "pinned" if choice == "pin" else "blocked"
        print(f"@{key[1]} on {key[0]} was not {state} in workspace {args.workspace}; nothing changed.")
    return 0
