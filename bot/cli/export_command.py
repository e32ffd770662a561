"""`segbot export PATH --segment N [--out FILE]`: one segment's ids as ad platforms and CRMs import them."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path
from typing import Any

from bot.cli.segment_options import add_segment_options, check_segment_number, segment_file
from bot.files import check_output_path, open_input, write_atomically


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write one segment's ids (one per row, header naming the id kind) for an ad platform or CRM",
        description=(
            "Segment an audience file and write one segment's ids, one per row under a header naming the id kind "
            "(customer_id, email, phone). Emails and phone numbers are written only when asked for with --id."
        ),
    )
    parser.add_argument("path", metavar="PATH", help="the audience file")
    parser.add_argument("--segment", type=int, required=True, metavar="N", help="the segment number in the report")
    parser.add_argument("--out", metavar="FILE", help="write the CSV here (default, or -: standard output)")
    parser.add_argument("--id", metavar="COL", default=None, help="the id column to export (emails only this way)")
    add_segment_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.report.audience_csv import segment_count_check, segment_ids_csv_text
    from bot.settings import load_settings
    from segmentation.audience_ids import export_id_column
    from segmentation.reading import read_table

    path = Path(args.path)
    if args.out == "-":  # the usual shell convention: standard output, as without --out
        args.out = None
    if args.out:
        check_output_path(Path(args.out), not_the_input=path if path.is_file() else None)
    check_segment_number(args.segment, args.k)
    result = segment_file(path, args)
    segment_count_check(result, args.segment)
    column = export_id_column(result.columns, args.id)
    with open_input(path) as stream:
        table = read_table(stream, limits=load_settings().read_limits())
    text = segment_ids_csv_text(table, result.labels, args.segment, column)
    if args.out:
        write_atomically(Path(args.out), text)
        count = len(list(csv.reader(io.StringIO(text)))) - 1  # an id may hold a quoted line break
        print(f"Wrote {count:,} {column.kind} ids of segment {args.segment} to {args.out}.", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
