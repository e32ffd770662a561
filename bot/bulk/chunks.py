"""Reading a table as cleaned DataFrame chunks of rows: one CSV file, or a folder of CSV / Parquet partitions.

Chunks are cleaned as `segmentation.reading.read_table` cleans a whole file (tidy names, NA tokens missing,
text stripped) and keep the file's dialect, so `segmentation.streaming` reads them like one table. The row
and cell limits do not apply (memory is bounded by the chunk size); a line longer than SEGBOT_MAX_LINE_KB
is still refused.
"""

from __future__ import annotations

import gzip
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

import pandas as pd

from bot.errors import SegbotError
from bot.files import open_input
from segmentation import limits as limit_errors
from segmentation.errors import SegmentationError, UnreadableFileError
from segmentation.guarded_stream import GuardedStream
from segmentation.limits import ReadLimits
from segmentation.reading import (
    BAD_GZIP,
    CSV_READ_ERRORS,
    DEFAULT_LIMITS,
    EMPTY,
    HEAD_BYTES,
    Dialect,
    clean_frame,
    csv_options,
    sniff_head,
    unique_names,
    unreadable_csv,
)

CHUNK_ROWS = 200_000
PARTITION_SUFFIXES = (".csv", ".tsv", ".csv.gz", ".parquet")
BAD_PARQUET = (
    "The file is not a readable Parquet file (damaged, cut short, or another format named .parquet); write it "
    "again from its source, or give the table as CSV."
)


@dataclass(frozen=True)
class TableFile:
    """One CSV file (plain or gzip) with its sniffed dialect and encoding, or one Parquet file."""

    path: Path
    dialect: Dialect | None = None
    encoding: str = "utf-8"

    @property
    def decimal_comma(self) -> bool:
        return self.dialect.decimal_comma if self.dialect is not None else False


def table_file(path: Path, *, limits: ReadLimits = DEFAULT_LIMITS) -> TableFile:
    """The file at `path`, sniffed; a `SegbotError` or `UnreadableFileError` (one sentence) when it is not a
    readable CSV, TSV, .csv.gz or Parquet file."""
    if path.name.lower().endswith(".parquet"):
        table = TableFile(path)
        column_names(table)  # reads the footer: a damaged file is refused before any work
        return table
    with open_input(path) as raw:
        stream = _unzipped(raw)
        try:
            head = stream.read(HEAD_BYTES)
        except CSV_READ_ERRORS as error:  # a gzip file cut short within its first bytes
            raise UnreadableFileError(BAD_GZIP) from error
    if head.startswith(b"PK\x03\x04"):
        raise SegbotError(
            f"{path.name} is an Excel workbook; reading in chunks takes CSV, TSV, .csv.gz or Parquet, so save the "
            "sheet as CSV (or drop --chunked for sheets Excel can hold)."
        )
    dialect, encoding = sniff_head(head, truncated=len(head) == HEAD_BYTES, limits=limits)
    return TableFile(path, dialect, encoding)


def file_state(path: Path) -> tuple[int, int]:
    """What tells that a file changed between two readings: its size and modification time."""
    status = path.stat()
    return status.st_size, status.st_mtime_ns


def check_unchanged(path: Path, before: tuple[int, int]) -> None:
    """A `SegbotError` when the file changed since `before` (`file_state`): a chunked run reads it twice, and
    labels from a second reading of other rows would not belong to the segments the first one found."""
    if file_state(path) != before:
        raise SegbotError(
            f"{path.name} changed while Segbot was reading it (its size or time differ between the sample and the "
            "labelling pass), so no labels were written; run again once the file is complete."
        )


@contextmanager
def naming_partition(path: Path) -> Iterator[None]:
    """A file problem found while reading one partition of a folder, told with the partition's name: the
    sentences of the readers say "the file", and a folder has many."""
    try:
        yield
    except (SegbotError, SegmentationError) as error:
        message = str(error)
        if path.name in message:
            raise
        if message == EMPTY:  # its "upload the export" is for a whole file, not one file of a folder
            raise SegbotError(
                f"The partition {path.name} is empty; remove it from the folder, or export it again with its rows."
            ) from error
        raise SegbotError(f"In the partition {path.name}: {message[:1].lower()}{message[1:]}") from error


@contextmanager
def _reading_parquet() -> Iterator[None]:
    """pyarrow's errors on a file that is not Parquet or was cut short, as one sentence."""
    import pyarrow as pa

    try:
        yield
    except pa.ArrowException as error:
        raise UnreadableFileError(BAD_PARQUET) from error
    except OSError as error:
        if error.errno is not None:  # the system's (a missing file, a full disk), not pyarrow's "corrupt data"
            raise
        raise UnreadableFileError(BAD_PARQUET) from error


def column_names(table: TableFile) -> list[str]:
    """The column names its chunks will have (as `clean_frame` tidies them), from the header alone."""
    if table.dialect is None:
        import pyarrow.parquet as pq

        with _reading_parquet():
            return unique_names(pq.read_schema(table.path).names)
    return unique_names(table.dialect.header)


def check_same_columns(tables: list[TableFile]) -> None:
    """A `SegbotError` naming the first partition whose columns differ from those most partitions share.

    The columns most partitions have are the reference (the first partition's on a tie), so one stray file
    sorted first is the one named, not every other partition."""
    names = [column_names(table) for table in tables]
    shared = Counter(frozenset(found) for found in names)
    reference = max(range(len(tables)), key=lambda at: (shared[frozenset(names[at])], -at))
    first = names[reference]
    for table, found in zip(tables, names, strict=True):
        if set(found) == set(first):
            continue
        missing = [name for name in first if name not in found]
        extra = [name for name in found if name not in first]
        what = "; ".join(
            part
            for part in (
                f"it lacks {_listed(missing)}" if missing else "",
                f"it has {_listed(extra)} as well" if extra else "",
            )
            if part
        )
        alike = shared[frozenset(first)]
        others = f" and {alike - 1} other partition{'s' if alike > 2 else ''}" if alike > 1 else ""
        raise SegbotError(
            f"The partition {table.path.name} does not have the columns of {tables[reference].path.name}{others} "
            f"({what}); every partition of a folder must have the same columns: fix its header or move it out of "
            "the folder."
        )


def _listed(names: list[str], shown: int = 5) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def partition_files(path: Path) -> list[Path]:
    """The partitions of a folder (its CSV, TSV, .csv.gz and Parquet files, by name, whatever the case of their
    extension), or `[path]` for a file."""
    if not path.is_dir():
        return [path]
    parts = sorted(p for p in path.iterdir() if p.is_file() and p.name.lower().endswith(PARTITION_SUFFIXES))
    if not parts:
        raise SegbotError(f"The folder {path} holds no .csv, .tsv, .csv.gz or .parquet partitions; check the path.")
    return parts


def read_chunks(
    table: TableFile, *, chunk_rows: int = CHUNK_ROWS, limits: ReadLimits = DEFAULT_LIMITS
) -> Iterator[pd.DataFrame]:
    """The rows of `table` as cleaned chunks of at most `chunk_rows` rows, numbered from 0 within each chunk."""
    if table.dialect is None:
        import pyarrow.parquet as pq

        with _reading_parquet():
            for batch in pq.ParquetFile(table.path).iter_batches(batch_size=chunk_rows):
                yield clean_frame(batch.to_pandas())
        return
    dialect = table.dialect
    with open_input(table.path) as raw:
        stream = _unzipped(raw)
        guarded = GuardedStream(
            stream,
            max_bytes=sys.maxsize,
            too_large=lambda: limit_errors.too_much_text(limits),
            separator=b"\n",
            max_run=limits.max_line_bytes,
            too_long=lambda line: limit_errors.line_too_long(limits, line),
        )
        options = csv_options(dialect, table.encoding)
        reader = pd.read_csv(cast(BinaryIO, guarded), **options, encoding_errors="replace", chunksize=chunk_rows)
        with reader:
            try:
                for chunk in reader:
                    yield clean_frame(chunk, names=dialect.header)
            except CSV_READ_ERRORS as error:
                # pandas' C parser can turn what interrupted a read (Ctrl-C, an I/O error) into a ParserError:
                # that is no fault of the file, and saying so would send the user to re-export a good one.
                if isinstance(error.__context__, (KeyboardInterrupt, OSError)):
                    raise error.__context__ from None
                raise unreadable_csv(error, dialect, compressed=isinstance(stream, gzip.GzipFile)) from error


def _unzipped(raw: BinaryIO) -> BinaryIO:
    start = raw.read(2)
    raw.seek(0)
    return cast(BinaryIO, gzip.GzipFile(fileobj=raw, mode="rb")) if start == b"\x1f\x8b" else raw
