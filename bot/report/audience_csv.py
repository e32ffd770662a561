"""Audience CSVs: every row with its ids and segment (`--ids-out`), or one segment's ids for an ad platform/CRM.

Both go through `bot.csv_export.csv_text`, so no cell runs as a formula in a spreadsheet.
- `ids_csv_text`: `row,<identifier columns>,segment`, one line per input row (0-based row, as `--labels-out`).
- `segment_ids_csv_text`: one id per line under a header naming the id kind (`email`, `phone`, `customer_id`),
  blanks dropped and each id once, the shape Meta / Google / TikTok custom audiences and CRMs import.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

import numpy as np
import pandas as pd

from bot.csv_export import csv_text
from bot.errors import SegbotError
from segmentation.audience_ids import IdColumn, id_columns
from segmentation.result import SegmentationResult


@overload
def ids_csv_text(table: pd.DataFrame, result: SegmentationResult) -> str: ...
@overload
def ids_csv_text(table: pd.DataFrame, result: SegmentationResult, *, personal: bool) -> str | None: ...
def ids_csv_text(table: pd.DataFrame, result: SegmentationResult, *, personal: bool | None = None) -> str | None:
    """`row,<the file's identifier columns>,segment` for every input row.

    `personal=False` leaves emails and phone numbers out (what may be posted in Slack) and gives None when no
    other identifier is left; by default every identifier is written and a file without one is an error.
    """
    columns = id_columns(result.columns)
    if personal is False:
        columns = tuple(c for c in columns if not c.personal)
        if not columns:
            return None
    if not columns:
        raise SegbotError(
            "This file has no identifier column (customer id, email), so --ids-out has nothing to add to "
            "row,segment; use --labels-out, or add an id column to the export."
        )
    _check_rows(table, result.labels)
    values = [_cells(table[c.name]) for c in columns]
    rows = ([i, *(v[i] for v in values), int(label)] for i, label in enumerate(result.labels))
    return csv_text(("row", *(c.name for c in columns), "segment"), rows, numeric_columns=("row", "segment"))


def segment_ids_csv_text(table: pd.DataFrame, labels: np.ndarray, segment: int, column: IdColumn) -> str:
    """One segment's ids, one per line, under a header naming their kind."""
    _check_rows(table, labels)
    cells = _cells(table[column.name])
    chosen = np.flatnonzero(np.asarray(labels) == segment)
    ids = list(dict.fromkeys(cells[i] for i in chosen if cells[i]))
    return csv_text((column.kind,), ([value] for value in ids))


def segment_count_check(result: SegmentationResult, segment: int) -> None:
    """A plain sentence when `segment` is not one of the result's segment numbers."""
    ids = [s.id for s in result.segments]
    if segment not in ids:
        raise SegbotError(f"There is no segment {segment}; this file has segments {ids[0]} to {ids[-1]}.")


def _check_rows(table: pd.DataFrame, labels: Sequence[int] | np.ndarray) -> None:
    if len(table) != len(labels):
        raise SegbotError("The file changed while it was being read; run the command again.")


def _cells(column: pd.Series) -> list[str]:
    return ["" if pd.isna(value) else str(value).strip() for value in column.tolist()]
