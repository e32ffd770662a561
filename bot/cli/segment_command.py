"""`segbot segment PATH`: segment an audience file and print the report (text or JSON)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli.parser import LOCAL_WORKSPACE
from bot.csv_export import labels_csv_text
from bot.errors import SegbotError
from bot.files import check_output_path, open_input, write_atomically

if TYPE_CHECKING:
    from bot.report.report_input import ReportInput
    from segmentation import SegmentationResult


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "segment",
        help="segment an audience file (CSV, TSV, .csv.gz or .xlsx)",
        description="Cluster an audience file into segments and describe each one.",
    )
    parser.add_argument("path", metavar="PATH", help="the audience file")
    parser.add_argument(
        "--k", type=int, default=None,
        help="number of segments (default: chosen, 1 when the audience has no distinct segments; use it to see "
        "the other k of a near tie or to force a split)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same answer; default 0)")
    parser.add_argument("--columns", type=_name_list, default=None, help="only use these columns (a,b,c)")
    parser.add_argument("--exclude", type=_name_list, default=None, help="never use these columns (a,b,c)")
    parser.add_argument(
        "--outcome", action="append", default=None, metavar="COL",
        help="a yes/no outcome column (repeatable; default: found by name, e.g. bought, churned): kept out of "
        "the clustering, its rate shown per segment",
    )
    parser.add_argument(
        "--cluster-on", action="append", default=None, metavar="COL",
        help="cluster on this outcome column too (repeatable; it is still shown per segment)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument("--labels-out", metavar="FILE", help="write row,segment CSV (0-based input row)")
    parser.add_argument(
        "--influencers", type=int, default=0, metavar="N", help="suggest up to N influencers per segment"
    )
    parser.add_argument(
        "--workspace", default=LOCAL_WORKSPACE, help=f"whose influencer catalog to use (default: {LOCAL_WORKSPACE})"
    )
    parser.set_defaults(handler=run)


def _name_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give one or more column names separated by commas, e.g. age,country")
    return names


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from bot.report.report_input import ReportInput
    from bot.settings import load_settings
    from bot.terminal.report import print_report
    from segmentation import segment

    path = Path(args.path)
    if args.labels_out:
        check_output_path(Path(args.labels_out), not_the_input=path if path.is_file() else None)
    with open_input(path) as stream:
        result = segment(
            stream,
            k=args.k,
            seed=args.seed,
            columns=args.columns,
            exclude=args.exclude,
            limits=load_settings().read_limits(),
            outcomes=args.outcome,
            cluster_on=args.cluster_on,
        )
    database = None
    if args.influencers:
        report, database = _report_with_influencers(result, workspace_id=args.workspace, per_segment=args.influencers)
    else:
        report = ReportInput.of(result)
    if args.labels_out:
        write_labels(Path(args.labels_out), result)
    if args.format == "json":
        data = report.to_dict()
        if args.influencers:
            data["catalog_workspace"] = args.workspace
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        workspace = args.workspace if args.influencers else None
        print_report(Console(), report, file_name=path.name, workspace=workspace, database=database)
    return 0


def _report_with_influencers(
    result: SegmentationResult, *, workspace_id: str, per_segment: int
) -> tuple[ReportInput, str]:
    """The report with suggestions from `workspace_id`'s catalog, and the database it was read from."""
    from bot.services.report_data import build_report
    from bot.settings import load_settings
    from bot.storage.database import open_database

    if per_segment < 1:
        raise SegbotError("--influencers needs a number of suggestions per segment of 1 or more.")
    engine = open_database(load_settings().database_url)
    report = build_report(engine, workspace_id, result, None, per_segment=per_segment)
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        # A relative SQLite path depends on the folder segbot runs in: name the file itself.
        return report, f"sqlite:///{Path(url.database).resolve()}"
    return report, url.render_as_string(hide_password=True)


def write_labels(path: Path, result: SegmentationResult) -> None:
    """`row,segment` for every input row, written whole or not at all."""
    write_atomically(path, labels_csv_text(result.labels.tolist()))
