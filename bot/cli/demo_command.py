"""`segbot demo`: segment the built-in sample audience and print the report, with influencer suggestions
from the built-in sample catalog. Needs no Slack account and no database server (a throwaway SQLite file)."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console

from bot.catalog.reading import read_catalog
from bot.services.report_data import build_report
from bot.storage.database import open_database
from bot.storage.influencers import InfluencerRepository
from bot.storage.workspaces import LOCAL_WORKSPACE
from bot.terminal.report import print_report
from segmentation import segment

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SAMPLE_AUDIENCE = SAMPLES / "sample_audience.csv"
SAMPLE_CATALOG = SAMPLES / "sample_influencers.csv"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="segment the built-in sample audience (synthetic) and print the report",
        description="Segment the built-in synthetic sample audience and suggest creators from the sample catalog.",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    console = Console()
    with SAMPLE_AUDIENCE.open("rb") as stream:
        result = segment(stream, seed=args.seed)
    with tempfile.TemporaryDirectory(prefix="segbot-demo-") as folder:
        engine = open_database(f"sqlite:///{Path(folder) / 'demo.db'}")
        with SAMPLE_CATALOG.open("rb") as stream:
            catalog = read_catalog(stream, source_name=SAMPLE_CATALOG.name)
        InfluencerRepository(engine).upsert(LOCAL_WORKSPACE, catalog.entries, source=SAMPLE_CATALOG.name)
        report = build_report(engine, LOCAL_WORKSPACE, result, None)
        engine.dispose()
    console.print(
        f"Segbot demo: the built-in synthetic audience ({SAMPLE_AUDIENCE.name}) and "
        f"{len(catalog.entries)} synthetic creators ({SAMPLE_CATALOG.name}).\n"
    )
    print_report(console, report, file_name=SAMPLE_AUDIENCE.name)
    return 0
