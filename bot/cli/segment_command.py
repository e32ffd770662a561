"""`segbot segment PATH`: segment an audience file and print the report (text or JSON)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli.parser import LOCAL_WORKSPACE
from bot.cli.segment_options import add_segment_options, segment_file
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
    add_segment_options(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument("--labels-out", metavar="FILE", help="write row,segment CSV (0-based input row)")
    parser.add_argument(
        "--ids-out", metavar="FILE", help="write row,<identifier columns>,segment CSV (customer ids, emails)"
    )
    parser.add_argument("--briefs", metavar="DIR", help="write a campaign brief per segment (Markdown) and briefs.html")
    parser.add_argument(
        "--influencers", type=int, default=0, metavar="N", help="suggest up to N influencers per segment"
    )
    parser.add_argument(
        "--workspace", default=LOCAL_WORKSPACE, help=f"whose influencer catalog to use (default: {LOCAL_WORKSPACE})"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from bot.cli.brief_files import write_briefs
    from bot.report.audience_csv import ids_csv_text
    from bot.report.report_input import ReportInput
    from bot.settings import load_settings
    from bot.terminal.report import print_report
    from segmentation.reading import read_table

    path = Path(args.path)
    for output in (args.labels_out, args.ids_out):
        if output:
            check_output_path(Path(output), not_the_input=path if path.is_file() else None)
    result = segment_file(path, args)
    database = None
    if args.influencers:
        report, database = report_with_influencers(result, workspace_id=args.workspace, per_segment=args.influencers)
    else:
        report = ReportInput.of(result)
    if args.labels_out:
        write_labels(Path(args.labels_out), result)
    if args.ids_out:
        with open_input(path) as stream:
            table = read_table(stream, limits=load_settings().read_limits())
        write_atomically(Path(args.ids_out), ids_csv_text(table, result))
    if args.briefs:
        write_briefs(Path(args.briefs), report, file_name=path.name)
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


def report_with_influencers(
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
