"""`segbot brief PATH --segment N`: one segment's campaign brief (Markdown), or every brief with --html FILE."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli.segment_options import add_segment_options, check_segment_number, segment_file
from bot.files import check_output_path, write_atomically


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "brief",
        help="print a segment's campaign brief (who, what they care about, how to reach them, worth)",
        description="Segment an audience file and print one segment's campaign brief, built only from the data.",
    )
    parser.add_argument("path", metavar="PATH", help="the audience file")
    parser.add_argument("--segment", type=int, required=True, metavar="N", help="the segment number in the report")
    parser.add_argument(
        "--html", metavar="FILE", help="also write every segment's brief on one HTML page (prints on A4)"
    )
    parser.add_argument("--influencers", type=int, default=0, metavar="N", help="suggest up to N creators")
    parser.add_argument("--workspace", default="local", help="whose influencer catalog to use (default: local)")
    add_segment_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.cli.segment_command import report_with_influencers
    from bot.report.briefs import brief_markdown, brief_view, brief_views, briefs_html
    from bot.report.report_input import ReportInput

    path = Path(args.path)
    if args.html:
        check_output_path(Path(args.html), not_the_input=path if path.is_file() else None)
    check_segment_number(args.segment, args.k)
    result = segment_file(path, args)
    if args.influencers:
        report, _ = report_with_influencers(result, workspace_id=args.workspace, per_segment=args.influencers)
    else:
        report = ReportInput.of(result)
    view = brief_view(report, args.segment)
    if args.html:
        write_atomically(
            Path(args.html), briefs_html(brief_views(report), file_name=path.name, note=report.ranking_note)
        )
    sys.stdout.write(brief_markdown(view, file_name=path.name))
    return 0
