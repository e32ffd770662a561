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

# The size limits `--chunked` lifts (the chunked reader keeps only the line and cell lengths).
CHUNKED_LIFTS = frozenset({"max_rows", "max_cells", "max_input_mb"})

if TYPE_CHECKING:
    from bot.report.report_input import ReportInput
    from segmentation import SegmentationResult


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "segment",
        help="segment an audience file (CSV, TSV, .csv.gz, .xlsx or Parquet, or a folder of partitions)",
        description="Cluster an audience file into segments and describe each one.",
    )
    parser.add_argument("path", metavar="PATH", help="the audience file")
    add_segment_options(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument(
        "--labels-out",
        metavar="FILE",
        help="write row,segment CSV (0-based input row); for a folder of partitions, a folder that gets one "
        "part-NNNNN.csv per partition",
    )
    parser.add_argument(
        "--chunked",
        action="store_true",
        help="for files larger than memory (CSV, .csv.gz, Parquet, or a folder of partitions): fit on a sample, "
        "then label every row chunk by chunk; partitions run on Dask when SEGBOT_DASK_SCHEDULER is set (a folder "
        "or a .parquet file is always read this way)",
    )
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
    parser.add_argument(
        "--table",
        metavar="NAME",
        help="with --chunked: PATH is a database URL and NAME a table of it (the sample is drawn in the database)",
    )
    parser.add_argument("--key", metavar="COLUMN", help="with --table: the table's integer id column")
    parser.set_defaults(handler=run)


def _check_distinct_outputs(args: argparse.Namespace) -> None:
    """Two outputs on one path would leave only the one written last: refused before any work."""
    named = [
        (option, value)
        for option, value in (("--labels-out", args.labels_out), ("--ids-out", args.ids_out), ("--briefs", args.briefs))
        if value
    ]
    for index, (option, value) in enumerate(named):
        for other, other_value in named[index + 1 :]:
            if Path(value).absolute() == Path(other_value).absolute():
                raise SegbotError(f"{option} and {other} both name {value}; give each output its own path.")


def run(args: argparse.Namespace) -> int:
    from bot.report.report_input import ReportInput

    path = Path(args.path)
    _check_distinct_outputs(args)
    for output in (args.labels_out, args.ids_out):
        if output and not (path.is_dir() and output == args.labels_out):  # partitions' labels go to a folder
            check_output_path(Path(output), not_the_input=path if path.is_file() else None)
    if args.briefs:
        from bot.cli.brief_files import check_briefs_folder

        check_briefs_folder(Path(args.briefs))
    # Parquet is read only by the chunked reader (the whole-file reader takes what people upload: CSV and Excel).
    chunked = args.chunked or args.table or path.is_dir() or path.name.lower().endswith(".parquet")
    result = segment_in_chunks(path, args) if chunked else _segment_whole_file(path, args)
    database = None
    if args.influencers:
        report, database = report_with_influencers(result, workspace_id=args.workspace, per_segment=args.influencers)
    else:
        report = ReportInput.of(result)
    ids_text = None
    if args.ids_out:  # made before anything is written, so a file without ids leaves no labels file behind
        from bot.report.audience_csv import ids_csv_text
        from bot.settings import load_settings
        from segmentation.reading import read_table

        with open_input(path) as stream:
            table = read_table(stream, limits=load_settings().read_limits())
        ids_text = ids_csv_text(table, result)
    if args.labels_out and not chunked:
        write_labels(Path(args.labels_out), result)
    if ids_text is not None:
        write_atomically(Path(args.ids_out), ids_text)
    if args.briefs:
        from bot.cli.brief_files import write_briefs

        written = write_briefs(Path(args.briefs), report, file_name=path.name)
        print(f"Wrote {len(written) - 1} briefs and briefs.html to {args.briefs}", file=sys.stderr)
    if args.format == "json":
        data = report.to_dict()
        if args.influencers:
            data["catalog_workspace"] = args.workspace
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        from bot.terminal.console import PipeConsole as Console  # rich: only for the text report
        from bot.terminal.report import print_report

        workspace = args.workspace if args.influencers else None
        print_report(Console(), report, file_name=path.name, workspace=workspace, database=database)
    return 0


def _segment_whole_file(path: Path, args: argparse.Namespace) -> SegmentationResult:
    """`segment_file`, with `--chunked` named when the file is over a size limit: it reads any size."""
    from segmentation.limits import LimitExceededError

    try:
        return segment_file(path, args)
    except LimitExceededError as error:
        if error.limit not in CHUNKED_LIFTS:
            raise
        raise SegbotError(
            f"{error.found} ({error.setting}); add --chunked, which reads any number of rows in bounded memory, "
            f"or raise {error.setting}."
        ) from error


def segment_in_chunks(path: Path, args: argparse.Namespace) -> SegmentationResult:
    """`--chunked` (or a folder): the sample's segmentation with sizes over all rows; labels written as it goes."""
    from bot.bulk.chunked_run import FitOptions, segment_chunked
    from bot.bulk.chunks import naming_partition, partition_files, table_file
    from bot.bulk.dask_run import check_partitions, dask_client, segment_partitions
    from bot.bulk.sql_table import SqlTable, segment_sql_table
    from bot.settings import load_settings

    if args.ids_out:
        raise SegbotError("--ids-out needs the whole table in memory; use --labels-out with --chunked instead.")
    if args.table and not args.key:
        raise SegbotError("--table needs --key COLUMN, the table's integer id column (it orders and samples the rows).")
    if not args.table and not path.exists():
        raise SegbotError(f"There is no file or folder at {path}; check the path and try again.")
    settings = load_settings()
    limits = settings.read_limits()
    options = FitOptions(
        k=args.k,
        seed=args.seed,
        columns=args.columns,
        exclude=args.exclude,
        outcomes=args.outcome,
        cluster_on=args.cluster_on,
        value=args.value,
    )
    labels_out = Path(args.labels_out) if args.labels_out else None
    if args.table:
        return segment_sql_table(SqlTable(args.path, args.table, args.key), options, labels_out=labels_out)
    if not path.is_dir():
        return segment_chunked(table_file(path, limits=limits), options, labels_out=labels_out, limits=limits)
    if labels_out is None:
        raise SegbotError(
            f"{path} is a folder: Segbot reads a folder as the CSV or Parquet partitions of one big table, which "
            "needs --labels-out FOLDER for one labels file per partition; to segment one file, give its path."
        )
    tables = []
    for part in partition_files(path):
        with naming_partition(part):
            tables.append(table_file(part, limits=limits))
    check_partitions(tables, labels_out)  # before a Dask cluster starts for nothing
    with dask_client(settings.dask_scheduler) as client:
        return segment_partitions(tables, options, labels_dir=labels_out, client=client, limits=limits)


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
    write_atomically(path, labels_csv_text(result.labels))
