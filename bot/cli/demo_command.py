"""`segbot demo`: segment the built-in sample audience and print the report, with influencer suggestions
from the built-in sample catalog. Needs no Slack account and no database server (a throwaway SQLite file)."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from bot.cli.parser import LOCAL_WORKSPACE
from bot.samples import AUDIENCE, CATALOG, sample_file


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="segment the built-in sample audience (synthetic) and print the report",
        description="Segment the built-in synthetic sample audience and suggest creators from the sample catalog.",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from rich.markdown import Markdown
    from rich.text import Text

    from bot.catalog.reading import read_catalog
    from bot.report.briefs import brief_markdown, brief_views
    from bot.services.report_data import build_report
    from bot.storage.database import open_database
    from bot.storage.influencers import InfluencerRepository
    from bot.terminal.console import PipeConsole as Console
    from bot.terminal.console import say
    from bot.terminal.report import print_report
    from segmentation import segment

    console = Console()
    audience_file, catalog_file = sample_file(AUDIENCE), sample_file(CATALOG)
    result = segment(audience_file.read_bytes(), seed=args.seed)
    with tempfile.TemporaryDirectory(prefix="segbot-demo-") as folder:
        engine = open_database(f"sqlite:///{Path(folder) / 'demo.db'}")
        catalog = read_catalog(catalog_file.read_bytes(), source_name=catalog_file.name)
        InfluencerRepository(engine).upsert(LOCAL_WORKSPACE, catalog.entries, source=catalog_file.name)
        report = build_report(engine, LOCAL_WORKSPACE, result, None)
        engine.dispose()
    say(
        console,
        f"Segbot demo: the built-in synthetic audience ({audience_file.name}) and "
        f"{len(catalog.entries)} synthetic creators ({catalog_file.name}).\n",
    )
    print_report(console, report, file_name=audience_file.name)
    brief = brief_markdown(brief_views(report)[0], file_name=audience_file.name)
    console.print()
    # A terminal shows the brief rendered; a file or a pipe gets its Markdown as written.
    say(console, Markdown(brief) if console.is_terminal else Text(brief.rstrip()))
    say(
        console,
        f"\nEvery segment's brief: segbot brief {audience_file} --segment N, or segbot segment ... --briefs DIR.",
    )
    return 0
