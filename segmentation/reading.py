"""Reading the tables people export (Excel, Shopify, HubSpot, Google Sheets, survey tools) into a DataFrame.

`read_table(data)` takes bytes or a binary file object (or a DataFrame to clean) and returns a DataFrame with
unique, tidy header names, numeric columns as numbers, text columns as pandas `str`, and every NA-style cell
(`NA`, `N/A`, `null`, `-`, `?`, ...) missing. It looks only at the first bytes of a file object to decide the
format (gzip, .xlsx, encoding, delimiter, decimal comma) and then streams the rest to pandas' C parser, so a
2 GB export is never held twice. Anything that is not a readable table raises `UnreadableFileError` with one
sentence saying what is wrong and what to upload instead.

How the file was read is left in `frame.attrs`: `format` ("csv" or "xlsx"), and for CSV `delimiter`,
`encoding`, `decimal_comma` and `skip_lines` (the report lines above the header).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, BinaryIO, Final, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from segmentation import limits as limit_errors
from segmentation.columns import id_like_name
from segmentation.errors import SegmentationError, UnreadableFileError
from segmentation.guarded_stream import GuardedStream
from segmentation.limits import ReadLimits
from segmentation.values import MISSING_TOKENS, missing_token_cells
from segmentation.xlsx_scan import check_workbook

HEAD_BYTES = 512 * 1024
"""How much of a file is looked at to decide its format; the rest is streamed."""

SNIFF_RECORDS = 200
PREAMBLE_RECORDS = 10
"""A title block above the header may be this many records long at most."""
DELIMITERS = (",", ";", "\t", "|")
_KEPT_AS_TEXT: Final = "string"
"""The dtype of columns read as text whatever they hold (ids; not the "str" of other text columns, whose missing
value is NaN): cleaning strips them but never makes them numbers."""
_DISTINCT_PROBE = 2000
"""Cleaning looks at a column's first rows to tell mostly distinct cells (ids, emails) from repeated ones."""

EMPTY = "The file is empty; upload the CSV or Excel export that holds your table."
HEADER_ONLY = "The file has a header row but no data rows; export the table again with its rows included."
HTML = (
    "The file is a web page (HTML), not a table, perhaps a login page saved instead of the export; "
    "download the CSV or .xlsx export again and upload that."
)
BINARY = "The file is binary data, not a text table; upload the CSV or .xlsx export instead."
IMAGE = "The file is an image ({kind}), not a table; upload the CSV or .xlsx export instead."
PDF = "The file is a PDF document, not a table; upload the CSV or .xlsx export instead."
# Parquet is read by `segbot segment` in chunks (bot/bulk), not here: whole files come as CSV or Excel.
PARQUET = "The file is a Parquet file, not a CSV or Excel table; export the table as CSV or .xlsx and use that."
OLD_OFFICE = (
    "The file is an old Excel 97-2003 (.xls) or other Office document; save it as .xlsx or CSV and upload that."
)
OPEN_DOCUMENT = "The file is an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV and upload that."
XLSB = "The file is an Excel binary workbook (.xlsb); save it as .xlsx or CSV and upload that."
ZIP_NOT_XLSX = "The file is a zip archive, not an Excel workbook; unzip it and upload the CSV or .xlsx inside."
BAD_ZIP = "The file is a damaged Excel workbook or zip archive; save the table again as .xlsx or CSV and upload that."
BAD_XLSX = (
    "The Excel workbook is damaged or unreadable; open it in Excel, save it again as .xlsx or CSV, and upload that."
)
BAD_GZIP = "The gzip file is damaged or incomplete; compress the CSV again, or upload it uncompressed."
MIXED_ENCODING = (
    "The file mixes text encodings (part of it is not valid UTF-8); save it again as CSV UTF-8 and upload that."
)
JSON = "The file is a JSON document, not a table; export the table as CSV or .xlsx and upload that."
RAGGED = (
    "The file does not look like a table: its lines have different numbers of fields; export it again as CSV or .xlsx."
)
SPACE_SEPARATED = (
    "The file's columns are separated by spaces (its header reads as {width} columns: {header}), which cannot be "
    "told apart from spaces inside a value; export it again as CSV (commas), tab-separated text or .xlsx."
)
TOO_MANY_FIELDS = (
    "Line {line} of the file has {seen} fields but the header has {expected}; "
    "check the delimiter and quoting, or export the table again as CSV or .xlsx."
)
WIDER_FIRST_ROW = (
    "Line {line} of the file has more fields than the header's {expected}; "
    "check the delimiter and quoting, or export the table again as CSV or .xlsx."
)
OPEN_QUOTE = (
    "Row {row} of the file opens a quote that is not closed before the end of its line, so the rows after it "
    "would be read as one cell; fix the quote in row {row} (or export the table again as CSV or .xlsx)."
)
DEFAULT_LIMITS = ReadLimits()

_IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
}
_NA_VALUES = sorted(
    {variant for token in MISSING_TOKENS if token for variant in (token, token.upper(), token.title())} | {"NaN"}
)


@dataclass(frozen=True)
class Dialect:
    """What sniffing the head of a text file decided."""

    delimiter: str
    header: tuple[str, ...]
    decimal_comma: bool
    thousands_dot: bool
    skip_lines: int = 0


def read_table(
    data: bytes | bytearray | memoryview | BinaryIO | pd.DataFrame, *, limits: ReadLimits = DEFAULT_LIMITS
) -> pd.DataFrame:
    """The table in `data` (CSV/TSV text, gzip of it, or .xlsx), or a cleaned copy of a DataFrame.

    A file larger than `limits` allow raises `LimitExceededError` (an `UnreadableFileError`) as soon as the
    reader gets there; a DataFrame is checked against the row, column and cell limits.
    """
    if isinstance(data, pd.DataFrame):
        check_shape(data.shape, limits)
        return clean_frame(data)
    if isinstance(data, str | io.TextIOBase):
        raise TypeError("read_table takes bytes or a binary file object (open files with 'rb'), not text or a path")
    stream: BinaryIO = io.BytesIO(data) if isinstance(data, bytes | bytearray | memoryview) else data
    return _read_stream(stream, compressed=False, limits=limits)


def check_shape(shape: tuple[int, int], limits: ReadLimits) -> None:
    """`LimitExceededError` when a table of `shape` (rows, columns) is over the limits."""
    rows, columns = shape
    if columns > limits.max_columns:
        raise limit_errors.too_many_columns(limits, columns)
    if rows > limits.max_rows:
        raise limit_errors.too_many_rows(limits)
    if rows * columns > limits.max_cells:
        raise limit_errors.too_many_cells(limits, rows, columns)


def clean_frame(frame: pd.DataFrame, *, names: Iterable[object] | None = None) -> pd.DataFrame:
    """A copy with unique tidy header names, NA tokens missing, text stripped, and rows numbered from 0."""
    cleaned = frame.copy(deep=False)  # copy-on-write: the caller's frame is never changed
    cleaned.columns = pd.Index(unique_names(cleaned.columns if names is None else names), dtype="str")
    for position in range(cleaned.shape[1]):
        column = cleaned.iloc[:, position]
        tidy = _clean_column(column)
        if tidy is not column:
            cleaned.isetitem(position, tidy.array)
    raw = list(frame.columns) if names is None else list(names)
    blank = [name for name, original in zip(cleaned.columns, raw, strict=True) if not _raw_name(original)]
    empty = [name for name in blank if cleaned[name].isna().all()]
    return cleaned.drop(columns=empty).reset_index(drop=True)


def unique_names(names: Iterable[object]) -> list[str]:
    """Header names without surrounding whitespace or line breaks, blanks named, repeats as `Name (2)`."""
    tidy = [_raw_name(name) or f"Column {position + 1}" for position, name in enumerate(names)]
    taken = set(tidy)
    seen: set[str] = set()
    unique = []
    for name in tidy:
        candidate, number = name, 2
        while candidate in seen or (candidate != name and candidate in taken):
            candidate = f"{name} ({number})"
            number += 1
        seen.add(candidate)
        unique.append(candidate)
    return unique


def _raw_name(name: object) -> str:
    """A header cell as one line of text without surrounding whitespace; "" when blank."""
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return ""
    return re.sub(r"\s+", " ", str(name).replace("\ufeff", "")).strip()


# --- the stream ----------------------------------------------------------------------------------------------


class _Replay(io.RawIOBase):
    """A stream that gives back the bytes already read from `rest` (its head) and then continues with `rest`."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = memoryview(head)
        self._offset = 0
        self._rest = rest
        self._rest_at = _position(rest)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._rest_at is not None

    def tell(self) -> int:
        if self._offset < len(self._head) or self._rest_at is None:
            return self._offset
        return len(self._head) + self._rest.tell() - self._rest_at

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Absolute positions only (what gzip's rewind needs), when the rest can seek."""
        if whence != io.SEEK_SET or self._rest_at is None:
            raise io.UnsupportedOperation("only absolute seeks on a seekable stream")
        self._offset = min(offset, len(self._head))
        self._rest.seek(self._rest_at + max(offset - len(self._head), 0))
        return offset

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._offset < len(self._head):
            count = min(len(buffer), len(self._head) - self._offset)
            buffer[:count] = self._head[self._offset : self._offset + count]
            self._offset += count
            return count
        chunk = self._rest.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _read_up_to(stream: BinaryIO, size: int) -> bytes:
    parts, total = [], 0
    while total < size:
        chunk = stream.read(size - total)
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
    return b"".join(parts)


def _read_stream(stream: BinaryIO, *, compressed: bool, limits: ReadLimits) -> pd.DataFrame:
    try:
        head = _read_up_to(stream, HEAD_BYTES)
    except (gzip.BadGzipFile, EOFError, zlib.error) as error:
        raise UnreadableFileError(BAD_GZIP) from error
    if head.startswith(b"\x1f\x8b"):
        replay = io.BufferedReader(_Replay(head, stream))
        with gzip.GzipFile(fileobj=replay, mode="rb") as unzipped:
            return _read_stream(unzipped, compressed=True, limits=limits)  # type: ignore[arg-type]
    if head.startswith(b"PK\x03\x04"):
        return _read_zip(head, stream, limits, compressed=compressed)
    guard = _line_guard(stream, limits)
    guard.observe(head)
    dialect, encoding = sniff_head(head, truncated=len(head) == HEAD_BYTES, limits=limits)
    frame, encoding = _parse_csv_retrying(head, cast(BinaryIO, guard), dialect, encoding, compressed, limits=limits)
    if len(frame) == 0:
        raise UnreadableFileError(HEADER_ONLY)
    _check_cells(frame, limits, first_row=2 + dialect.skip_lines)
    _check_quotes(frame, dialect)
    cleaned = clean_frame(frame, names=dialect.header)
    cleaned.attrs.update(
        format="csv",
        delimiter=dialect.delimiter,
        encoding=encoding,
        decimal_comma=dialect.decimal_comma,
        skip_lines=dialect.skip_lines,
    )
    return cleaned


def _line_guard(stream: BinaryIO, limits: ReadLimits) -> GuardedStream:
    return GuardedStream(
        stream,
        max_bytes=limits.max_input_bytes,
        too_large=lambda: limit_errors.too_much_text(limits),
        separator=b"\n",
        max_run=limits.max_line_bytes,
        too_long=lambda line: limit_errors.line_too_long(limits, line),
    )


def _check_cells(frame: pd.DataFrame, limits: ReadLimits, *, first_row: int) -> None:
    """`LimitExceededError` naming the first cell longer than `limits.max_cell_chars`."""
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        if not (pd.api.types.is_string_dtype(column) or pd.api.types.is_object_dtype(column)):
            continue
        if (text := _arrow_text(column)) is not None and _most_bytes(text) <= limits.max_cell_chars:
            continue  # no cell has more UTF-8 bytes than the limit's characters, so none is longer
        lengths = column.astype("str").str.len() if pd.api.types.is_object_dtype(column) else column.str.len()
        too_long = np.flatnonzero(lengths.fillna(0).to_numpy() > limits.max_cell_chars)
        if len(too_long):
            where = f"in row {int(too_long[0]) + first_row:,}, column {position + 1}"
            raise limit_errors.cell_too_long(limits, where)


def _check_quotes(frame: pd.DataFrame, dialect: Dialect) -> None:
    """`UnreadableFileError` when a quote opened in a cell swallowed whole records after it.

    A quoted cell may hold line breaks; one whose text after a break holds a full record's worth of
    delimiters is a quote that was never closed, and the rows it ate would otherwise vanish silently.
    """
    needed = max(1, len(dialect.header) - 1)
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        if not pd.api.types.is_string_dtype(column):
            continue
        if (text := _arrow_text(column)) is not None and not _holds_line_break(text):
            continue
        broken = column.str.contains("\n", regex=False).fillna(False).to_numpy(dtype=bool)
        for row in np.flatnonzero(broken):
            lines = str(column.iloc[row]).split("\n")[1:]
            if any(line.count(dialect.delimiter) >= needed for line in lines):
                raise UnreadableFileError(OPEN_QUOTE.format(row=int(row) + 2 + dialect.skip_lines))


# The two checks above look at every cell of every text column; these answer for a whole Arrow column at once
# from its buffers (its cells' UTF-8 bytes end to end, and their offsets), which costs a few milliseconds.
def _arrow_text(column: pd.Series) -> pa.ChunkedArray | None:
    """The Arrow strings holding a text column as pandas read it (not copied); None for other storage."""
    dtype = column.dtype
    if not isinstance(dtype, pd.StringDtype) or dtype.storage != "pyarrow":
        return None
    chunks: pa.ChunkedArray = column.array.__arrow_array__()
    return chunks if chunks.type in (pa.string(), pa.large_string()) else None


def _most_bytes(text: pa.ChunkedArray) -> int:
    """The UTF-8 length in bytes of the longest cell (at least its length in characters)."""
    longest = pc.max(pc.binary_length(text)).as_py()
    return int(longest or 0)


def _holds_line_break(text: pa.ChunkedArray) -> bool:
    """Whether a cell may hold a line break: a newline byte in the cells' bytes (a chunk's data buffer may hold
    bytes of no cell of it, which at worst sends the caller to its exact check)."""
    for chunk in text.chunks:
        data = chunk.buffers()[2]
        if data is not None and bool(np.any(np.frombuffer(data, dtype=np.uint8) == ord("\n"))):
            return True
    return False


def _reject_binary(head: bytes) -> None:
    for magic, kind in _IMAGE_MAGIC.items():
        if head.startswith(magic):
            raise UnreadableFileError(IMAGE.format(kind=kind))
    if head[:2] == b"BM" and head[6:10] == b"\x00\x00\x00\x00":
        raise UnreadableFileError(IMAGE.format(kind="BMP"))
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        raise UnreadableFileError(IMAGE.format(kind="WebP"))
    if head.lstrip()[:5] == b"%PDF-":
        raise UnreadableFileError(PDF)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UnreadableFileError(OLD_OFFICE)
    if head.startswith(b"PAR1"):
        raise UnreadableFileError(PARQUET)
    if b"\x00" in head and _utf16_without_bom(head) is None and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFileError(BINARY)


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when every other byte of mostly-ASCII text is NUL."""
    sample = head[:4096]
    if len(sample) < 4:
        return None
    even_nul = sample[0::2].count(0) / len(sample[0::2])
    odd_nul = sample[1::2].count(0) / len(sample[1::2])
    if odd_nul > 0.6 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.6 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _encoding_of(head: bytes) -> str:
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    bomless = _utf16_without_bom(head) if b"\x00" in head else None
    if bomless:
        return bomless
    try:
        _decode_head(head, "utf-8", errors="strict")
    except UnicodeDecodeError:
        try:
            head.decode("cp1252")
        except UnicodeDecodeError:
            return "latin-1"
        return "cp1252"
    return "utf-8"


def _decode_head(head: bytes, encoding: str, *, errors: str = "replace") -> str:
    """The head as text; a character cut at the end of the head is dropped, not an error."""
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    return decoder.decode(head, final=False)


_PAGE_START = re.compile(r"^<(?:!doctype\s+html|html|head|body|meta|title|script|link|div|form|table)\b")


def _reject_markup(text: str) -> None:
    """HTML pages and JSON documents saved under a .csv name."""
    start = text.lstrip("\ufeff \t\r\n")[:1024].lower()
    if _PAGE_START.match(start) or (start.startswith(("<?xml", "<!--")) and "<html" in start):
        raise UnreadableFileError(HTML)
    if re.match(r"^(?:\{\s*\"|\[\s*[{\[\"])", start):
        raise UnreadableFileError(JSON)


# --- CSV -----------------------------------------------------------------------------------------------------


def sniff(text: str, *, truncated: bool, limits: ReadLimits = DEFAULT_LIMITS) -> Dialect:
    """Delimiter, header and number format decided from the first records of the file's text."""
    if csv.field_size_limit() <= limits.max_cell_chars:  # the csv module's own cap is 128 K characters
        csv.field_size_limit(limits.max_cell_chars + 1)
    try:
        return _sniff(text, truncated=truncated)
    except csv.Error as error:  # only "field larger than field limit" escapes _records
        raise _long_field_error(text, limits) from error


def _long_field_error(text: str, limits: ReadLimits) -> SegmentationError:
    """Why the csv module met a field over the limit: a quote never closed, a first line too long, or a long cell."""
    opened_on = _unclosed_quote_line(text)
    if opened_on is not None:
        return UnreadableFileError(
            f"Row {opened_on:,} of the file opens a quote that is not closed within {limits.max_cell_chars:,} "
            "characters, so the rest of the file would read as one cell: remove the stray quote or close it "
            f"(if that cell really is this long, raise {ReadLimits.setting('max_cell_chars')})."
        )
    first_line = text.split("\n", 1)[0]
    if len(first_line) > limits.max_cell_chars:
        return limit_errors.line_too_long(limits, 1)
    return limit_errors.cell_too_long(limits, "near the start of the file")


def _unclosed_quote_line(text: str) -> int | None:
    """The line where a quoted field opens and never closes within the text (quotes inside fields come in pairs)."""
    opened_on: int | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        if line.count('"') % 2:
            opened_on = number if opened_on is None else None
    return opened_on


def _sniff(text: str, *, truncated: bool) -> Dialect:
    if truncated and "\n" in text:
        text = text[: text.rfind("\n") + 1]
    hint = _SEPARATOR_HINT.match(text)
    if hint:  # Excel's "sep=;" first line names the delimiter
        records, _ = _records(text[hint.end() :], hint.group(1), drop_last=truncated)
        if not records:
            raise UnreadableFileError(EMPTY)
        return Dialect(hint.group(1), tuple(records[0]), *_number_format(records[1:], hint.group(1)), skip_lines=1)
    best: tuple[tuple[bool, int, float, int], Dialect] | None = None
    for delimiter in DELIMITERS:
        records, lines_before = _records(text, delimiter, drop_last=truncated)
        if not records:
            raise UnreadableFileError(EMPTY)
        widths = [len(record) for record in records]
        start = header_start(widths)
        if start is None:
            continue
        width, body = widths[start], widths[start + 1 :]
        exact = sum(found == width for found in body) / len(body) if body else 1.0
        score = (exact >= 0.9, width, exact, -start)  # consistent first, then the most columns
        if best is None or score > best[0]:
            number_format = _number_format(records[start + 1 :], delimiter)
            best = (score, Dialect(delimiter, tuple(records[start]), *number_format, skip_lines=lines_before[start]))
    if best is not None:
        return best[1]
    records, _ = _records(text, ",", drop_last=truncated)
    if any(len(record) > 1 for record in records):
        raise UnreadableFileError(RAGGED)
    _refuse_space_separated([record[0] for record in records])
    return Dialect(",", tuple(records[0]), decimal_comma=False, thousands_dot=False)


def _refuse_space_separated(lines: list[str]) -> None:
    """`UnreadableFileError` for a one-column file whose lines all split on spaces into the header's 3+ fields
    (a space-separated or fixed-width export), which would otherwise read as one column of unique text.

    Fields are split two ways: at runs of spaces with quotes kept together (`"New York" 34 120`), and at runs of
    two or more spaces or tabs (a fixed-width `Ann Lee   New York   34`)."""
    for split in (_split_on_spaces, _split_on_wide_gaps):
        widths = [len(split(line)) for line in lines]
        width, body = widths[0], widths[1:]
        if width >= 3 and body and sum(found == width for found in body) >= 0.9 * len(body):
            names = split(lines[0])
            header = ", ".join(names[:3]) + (", ..." if width > 3 else "")
            raise UnreadableFileError(SPACE_SEPARATED.format(width=width, header=header))


def _split_on_spaces(line: str) -> list[str]:
    reader = csv.reader([line.replace("\t", " ").strip()], delimiter=" ", quotechar='"', skipinitialspace=True)
    return next(reader, [])


def _split_on_wide_gaps(line: str) -> list[str]:
    return [field for field in re.split(r"\s{2,}|\t", line.strip()) if field]


def header_start(widths: list[int]) -> int | None:
    """Which of the first records is the header, given how many fields each record has.

    Usually the first. Exports with a title block ("Customer export", "Generated 2024-03-05") have a few
    narrow lines first; the header is the first record with two or more fields, clearly wider than everything
    before it (twice as wide, or two fields against more), that at least half of the records after it match.
    """
    for start, width in enumerate(widths[:PREAMBLE_RECORDS]):
        body = widths[start + 1 :]
        matching = sum(found == width for found in body) / len(body) if body else 1.0
        if (
            width >= 2
            and matching >= 0.5
            and all(before < width and before <= max(2, width // 2) for before in widths[:start])
        ):
            return start
    return None


_SEPARATOR_HINT = re.compile(r"^\ufeff?sep=(.)[ \t]*\r?\n", re.IGNORECASE)


def _records(text: str, delimiter: str, *, drop_last: bool) -> tuple[list[list[str]], list[int]]:
    """The first non-blank records, and how many lines of the text come before each one."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    records: list[list[str]] = []
    lines_before: list[int] = []
    consumed = 0
    try:
        for record in reader:
            if record and any(field.strip() for field in record):
                records.append(record)
                lines_before.append(consumed)
            consumed = reader.line_num
            if len(records) > SNIFF_RECORDS:
                break
    except csv.Error as error:
        if "field limit" in str(error):
            raise
        return records, lines_before
    if drop_last and len(records) <= SNIFF_RECORDS and len(records) > 2:
        records.pop()
        lines_before.pop()
    return records, lines_before


# `310,000` groups thousands as often as not: only other shapes (`1,5`, `1.234,56`) count as decimal commas.
_COMMA_DECIMAL = re.compile(r"^[-+]?(?:\d{1,3}(?:\.\d{3})+,\d+|\d+,(?:\d{1,2}|\d{4,}))$")
_DOT_DECIMAL = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+$")
_DOT_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")


def _number_format(rows: list[list[str]], delimiter: str) -> tuple[bool, bool]:
    """(decimal comma, dot groups thousands) for files not separated by commas, judged from their cells."""
    if delimiter == ",":
        return False, False
    cells = [field.strip() for row in rows for field in row]
    comma = sum(bool(_COMMA_DECIMAL.match(cell)) for cell in cells)
    dot_groups = sum(bool(_DOT_THOUSANDS.match(cell)) for cell in cells)
    dot = sum(bool(_DOT_DECIMAL.match(cell)) and not _DOT_THOUSANDS.match(cell) for cell in cells)
    decimal_comma = comma > 0 and comma > dot
    return decimal_comma, decimal_comma and dot_groups > 0 and dot == 0


def _parse_csv_retrying(
    head: bytes, stream: BinaryIO, dialect: Dialect, encoding: str, compressed: bool, *, limits: ReadLimits
) -> tuple[pd.DataFrame, str]:
    """The parsed table and its encoding.

    UTF-8 is parsed strictly (pandas' fast path). A byte past the head that is not UTF-8 means a second pass:
    as cp1252 when the head was plain ASCII (a Windows export whose first accents come late), else as UTF-8
    with the stray bytes replaced.
    """
    rest_at = _position(stream)
    if rest_at is not None:
        try:
            _refuse_many_lines(head, stream, rest_at, dialect, limits)
        except (gzip.BadGzipFile, EOFError, zlib.error) as error:
            raise UnreadableFileError(BAD_GZIP if compressed else BINARY) from error
    errors = "strict" if encoding.startswith("utf-8") else "replace"
    try:
        return _parse_csv(_replay(head, stream), dialect, encoding, compressed, limits, errors=errors), encoding
    except UnicodeDecodeError as error:
        if rest_at is None:
            raise UnreadableFileError(MIXED_ENCODING) from error
        stream.seek(rest_at)
        fallback = "cp1252" if head.isascii() else encoding
        frame = _parse_csv(_replay(head, stream), dialect, fallback, compressed, limits, errors="replace")
        return frame, fallback


def _refuse_many_lines(head: bytes, stream: BinaryIO, rest_at: int, dialect: Dialect, limits: ReadLimits) -> None:
    """The row or cell limit's error before parsing, when counting lines already shows the file is over it.

    Parsing up to the limit first would cost the memory of a limit's worth of rows (about 300 MB for 20 million
    cells). Without any quote in the file, every non-blank line is one record, so a pass counting line breaks
    (a few milliseconds a megabyte) can tell. With a quote anywhere, or a stream that cannot go back, it says
    nothing and the parser's own row limit decides.
    """
    columns = len(dialect.header)
    allowed = min(limits.max_rows, limits.max_cells // max(columns, 1))
    if b'"' in head or _line_breaks_at_most(head, stream, allowed + 1 + dialect.skip_lines):
        stream.seek(rest_at)
        return
    stream.seek(rest_at)
    lines = _non_blank_lines(head) - 1 - dialect.skip_lines  # the header and the lines above it
    while chunk := stream.read(1 << 20):
        if b'"' in chunk:
            break
        lines += _non_blank_lines(chunk) - 1  # minus one: a blank line may straddle two chunks
        if lines > allowed:
            if allowed == limits.max_rows:
                raise limit_errors.too_many_rows(limits)
            raise limit_errors.too_many_cells(limits, allowed + 1, columns)
    stream.seek(rest_at)


def _line_breaks_at_most(head: bytes, stream: BinaryIO, most: int) -> bool:
    """Whether the file holds at most `most` line breaks (or a quote: then counting says nothing).

    One cheap pass that settles the common case; blank lines, which the exact count leaves out, only matter
    when the line breaks alone go past the limit."""
    breaks = head.count(b"\n")
    while breaks <= most and (chunk := stream.read(1 << 20)):
        if b'"' in chunk:
            return True
        breaks += chunk.count(b"\n")
    return breaks <= most


def _non_blank_lines(data: bytes) -> int:
    return data.count(b"\n") - data.count(b"\n\n") - data.count(b"\n\r\n")


def _replay(head: bytes, stream: BinaryIO) -> BinaryIO:
    return io.BufferedReader(_Replay(head, stream), buffer_size=1 << 20)


def _position(stream: BinaryIO) -> int | None:
    try:
        return stream.tell() if stream.seekable() else None
    except (OSError, ValueError):
        return None


def _parse_csv(
    stream: BinaryIO, dialect: Dialect, encoding: str, compressed: bool, limits: ReadLimits, *, errors: str
) -> pd.DataFrame:
    """The rows of the CSV, stopping one row past what the row and cell limits allow."""
    columns = len(dialect.header)
    allowed = min(limits.max_rows, limits.max_cells // max(columns, 1))
    frame = _read_csv(stream, dialect, encoding, compressed, errors=errors, nrows=allowed + 1)
    if len(frame) > allowed:
        if allowed == limits.max_rows:
            raise limit_errors.too_many_rows(limits)
        raise limit_errors.too_many_cells(limits, len(frame), columns)
    return frame


def csv_options(dialect: Dialect, encoding: str) -> dict[str, Any]:
    """The `pandas.read_csv` options that parse a file of `dialect` (columns named 0..n-1; `clean_frame`
    with `names=dialect.header` names them)."""
    return {
        "sep": dialect.delimiter,
        "quotechar": '"',
        "skiprows": dialect.skip_lines,
        "header": 0,
        "names": list(range(len(dialect.header))),
        "index_col": False,
        "na_values": _NA_VALUES,
        "keep_default_na": True,
        "encoding": encoding,
        "on_bad_lines": "error",
        "decimal": "," if dialect.decimal_comma else ".",
        "thousands": "." if dialect.thousands_dot else None,
        # Ids stay text, exactly as written: "00017" is not 17 and "2E5" not 200000.0 in an exported audience.
        "dtype": {position: _KEPT_AS_TEXT for position, name in enumerate(dialect.header) if id_like_name(str(name))},
    }


def sniff_head(head: bytes, *, truncated: bool, limits: ReadLimits = DEFAULT_LIMITS) -> tuple[Dialect, str]:
    """The dialect and encoding of a text table from its first bytes (`UnreadableFileError` when it is none)."""
    _reject_binary(head)
    encoding = _encoding_of(head)
    text = _decode_head(head, encoding)
    if not text.strip():
        raise UnreadableFileError(EMPTY)
    _reject_markup(text)
    dialect = sniff(text, truncated=truncated, limits=limits)
    if len(dialect.header) > limits.max_columns:
        raise limit_errors.too_many_columns(limits, len(dialect.header))
    return dialect, encoding


# What pandas' CSV reader and the gzip stream under it raise on a broken file (`unreadable_csv` says which).
CSV_READ_ERRORS = (pd.errors.ParserError, gzip.BadGzipFile, EOFError, zlib.error)


def _read_csv(
    stream: BinaryIO, dialect: Dialect, encoding: str, compressed: bool, *, errors: str, nrows: int
) -> pd.DataFrame:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pd.errors.DtypeWarning)
            # pandas drops the extra fields of a first row wider than the header, with only this warning.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame: pd.DataFrame = pd.read_csv(
                stream, **csv_options(dialect, encoding), encoding_errors=errors, nrows=nrows
            )
            return frame
    except pd.errors.EmptyDataError as error:
        raise UnreadableFileError(EMPTY) from error
    except pd.errors.ParserWarning as error:
        first_row = dialect.skip_lines + 2
        raise UnreadableFileError(WIDER_FIRST_ROW.format(line=first_row, expected=len(dialect.header))) from error
    except CSV_READ_ERRORS as error:
        raise unreadable_csv(error, dialect, compressed=compressed) from error


def unreadable_csv(error: Exception, dialect: Dialect, *, compressed: bool) -> UnreadableFileError:
    """The sentence for one of `CSV_READ_ERRORS`: a quote never closed, a row with too many fields, a damaged
    gzip stream. Shared by the whole-file reader and the chunked one (bot/bulk/chunks.py)."""
    if not isinstance(error, pd.errors.ParserError):
        return UnreadableFileError(BAD_GZIP if compressed else BINARY)
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
    unclosed = re.search(r"EOF inside string starting at row (\d+)", str(error))
    if unclosed:
        return UnreadableFileError(OPEN_QUOTE.format(row=int(unclosed.group(1)) + 1 + dialect.skip_lines))
    if found:
        expected, line, seen = found.groups()
        return UnreadableFileError(TOO_MANY_FIELDS.format(line=line, seen=seen, expected=expected))
    return UnreadableFileError(RAGGED)


# --- xlsx ----------------------------------------------------------------------------------------------------


def _read_zip(head: bytes, stream: BinaryIO, limits: ReadLimits, *, compressed: bool) -> pd.DataFrame:
    whole = _seekable_whole(head, stream, limits, compressed=compressed)
    try:
        with zipfile.ZipFile(whole) as archive:
            entries = set(archive.namelist())
            mimetype = archive.read("mimetype") if "mimetype" in entries and _small(archive, "mimetype") else b""
            if b"opendocument" in mimetype:
                raise UnreadableFileError(OPEN_DOCUMENT)
            if "xl/workbook.bin" in entries:
                raise UnreadableFileError(XLSB)
            if "xl/workbook.xml" not in entries:
                raise UnreadableFileError(ZIP_NOT_XLSX)
            check_workbook(archive, limits)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as error:
        raise UnreadableFileError(BAD_ZIP) from error
    whole.seek(0)
    try:
        sheet = pd.read_excel(whole, sheet_name=0, header=None, engine="openpyxl")
    except Exception as error:  # openpyxl raises many kinds (KeyError, ValueError, XML errors) for broken parts
        raise UnreadableFileError(BAD_XLSX) from error
    sheet = sheet.dropna(how="all").dropna(axis=1, how="all")
    if sheet.empty:
        raise UnreadableFileError(EMPTY)
    filled = sheet.notna().to_numpy()
    extents = np.where(filled.any(axis=1), filled.shape[1] - np.argmax(filled[:, ::-1], axis=1), 0)
    start = header_start(extents.tolist()) or 0
    sheet = sheet.iloc[start:].dropna(axis=1, how="all")
    if len(sheet) == 1:
        raise UnreadableFileError(HEADER_ONLY)
    body = sheet.iloc[1:].infer_objects()
    _check_cells(body, limits, first_row=int(sheet.index[0]) + 2)
    cleaned = clean_frame(body, names=list(sheet.iloc[0]))
    cleaned.attrs.update(format="xlsx")
    return cleaned


def _small(archive: zipfile.ZipFile, name: str) -> bool:
    return archive.getinfo(name).file_size <= 1024


def _seekable_whole(head: bytes, stream: BinaryIO, limits: ReadLimits, *, compressed: bool) -> BinaryIO:
    """The whole file as a seekable stream (zip needs its end first): the stream itself when it can seek.

    A gzip stream could seek too, but only by unpacking everything; it is read into memory, within the limit.
    """
    try:
        if stream.seekable() and not compressed:
            stream.seek(stream.tell() - len(head))
            return stream
    except (OSError, ValueError):
        pass
    guard = _line_guard(stream, replace(limits, max_line_kb=limits.max_input_mb * 1000))
    guard.observe(head)
    return io.BytesIO(head + io.BufferedReader(guard).read())


# --- cleaning ------------------------------------------------------------------------------------------------


def _clean_column(column: pd.Series) -> pd.Series:
    """Text stripped and NA tokens missing; object columns become `str` or numbers."""
    if pd.api.types.is_object_dtype(column):
        column = _from_objects(column)
    if not pd.api.types.is_string_dtype(column):
        return column
    if not _needs_tidying(column):
        return column  # the common case
    codes, uniques = pd.factorize(column)
    tidy = _tidy_texts(pd.Series(uniques, dtype="str"))
    cleaned = pd.Series(tidy.array.take(codes, allow_fill=True), index=column.index, name=column.name)
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.na_value is pd.NA:
        # Read as text on purpose (an id column, see `csv_options`): "00017" and "17" stay what was written.
        return cleaned.astype(_KEPT_AS_TEXT)
    numbers = pd.to_numeric(cleaned, errors="coerce")
    if cleaned.notna().any() and numbers.notna().sum() == cleaned.notna().sum():
        return numbers
    return cleaned


def _needs_tidying(column: pd.Series) -> bool:
    """Whether any cell has whitespace around it or is a missing-value token.

    Decided from the distinct values when they are few; a column of mostly distinct cells (ids, emails) is
    checked whole, which costs less than hashing it (a sixth of the time at a million emails)."""
    mostly_distinct = column.iloc[:_DISTINCT_PROBE].nunique() > _DISTINCT_PROBE // 2
    cells = column.dropna() if mostly_distinct else pd.Series(column.unique()).dropna()
    texts = cells.astype("str")
    return bool((_tidy_texts(texts) != texts).any())


def _tidy_texts(texts: pd.Series) -> pd.Series:
    stripped = texts.str.strip()
    return stripped.where(~missing_token_cells(stripped))


def _from_objects(column: pd.Series) -> pd.Series:
    kind = pd.api.types.infer_dtype(column, skipna=True)
    if kind in {"integer", "floating", "mixed-integer-float", "decimal"}:
        try:
            return pd.to_numeric(column, errors="coerce")
        except OverflowError:  # an integer of hundreds of digits: no float holds it
            return pd.to_numeric(column.map(_float_or_missing), errors="coerce")
    if kind in {"boolean", "datetime", "datetime64", "date", "empty"}:
        return column.infer_objects()
    return column.astype("str").where(column.notna())


def _float_or_missing(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (OverflowError, TypeError, ValueError):
        return np.nan
