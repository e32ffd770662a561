"""The options every command that segments a file shares (`segment`, `brief`, `export`), and the run itself."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.files import open_input

if TYPE_CHECKING:
    from segmentation import SegmentationResult


def check_segment_number(segment: int, k: int | None) -> None:
    """`--segment N` refused before the slow work when no run could have segment N (numbers run from 0)."""
    from bot.errors import SegbotError
    from segmentation.engine import MAX_K

    largest = (k if k is not None else MAX_K) - 1
    if 0 <= segment <= largest:
        return
    if k is not None:
        given = f"with --k {k} the segments are 0 to {largest}"
    else:
        given = f"segments are numbered from 0, and there are at most {MAX_K} (0 to {largest})"
    raise SegbotError(f"There is no segment {segment}: {given}; see the report for this file's segments.")


def add_segment_options(parser: Any) -> None:
    """--k, --seed, --columns, --exclude, --outcome, --cluster-on and --value, as `segbot segment` takes them."""
    parser.add_argument(
        "--k",
        type=int,
        default=None,
        help="number of segments (default: chosen, 1 when the audience has no distinct segments; use it to see "
        "the other k of a near tie or to force a split)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same answer; default 0)")
    parser.add_argument("--columns", type=name_list, default=None, help="only use these columns (a,b,c)")
    parser.add_argument("--exclude", type=name_list, default=None, help="never use these columns (a,b,c)")
    parser.add_argument(
        "--outcome",
        action="append",
        default=None,
        metavar="COL",
        help="a yes/no outcome column (repeatable; default: found by name, e.g. bought, churned): kept out of "
        "the clustering, its rate shown per segment",
    )
    parser.add_argument(
        "--cluster-on",
        action="append",
        default=None,
        metavar="COL",
        help="cluster on this outcome column too (repeatable; it is still shown per segment)",
    )
    parser.add_argument(
        "--value", metavar="COL", default=None, help="value segments on this column (default: found by name)"
    )


def name_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give one or more column names separated by commas, e.g. age,country")
    return names


def segment_file(path: Path, args: argparse.Namespace) -> SegmentationResult:
    """The file at `path` segmented with the shared options (the same options give the same segments)."""
    from bot.cli.engine_processes import engine_tasks
    from bot.settings import load_settings
    from segmentation import segment

    settings = load_settings()
    with open_input(path) as stream:
        return segment(
            stream,
            k=args.k,
            seed=args.seed,
            columns=args.columns,
            exclude=args.exclude,
            limits=settings.read_limits(),
            outcomes=args.outcome,
            cluster_on=args.cluster_on,
            value=args.value,
            task_map=engine_tasks(settings.engine_processes),
        )
