"""How much of a file the readers will take: `ReadLimits`, and the one-sentence error for a breach.

The readers check every limit while they read (a counting reader under pandas, a scan of an .xlsx's XML before
openpyxl builds anything), so a hostile file is refused after at most about one limit's worth of work. The
application builds `ReadLimits` from its settings (bot/settings.py); each field names the setting that raises
it, and every message says which limit was hit and how to raise it. docs/limits.md lists them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from segmentation.errors import UnreadableFileError

MB = 1_000_000


def _limit(default: int, setting: str) -> int:
    return field(default=default, metadata={"setting": setting})


@dataclass(frozen=True)
class ReadLimits:
    """The largest input each reader accepts; the defaults fit real exports with room to spare."""

    max_input_mb: int = _limit(500, "SEGBOT_MAX_INPUT_MB")
    """Bytes of text after unpacking (gzip, or the parts of an .xlsx read), in millions."""
    max_rows: int = _limit(2_000_000, "SEGBOT_MAX_ROWS")
    max_columns: int = _limit(2_000, "SEGBOT_MAX_COLUMNS")
    max_cells: int = _limit(20_000_000, "SEGBOT_MAX_CELLS")
    """Rows x columns of the table (for .xlsx: of the rectangle its cells span), and distinct texts of a workbook."""
    max_xlsx_cells: int = _limit(1_000_000, "SEGBOT_MAX_XLSX_CELLS")
    """Cells of an Excel sheet: openpyxl reads about 35,000 cells a second, so larger sheets should come as CSV."""
    max_cell_chars: int = _limit(100_000, "SEGBOT_MAX_CELL_CHARS")
    max_line_kb: int = _limit(1_024, "SEGBOT_MAX_LINE_KB")
    """Bytes of one physical line of a text file, in thousands (1,024 = 1 MiB)."""
    max_compression_ratio: int = _limit(100, "SEGBOT_MAX_COMPRESSION_RATIO")
    """Unpacked / packed size of a large part of an .xlsx (real workbooks: 5-20)."""

    def __post_init__(self) -> None:
        for limit in fields(self):
            if getattr(self, limit.name) < 1:
                raise ValueError(f"{limit.name} must be 1 or more")

    @property
    def max_input_bytes(self) -> int:
        return self.max_input_mb * MB

    @property
    def max_line_bytes(self) -> int:
        return self.max_line_kb * 1024

    @staticmethod
    def setting(name: str) -> str:
        """The environment variable that sets the limit `name` (a field of ReadLimits)."""
        return str(next(limit for limit in fields(ReadLimits) if limit.name == name).metadata["setting"])


class LimitExceededError(UnreadableFileError):
    """The input is larger than one of the `ReadLimits`; `limit` is the field's name."""

    def __init__(self, limit: str, found: str, advice: str) -> None:
        setting = ReadLimits.setting(limit)
        super().__init__(f"{found} ({setting}); {advice}, or raise {setting}.")
        self.limit = limit
        self.setting = setting
        self.found = found  # what is too large, for a caller with other advice (the command line's --chunked)


def too_many_rows(limits: ReadLimits) -> LimitExceededError:
    return LimitExceededError(
        "max_rows",
        f"The table has more than {limits.max_rows:,} rows, Segbot's limit",
        "upload a sample or split the file",
    )


def too_many_columns(limits: ReadLimits, found: int, where: str = "") -> LimitExceededError:
    return LimitExceededError(
        "max_columns",
        f"The table has {found:,} columns{where}, more than Segbot's limit of {limits.max_columns:,}",
        "export only the columns you need (or delete stray cells far outside the table)",
    )


def too_many_cells(limits: ReadLimits, rows: int, columns: int) -> LimitExceededError:
    return LimitExceededError(
        "max_cells",
        f"The table has more than {limits.max_cells:,} cells ({rows:,} rows by {columns:,} columns so far), "
        "Segbot's limit",
        "drop columns you do not need or upload fewer rows",
    )


def too_much_text(limits: ReadLimits) -> LimitExceededError:
    return LimitExceededError(
        "max_input_mb",
        f"The file unpacks to more than {limits.max_input_mb:,} MB of data, Segbot's limit",
        "upload a smaller extract",
    )


def line_too_long(limits: ReadLimits, line: int, *, what: str = "Line") -> LimitExceededError:
    return LimitExceededError(
        "max_line_kb",
        f"{what} {line:,} of the file is longer than {limits.max_line_kb:,} KB, Segbot's limit",
        "check that the file is a table with one record per line",
    )


def cell_too_long(limits: ReadLimits, where: str) -> LimitExceededError:
    return LimitExceededError(
        "max_cell_chars",
        f"A cell {where} is longer than {limits.max_cell_chars:,} characters, Segbot's limit",
        "shorten that text or leave its column out of the export",
    )


def too_many_sheet_cells(limits: ReadLimits) -> LimitExceededError:
    return LimitExceededError(
        "max_xlsx_cells",
        f"The Excel sheet has more than {limits.max_xlsx_cells:,} cells, the most Segbot reads from .xlsx files",
        f"save the sheet as CSV (Segbot reads up to {limits.max_cells:,} cells from CSV)",
    )


def sheet_too_wide(limits: ReadLimits, cell: str, rows: int, columns: int) -> LimitExceededError:
    """A cell far from the others stretches the rectangle the sheet is read as."""
    return LimitExceededError(
        "max_cells",
        f"The sheet has a cell at {cell}, so its table spans {rows:,} rows by {columns:,} columns, more than "
        f"Segbot's limit of {limits.max_cells:,} cells",
        "delete the stray cells outside the table (or save the table as CSV)",
    )


def too_many_texts(limits: ReadLimits) -> LimitExceededError:
    return LimitExceededError(
        "max_cells",
        f"The workbook holds more than {limits.max_cells:,} distinct texts, Segbot's limit",
        "save only the sheet with the table, as .xlsx or CSV",
    )


def packed_too_tightly(limits: ReadLimits, part: str, ratio: float) -> LimitExceededError:
    return LimitExceededError(
        "max_compression_ratio",
        f"The workbook's part {part} unpacks to {ratio:,.0f} times its packed size, where real workbooks stay "
        f"under 20 and Segbot's limit is {limits.max_compression_ratio:,}",
        "save the table again as .xlsx or CSV",
    )
