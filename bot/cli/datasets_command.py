"""`segbot datasets ...`: add a version from a file, list datasets, set where Segbot pulls a dataset from."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli.parser import LOCAL_WORKSPACE
from bot.errors import SegbotError

if TYPE_CHECKING:
    from bot.settings import Settings
    from bot.storage.datasets import SourceSpec


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "datasets",
        help="named datasets: versions and sources for weekly digests",
        description="Named datasets: each new version is segmented and compared with the one before.",
    )
    actions = parser.add_subparsers(dest="datasets_command", metavar="ACTION", required=True)
    adding = actions.add_parser("add", help="add a new version of a dataset from a file")
    adding.add_argument("name", metavar="NAME", help="the dataset, e.g. newsletter")
    adding.add_argument("path", metavar="PATH", help="the audience file (CSV, TSV, .csv.gz or .xlsx)")
    adding.set_defaults(handler=run_add)
    listing = actions.add_parser("list", help="list datasets with their versions and sources")
    listing.set_defaults(handler=run_list)
    source = actions.add_parser("source", help="set where Segbot pulls a dataset from for digests")
    source.add_argument("name", metavar="NAME", help="the dataset")
    where = source.add_mutually_exclusive_group(required=True)
    where.add_argument("--path", help="a file on the machine that runs Segbot")
    where.add_argument("--url", help="an HTTPS URL of a CSV file (user:password@ in the URL becomes Basic auth)")
    where.add_argument("--sql", metavar="QUERY", help="a SQL query returning one row per person (needs --db)")
    source.add_argument("--db", metavar="URL", help="SQLAlchemy URL of the database --sql runs on")
    source.set_defaults(handler=run_source)
    for action in (adding, listing, source):
        action.add_argument("--workspace", default=LOCAL_WORKSPACE, help="Slack team id (default: local)")


def run_add(args: argparse.Namespace) -> int:
    from bot.digests.sources import pull
    from bot.digests.versions import add_version
    from bot.report.filters import in_segments
    from bot.settings import load_settings
    from bot.storage.database import open_database
    from bot.storage.datasets import SourceSpec, check_dataset_name

    name = check_dataset_name(args.name)
    engine = open_database(load_settings().database_url)
    settings = load_settings()
    pulled = pull(SourceSpec(kind="path", location=args.path), settings)
    version = add_version(
        engine, args.workspace, name, pulled, origin="file", now=datetime.now(UTC), limits=settings.read_limits()
    )
    print(
        f"{name}: version {version.version} (run {version.run_id}) from {Path(args.path).name}, "
        f"{version.n_rows:,} rows {in_segments(version.k)}."
    )
    return 0


def run_list(args: argparse.Namespace) -> int:
    from bot.report.filters import counted
    from bot.settings import load_settings
    from bot.storage.database import open_database
    from bot.storage.datasets import DatasetRepository

    engine = open_database(load_settings().database_url)
    summaries = DatasetRepository(engine).summaries(args.workspace)
    if not summaries:
        print(f"No datasets in workspace {args.workspace} yet; add one with `segbot datasets add NAME PATH`.")
        return 0
    for summary in summaries:
        latest = summary.latest
        state = (
            f"{summary.versions} version{'s' if summary.versions != 1 else ''}, newest version {latest.version} "
            f"({latest.created_at:%Y-%m-%d %H:%M} UTC), {latest.n_rows:,} rows, {counted(latest.k, 'segment')}"
            if latest
            else "no versions yet"
        )
        source = f"; pulls from {summary.source}" if summary.source else ""
        print(f"{summary.name}: {state}{source}")
    return 0


def run_source(args: argparse.Namespace) -> int:
    from bot.settings import load_settings
    from bot.storage.database import open_database
    from bot.storage.datasets import CipherFactory, DatasetRepository, check_dataset_name

    settings = load_settings()
    spec = _spec(args, settings)
    engine = open_database(settings.database_url)
    shown = DatasetRepository(engine).set_source(args.workspace, args.name, spec, CipherFactory(settings.secret_key))
    print(f"{check_dataset_name(args.name)} now pulls from {shown} before each digest.")
    return 0


def _spec(args: argparse.Namespace, settings: Settings) -> SourceSpec:
    from bot.digests.sources import check_sql_source, check_url
    from bot.storage.datasets import SourceSpec

    if args.sql is not None:
        if not args.db:
            raise SegbotError("--sql needs --db URL, the SQLAlchemy URL of the database to run it on.")
        return SourceSpec(kind="sql", location=check_sql_source(args.db, args.sql, settings), query=args.sql)
    if args.db:
        raise SegbotError("--db goes with --sql; give the query too.")
    if args.url is not None:
        return SourceSpec(kind="url", location=check_url(args.url, settings))
    path = Path(args.path).expanduser().resolve()
    if path.is_dir():
        raise SegbotError(f"{path} is a folder; give the path of a CSV, TSV, .csv.gz or .xlsx file.")
    if not path.is_file():
        raise SegbotError(f"There is no file at {path}; give the path of a CSV, TSV, .csv.gz or .xlsx file.")
    return SourceSpec(kind="path", location=str(path))
