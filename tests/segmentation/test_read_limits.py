"""The read limits: each one stops its reader while reading, with one sentence naming the setting that raises it."""

from __future__ import annotations

import csv
import gzip
import io
import resource
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from segmentation import segment
from segmentation.errors import UnreadableFileError
from segmentation.guarded_stream import GuardedStream
from segmentation.limits import LimitExceededError, ReadLimits
from segmentation.reading import read_table
from tests.corpus.make_hostile import EndlessLine, csv_numeric_extremes, csv_open_quote, write_workbook

COUNTRIES = (b"US", b"DE", b"FR")
ROWS = b"".join(b"%d,%d,%s\n" % (20 + n % 50, n * 7 % 300, COUNTRIES[n % 3]) for n in range(60))
TABLE = b"age,spend,country\n" + ROWS


def _refusal(data: bytes | io.RawIOBase, limits: ReadLimits) -> LimitExceededError:
    with pytest.raises(LimitExceededError) as caught:
        read_table(data if isinstance(data, bytes) else io.BufferedReader(data), limits=limits)
    return caught.value


def _one_sentence(message: str, setting: str) -> None:
    assert message.count(". ") == 0 and message.endswith(f"or raise {setting}.")
    assert f"({setting})" in message and "\n" not in message


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_table_within_the_limits_is_read_as_before() -> None:
    frame = read_table(TABLE, limits=ReadLimits(max_rows=60, max_columns=3, max_cells=180))
    assert frame.shape == (60, 3)


@pytest.mark.parametrize(
    ("limits", "setting", "fragment"),
    [
        (ReadLimits(max_rows=59), "SEGBOT_MAX_ROWS", "more than 59 rows"),
        (ReadLimits(max_columns=2), "SEGBOT_MAX_COLUMNS", "3 columns, more than Segbot's limit of 2"),
        (ReadLimits(max_cells=100), "SEGBOT_MAX_CELLS", "more than 100 cells (34 rows by 3 columns so far)"),
        (ReadLimits(max_line_kb=1), "SEGBOT_MAX_LINE_KB", "Line 1 of the file is longer than 1 KB"),
        (ReadLimits(max_cell_chars=5_000), "SEGBOT_MAX_CELL_CHARS", "in row 3, column 3 is longer than 5,000"),
    ],
)
def test_each_csv_limit_is_one_sentence_naming_its_setting(limits: ReadLimits, setting: str, fragment: str) -> None:
    data = TABLE
    if setting == "SEGBOT_MAX_LINE_KB":
        data = b"name," + b"x" * 2000 + b"\n" + TABLE
    if setting == "SEGBOT_MAX_CELL_CHARS":
        lines = TABLE.split(b"\n")
        lines[2] = b"30,40," + b"y" * 6000
        data = b"\n".join(lines)
    error = _refusal(data, limits)
    assert fragment in str(error)
    _one_sentence(str(error), setting)
    assert error.setting == setting


def test_unpacked_bytes_are_counted_through_gzip_while_reading() -> None:
    small = ReadLimits(max_input_mb=1)
    assert read_table(gzip.compress(TABLE + ROWS * 99), limits=small).shape == (6_000, 3)  # 60 KB unpacked
    error = _refusal(gzip.compress(b"a,b\n" + b"1,2\n" * 400_000), small)  # 1.6 MB unpacked, 8 KB packed
    assert "The file unpacks to more than 1 MB of data" in str(error)
    _one_sentence(str(error), "SEGBOT_MAX_INPUT_MB")


@pytest.mark.parametrize("line", [2_002, 40_002, 100_002])
def test_a_long_line_is_numbered_from_the_top_of_the_file(line: int) -> None:
    """The line count started again after the first pass that counts rows: a long line at 100,002 was "Line 94,027"
    (the lines of the 512 KB head left out), and one in the head was "Line 1"."""
    rows = [f"{i},{i % 7},{i % 3}" for i in range(line + 5_000)]
    rows[line - 2] = '1,2,"' + "x" * 1_100_000 + '"'  # a quote: the row count's pass stops there
    data = ("a,b,c\n" + "\n".join(rows) + "\n").encode()
    assert len(data) > 2 * 512 * 1024
    error = _refusal(data, ReadLimits())
    assert f"Line {line:,} of the file is longer than 1,024 KB" in str(error)


def test_an_endless_line_is_refused_after_one_limit_of_it() -> None:
    stream = EndlessLine()
    started = time.monotonic()
    error = _refusal(stream, ReadLimits())
    assert "Line 2 of the file is longer than 1,024 KB" in str(error)
    assert time.monotonic() - started < 5


def test_the_guard_finds_a_long_line_across_chunk_boundaries() -> None:
    source = io.BytesIO(b"a\n" + b"b" * 700 + b"\nc\n")
    guard = GuardedStream(
        source,
        max_bytes=10_000,
        too_large=lambda: LimitExceededError("max_input_mb", "big", "shrink"),
        separator=b"\n",
        max_run=500,
        too_long=lambda line: LimitExceededError("max_line_kb", f"line {line}", "shorten"),
    )
    reader = io.BufferedReader(guard, buffer_size=64)
    with pytest.raises(LimitExceededError, match="line 2"):
        while reader.read(64):
            pass


def test_a_data_frame_is_held_to_the_shape_limits() -> None:
    frame = pd.DataFrame({"a": range(10), "b": range(10)})
    assert read_table(frame, limits=ReadLimits(max_rows=10)).shape == (10, 2)
    with pytest.raises(LimitExceededError, match="SEGBOT_MAX_ROWS"):
        read_table(frame, limits=ReadLimits(max_rows=9))


def test_a_long_field_near_the_start_is_not_called_an_empty_file() -> None:
    data = b"name,age\n" + b"x" * 200_000 + b",30\n" + b"p,31\n" * 30
    with pytest.raises(LimitExceededError, match="A cell near the start of the file is longer than 100,000"):
        read_table(data)
    frame = read_table(data, limits=ReadLimits(max_cell_chars=300_000))
    assert frame.shape == (31, 2) and len(frame["name"].iloc[0]) == 200_000


def test_an_unclosed_quote_names_its_row_instead_of_losing_rows(tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    csv_open_quote(path)
    with pytest.raises(UnreadableFileError, match="Row 4 of the file opens a quote"):
        read_table(path.read_bytes())
    with pytest.raises(UnreadableFileError, match="Row 3 of the file opens a quote"):
        read_table(b'name,age\np1,30\np2,"31\np3,32\np4,33\n')


def test_a_quote_left_open_for_longer_than_a_cell_may_be_says_so() -> None:
    data = b'age,spend\n1,"2\n' + b"3,4\n" * 100_000
    with pytest.raises(UnreadableFileError, match="Row 2 of the file opens a quote that is not closed within 100,000"):
        read_table(data)


def test_a_header_wider_than_a_cell_may_be_is_called_a_long_line() -> None:
    csv.field_size_limit(131_072)  # the module's default (an earlier read with a higher cell limit raises it)
    columns = 30_000
    data = (",".join(f"c{i}" for i in range(columns)) + "\n" + ",".join("1" * columns) + "\n").encode()
    with pytest.raises(LimitExceededError, match="Line 1 of the file is longer than"):
        read_table(data)


def test_a_quoted_line_break_inside_a_cell_is_still_fine() -> None:
    data = b'name,note,age\np1,"two\nlines",30\n' + b"p,x,31\n" * 20
    frame = read_table(data)
    assert frame["note"].iloc[0] == "two\nlines" and len(frame) == 21


def test_numeric_extremes_segment_without_error(tmp_path: Path) -> None:
    path = tmp_path / "extremes.csv"
    csv_numeric_extremes(path)
    with np.errstate(over="raise", invalid="raise"):
        result = segment(path.read_bytes())
        forced = segment(path.read_bytes(), k=2)
    # The rows follow arithmetic patterns with nothing planted: one segment (k = 1) is a right answer since
    # issue 11; a forced split must work through the extremes too.
    assert result.n_rows == 60 and len(result.segments) == result.k >= 1
    assert forced.k == 2 and len(forced.segments) == 2


# --- .xlsx -----------------------------------------------------------------------------------------------------


def test_a_cell_far_outside_the_table_is_refused_before_openpyxl_builds_the_grid() -> None:
    rows: list[list[object]] = [["age", "spend"], *[[20 + n, n] for n in range(30)]]
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    sheet["ZZ5000"] = 1  # 5,000 rows x 702 columns: 3.5 million cells for two columns of data
    out = io.BytesIO()
    book.save(out)
    started = time.monotonic()
    with pytest.raises(LimitExceededError) as caught:
        read_table(out.getvalue(), limits=ReadLimits(max_cells=1_000_000))
    assert "has a cell at ZZ5000, so its table spans 5,000 rows by 702 columns" in str(caught.value)
    _one_sentence(str(caught.value), "SEGBOT_MAX_CELLS")
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("limits", "fragment"),
    [
        (ReadLimits(max_rows=20), "more than 20 rows"),
        (ReadLimits(max_columns=1), "2 columns (it has a cell at B1), more than Segbot's limit of 1"),
        (ReadLimits(max_xlsx_cells=40), "more than 40 cells, the most Segbot reads from .xlsx files"),
        (ReadLimits(max_cells=40), "more than 40 cells (21 rows by 2 columns so far)"),
    ],
)
def test_xlsx_limits_are_checked_from_the_sheet_xml(limits: ReadLimits, fragment: str) -> None:
    data = _xlsx([["age", "name"], *[[20 + n, f"person {n}"] for n in range(30)]])
    with pytest.raises(LimitExceededError) as caught:
        read_table(data, limits=limits)
    assert fragment in str(caught.value)


def test_the_count_of_shared_strings_is_limited(tmp_path: Path) -> None:
    path = tmp_path / "shared.xlsx"
    texts = [b"<si><t>%d</t></si>" % n for n in range(30)]
    write_workbook(path, [b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'], texts)
    with pytest.raises(LimitExceededError, match="The workbook holds more than 20 distinct texts"):
        read_table(path.read_bytes(), limits=ReadLimits(max_cells=20))


def test_an_xlsx_within_the_limits_reads_as_before() -> None:
    data = _xlsx([["age", "name"], *[[20 + n, f"person {n}"] for n in range(30)]])
    frame = read_table(data, limits=ReadLimits(max_rows=31, max_columns=2, max_xlsx_cells=62, max_cells=62))
    assert frame.shape == (30, 2) and frame["name"].iloc[3] == "person 3"


def test_a_part_packed_like_a_zip_bomb_is_refused_from_the_directory() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet>" + b" " * (20 << 20) + b"</worksheet>")
    with pytest.raises(LimitExceededError, match=r"xl/worksheets/sheet1.xml unpacks to [\d,]+ times its packed size"):
        read_table(out.getvalue())


def test_a_long_text_in_a_workbook_is_refused_while_scanning() -> None:
    data = _xlsx([["age", "note"], *[[20 + n, "short"] for n in range(25)], [50, "z" * 32_000]])
    with pytest.raises(LimitExceededError, match="SEGBOT_MAX_CELL_CHARS"):
        read_table(data, limits=ReadLimits(max_cell_chars=1_000))
    assert read_table(data).shape == (26, 2)


def test_peak_memory_of_a_refused_bomb_stays_low() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(LimitExceededError):
        read_table(gzip.compress(b"1,2\n" * 5_000_000), limits=ReadLimits(max_rows=100_000))
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 200


def test_counting_lines_refuses_a_quote_free_file_before_parsing_it() -> None:
    many = b"a,b,c\n" + b"1,2,3\n" * 300_000  # 900,000 cells against a limit of 300,000
    started = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for data in (many, gzip.compress(many)):
        error = _refusal(data, ReadLimits(max_cells=300_000))
        assert "more than 300,000 cells (100,001 rows by 3 columns so far)" in str(error)
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - started) / 1024 < 100


def test_with_quotes_the_parser_counts_rows_and_blank_lines_do_not_count() -> None:
    quoted = b"name,age\n" + b'"p, q",30\n' * 50
    with pytest.raises(LimitExceededError, match="more than 49 rows"):
        read_table(quoted, limits=ReadLimits(max_rows=49))
    spaced = b"a,b\n" + b"1,2\n\n" * 50  # 50 records on 100 lines
    assert read_table(spaced, limits=ReadLimits(max_rows=50)).shape == (50, 2)
