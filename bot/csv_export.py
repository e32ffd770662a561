"""Writing CSV that is safe to open in a spreadsheet: every export of the project goes through `csv_text`.

Formula injection (OWASP "CSV Injection"): Excel, LibreOffice and Google Sheets run a cell that starts with `=`,
`+`, `-` or `@` as a formula (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`), and a leading tab or carriage return can
hide such a start. So a text cell starting with one of those characters gets a leading `'`, which spreadsheets
read as "this is text" and do not display.

Numbers are the one exception, and only where Segbot wrote them: a cell of a numeric column that is a plain
number (`-12`, `-0.5`, `-3%`, `1e-05`) is written as it is. A spreadsheet reads it as a number, never as a
formula, and a quote would turn it into text and break sums and sorting. Anything else in a numeric column, and
any text column cell, follows the rule, so a negative-looking handle or name (`-5`) is quoted: it is someone's
text, not a number Segbot computed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?%?")


def spreadsheet_safe(cell: object, *, numeric: bool = False) -> str:
    """`cell` as CSV text that no spreadsheet runs as a formula (see the module docstring for numbers)."""
    if cell is None:
        return ""
    text = str(cell)
    if not text.startswith(FORMULA_STARTS):
        return text
    if numeric and _PLAIN_NUMBER.fullmatch(text):
        return text
    return "'" + text


def from_spreadsheet_safe(text: str) -> str:
    """The cell as it was before `spreadsheet_safe`, for reading Segbot's own exports back."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]], *, numeric_columns: Collection[str] = ()) -> str:
    """CSV (LF line endings) of `header` and `rows`, every cell made safe; `numeric_columns` are header names."""
    numeric = [name in numeric_columns for name in header]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([spreadsheet_safe(name) for name in header])
    for row in rows:
        writer.writerow([spreadsheet_safe(cell, numeric=i < len(numeric) and numeric[i]) for i, cell in enumerate(row)])
    return buffer.getvalue()


def labels_csv_text(labels: Sequence[int] | np.ndarray) -> str:
    """`row,segment` with the 0-based input row: `segbot segment --labels-out` and the Slack labels.csv.

    The same text as `csv_text(("row", "segment"), enumerate(labels), numeric_columns=("row", "segment"))`:
    every cell is a whole number, which the rule writes as it is (never quoted, never a formula), so the rows
    are written by Arrow's CSV writer (a numpy array of labels is taken as it is); through the csv module a
    million rows took about 5 CPU seconds, a third of a run, and formatting them in Python a quarter of a second.
    """
    import numpy as np
    import pyarrow as pa
    from pyarrow import csv as arrow_csv

    segments = np.asarray(labels, dtype=np.int64)
    table = pa.table({"row": np.arange(len(segments), dtype=np.int64), "segment": segments})
    rows = io.BytesIO()
    arrow_csv.write_csv(table, rows, write_options=arrow_csv.WriteOptions(include_header=False))
    return "row,segment\n" + rows.getvalue().decode("ascii")
