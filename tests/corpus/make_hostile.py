"""Write the hostile files of issue 10 into a folder: bombs are generated, never stored in the repository.

    python tests/corpus/make_hostile.py DIR        # every file, with the name of each printed

Each `HOSTILE` entry is (file name, writer, what the reader must say: a fragment of its one sentence).
The bombs are streamed through zlib in 1 MiB blocks, so writing all of them takes seconds and little memory.
`REAL_ROWS` is the real customer data the "real rows" files repeat: ../shared/datasets when it is there,
otherwise Segbot's packaged sample audience.
"""

from __future__ import annotations

import base64
import gzip
import io
import random
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

ROOT = Path(__file__).resolve().parents[2]
SHARED_ROWS = ROOT.parent / "shared" / "datasets" / "teen_sns_interests" / "snsdata.csv"
SAMPLE_ROWS = ROOT / "bot" / "samples" / "sample_audience.csv"
MIB = 1 << 20
EXCEL_ROWS = 1_048_576


def real_rows() -> bytes:
    """A real customer export (header and rows): 30,000 x 40 from the shared data sets, or the sample."""
    return (SHARED_ROWS if SHARED_ROWS.exists() else SAMPLE_ROWS).read_bytes()


# --- writing compressed streams without holding them -----------------------------------------------------------


def _gzip_blocks(path: Path, blocks: Iterable[bytes]) -> None:
    with gzip.open(path, "wb", compresslevel=6) as out:
        for block in blocks:
            out.write(block)


def _repeat(block: bytes, total: int) -> Iterator[bytes]:
    """`block` repeated up to `total` bytes, in pieces of about 1 MiB."""
    piece = block * max(1, MIB // max(len(block), 1))
    written = 0
    while written < total:
        part = piece[: total - written]
        written += len(part)
        yield part


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_END = "</sheetData></worksheet>"
_SST_START = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def write_workbook(
    path: Path | BinaryIO, sheet: Iterable[bytes], shared: Iterable[bytes] = (b"<si><t>name</t></si>",)
) -> None:
    """A minimal workbook whose sheet and shared strings parts are streamed from `sheet` and `shared`."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        for name, start, body, end in (
            ("xl/sharedStrings.xml", _SST_START.encode(), shared, b"</sst>"),
            ("xl/worksheets/sheet1.xml", _SHEET_START.encode(), sheet, _SHEET_END.encode()),
        ):
            with archive.open(name, "w", force_zip64=True) as part:
                part.write(start)
                for block in body:
                    part.write(block)
                part.write(end)


def _small_table_rows(rows: int = 30) -> Iterator[bytes]:
    yield (
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>age</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>spend</t></is></c></row>'
    )
    for row in range(2, rows + 2):
        cells = f'<c r="A{row}"><v>{20 + row}</v></c><c r="B{row}"><v>{row * 7 % 90}</v></c>'
        yield f'<row r="{row}">{cells}</row>'.encode()


# --- the files -------------------------------------------------------------------------------------------------


def xlsx_far_cell(path: Path) -> None:
    """A 2 KB workbook: a small table and one cell at XFD1048576 (the last cell Excel has)."""
    rows = [*_small_table_rows(), f'<row r="{EXCEL_ROWS}"><c r="XFD{EXCEL_ROWS}"><v>1</v></c></row>'.encode()]
    write_workbook(path, rows)


def xlsx_40m_shared_strings(path: Path) -> None:
    """40 million (empty) shared strings: about 1.9 MB packed, 520 MB unpacked."""
    write_workbook(path, _small_table_rows(), _repeat(b"<si><t/></si>", 40_000_000 * 13))


def xlsx_1gib_shared_string(path: Path) -> None:
    """One shared string of 1 GiB."""
    write_workbook(path, _small_table_rows(), [b"<si><t>", *_repeat(b"a", 1 << 30), b"</t></si>"])


def xlsx_long_shared_string(path: Path) -> None:
    """One 4 MB shared string of random letters (packs like real text): caught by the length of its text."""
    text = base64.b64encode(random.Random(10).randbytes(3 * MIB))
    write_workbook(path, _small_table_rows(), [b"<si><t>", text, b"</t></si>"])


def xlsx_excel_rows(path: Path) -> None:
    """A real export filling every row Excel has: 1,048,575 customers (mall customers' columns) and a header."""
    genders = (b"Male", b"Female")

    def rows() -> Iterator[bytes]:
        header = ("CustomerID", "Gender", "Age", "AnnualIncome", "SpendingScore")
        yield (
            b'<row r="1">'
            + b"".join(
                f'<c r="{letter}1" t="inlineStr"><is><t>{name}</t></is></c>'.encode()
                for letter, name in zip("ABCDE", header, strict=True)
            )
            + b"</row>"
        )
        block: list[bytes] = []
        for row in range(2, EXCEL_ROWS + 1):
            block.append(
                b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d" t="inlineStr"><is><t>%s</t></is></c>'
                b'<c r="C%d"><v>%d</v></c><c r="D%d"><v>%d</v></c><c r="E%d"><v>%d</v></c></row>'
                % (row, row, row - 1, row, genders[row % 2], row, 18 + row % 52, row, 15 + row % 123, row, row % 100)
            )
            if len(block) == 10_000:
                yield b"".join(block)
                block = []
        yield b"".join(block)

    write_workbook(path, rows())


def csv_excel_rows(path: Path) -> None:
    """The table of `xlsx_excel_rows` saved as CSV (what the refusal asks for): read and segmented."""
    genders = ("Male", "Female")
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("CustomerID,Gender,Age,AnnualIncome,SpendingScore\n")
        for row in range(2, EXCEL_ROWS + 1):
            out.write(f"{row - 1},{genders[row % 2]},{18 + row % 52},{15 + row % 123},{row % 100}\n")


def csv_gz_small_lines(path: Path) -> None:
    """About 1 MB of gzip holding about 1 GB of `1,2` lines."""
    _gzip_blocks(path, _repeat(b"1,2\n", 1_000_000_000))


def csv_gz_real_rows(path: Path) -> None:
    """A 6.9 MB .csv.gz of real customer rows (the header, then the rows again and again)."""
    data = real_rows()
    header, body = data.split(b"\n", 1)
    with gzip.open(path, "wb", compresslevel=6) as out:
        out.write(header + b"\n")
        while out.fileobj is not None and out.fileobj.tell() < 6_900_000:  # type: ignore[attr-defined]
            out.write(body if body.endswith(b"\n") else body + b"\n")


def csv_gz_2gib_line(path: Path) -> None:
    """A header and one 2 GiB line (about 2 MB packed)."""
    _gzip_blocks(path, [b"name,age\n", *_repeat(b"a", 2 << 30), b",1\n"])


def csv_numeric_extremes(path: Path) -> None:
    """Real-looking rows whose spend column holds two cells of 9e307 and up (their sum overflows)."""
    lines = ["age,spend,country"] + [f"{20 + n % 50},{n * 13 % 400},{('US', 'DE', 'FR')[n % 3]}" for n in range(60)]
    lines[5] = "31,9e307,US"
    lines[9] = "44,1.7e308,DE"
    path.write_text("\n".join(lines) + "\n")


def csv_long_field_first(path: Path) -> None:
    """A header, then a row with a 200 KB field, then ordinary rows."""
    rows = ["name,age,spend", "x" * 200_000 + ",30,10"] + [f"p{n},{20 + n % 40},{n % 90}" for n in range(40)]
    path.write_text("\n".join(rows) + "\n")


def csv_open_quote(path: Path) -> None:
    """A quote opened in row 4 that is closed three lines later: rows 5 and 6 would vanish into one cell."""
    rows = ["name,age,spend"] + [f"p{n},{20 + n % 40},{n % 90}" for n in range(40)]
    rows[3] = 'p3,"33,10'
    rows[6] = 'p6,36",12'
    path.write_text("\n".join(rows) + "\n")


HOSTILE: tuple[tuple[str, Callable[[Path], None], str], ...] = (
    ("far_cell.xlsx", xlsx_far_cell, "XFD1048576"),
    ("40m_shared_strings.xlsx", xlsx_40m_shared_strings, "SEGBOT_MAX_INPUT_MB"),
    ("1gib_shared_string.xlsx", xlsx_1gib_shared_string, "SEGBOT_MAX_INPUT_MB"),
    ("4mb_shared_string.xlsx", xlsx_long_shared_string, "SEGBOT_MAX_CELL_CHARS"),
    ("small_lines.csv.gz", csv_gz_small_lines, "SEGBOT_MAX_ROWS"),
    ("real_rows.csv.gz", csv_gz_real_rows, "SEGBOT_MAX_CELLS"),
    ("2gib_line.csv.gz", csv_gz_2gib_line, "SEGBOT_MAX_LINE_KB"),
    ("excel_rows.xlsx", xlsx_excel_rows, "SEGBOT_MAX_XLSX_CELLS"),
    ("open_quote.csv", csv_open_quote, "Row 4 of the file opens a quote"),
    ("long_field_first.csv", csv_long_field_first, "SEGBOT_MAX_CELL_CHARS"),
)


class EndlessLine(io.RawIOBase):
    """A header and then `a` forever: a stream no reader may hold whole."""

    def __init__(self) -> None:
        self._head = b"name,age\n"

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        size = len(buffer)
        data, self._head = (self._head + b"a" * size)[:size], b""
        buffer[:size] = data
        return size


def write_all(folder: Path, names: Iterable[str] | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, write, _ in HOSTILE:
        if names is None or name in names:
            write(folder / name)
            written.append(folder / name)
    return written


if __name__ == "__main__":
    for written in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "hostile")):
        print(f"{written}  {written.stat().st_size:,} bytes")
