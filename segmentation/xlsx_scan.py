"""Checking an .xlsx against the read limits before openpyxl builds anything from it.

openpyxl (through pandas) materialises a sheet as a dense grid and the workbook's shared strings as one list,
so a 2 KB file with one cell at XFD1048576, or 40 million tiny shared strings, takes gigabytes. `check_workbook`
first looks at the zip's directory (declared sizes, compression ratios), then streams the parts openpyxl will
read, counting bytes, shared strings, rows, cells and the rectangle the cells span, with byte searches that
cost a few operations per row, and raises the limit's `LimitExceededError` as soon as one is passed.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree

from segmentation import limits as limit_errors
from segmentation.limits import ReadLimits

CHUNK = 256 * 1024
LARGE_PART = 10 * 1024 * 1024
"""Parts smaller than this are never judged by their compression ratio."""
SMALL_PART = 16 * 1024 * 1024
"""workbook.xml and its relationships are parsed whole only when smaller than this."""
ROW_XML_PER_LINE = 16
"""One row's XML may be this many times SEGBOT_MAX_LINE_KB (XML is several times longer than CSV)."""
TEXT_XML_PER_CHAR = 6
"""A text node may be this many bytes per allowed character (UTF-8 and &amp;-style escapes)."""

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PREFIX = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?(?:worksheet|sst)\b")
_ROW_NUMBER = re.compile(rb'[^>]*?\br="(\d+)"')
_CELL_REF = re.compile(rb'[^>]*?\br="([A-Z]{1,3})(\d+)"')


def check_workbook(archive: zipfile.ZipFile, limits: ReadLimits) -> None:
    """`LimitExceededError` when what pandas would read from `archive` (first sheet) is over `limits`."""
    infos = {info.filename: info for info in archive.infolist()}
    for info in infos.values():
        _check_declared(info, limits)
    budget = _Budget(limits)
    for name in infos:
        if name.lower().endswith("sharedstrings.xml"):
            _scan_shared_strings(archive, name, limits, budget)
    for name in _first_sheet(archive, infos, budget):
        _scan_sheet(archive, name, limits, budget)


def _check_declared(info: zipfile.ZipInfo, limits: ReadLimits) -> None:
    if info.file_size > limits.max_input_bytes:
        raise limit_errors.too_much_text(limits)
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > LARGE_PART and ratio > limits.max_compression_ratio:
        raise limit_errors.packed_too_tightly(limits, info.filename, ratio)


@dataclass
class _Budget:
    """Unpacked bytes left for all the parts read together."""

    limits: ReadLimits
    used: int = 0

    def spend(self, size: int) -> None:
        self.used += size
        if self.used > self.limits.max_input_bytes:
            raise limit_errors.too_much_text(self.limits)


def _chunks(archive: zipfile.ZipFile, name: str, budget: _Budget) -> Iterator[bytes]:
    with archive.open(name) as part:
        while chunk := part.read(CHUNK):
            budget.spend(len(chunk))
            yield chunk


def _first_sheet(archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], budget: _Budget) -> list[str]:
    """The part pandas reads as sheet 0; every worksheet part when the workbook does not say clearly."""
    sheets = sorted(name for name in infos if name.startswith("xl/worksheets/") and name.endswith(".xml"))
    try:
        workbook = _parse_small(archive, infos, "xl/workbook.xml", budget)
        relations = _parse_small(archive, infos, "xl/_rels/workbook.xml.rels", budget)
        first = workbook.find(f"{_MAIN}sheets/{_MAIN}sheet")
        target = next(
            relation.get("Target", "")
            for relation in relations.iter(f"{_RELS}Relationship")
            if first is not None and relation.get("Id") == first.get(_DOC_REL)
        )
    except (KeyError, StopIteration, ElementTree.ParseError, ValueError):
        return sheets
    path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return [path] if path in infos else sheets


def _parse_small(
    archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], name: str, budget: _Budget
) -> ElementTree.Element:
    if infos[name].file_size > SMALL_PART:
        raise ValueError(f"{name} is too large to be a workbook's table of contents")
    return ElementTree.fromstring(b"".join(_chunks(archive, name, budget)))


@dataclass
class _TextRuns:
    """The longest run of bytes without a `<`: a text node (or attribute) of the XML."""

    limits: ReadLimits
    run: int = 0

    def observe(self, chunk: bytes) -> None:
        allowed = self.limits.max_cell_chars * TEXT_XML_PER_CHAR + 1024
        first = chunk.find(b"<")
        longest = self.run + (len(chunk) if first == -1 else first)
        if first != -1:
            self.run = len(chunk) - chunk.rfind(b"<") - 1
            if len(chunk) > allowed:  # only then can a run lie wholly inside the chunk
                longest = max(longest, *map(len, chunk[first:].split(b"<")))
        else:
            self.run = longest
        if max(longest, self.run) > allowed:
            raise limit_errors.cell_too_long(self.limits, "in the workbook")


def _scan_shared_strings(archive: zipfile.ZipFile, name: str, limits: ReadLimits, budget: _Budget) -> None:
    texts = _TextRuns(limits)
    count, tail, tags = 0, b"", None
    for chunk in _chunks(archive, name, budget):
        texts.observe(chunk)
        window = tail + chunk
        if tags is None:
            tags = _tags(window, b"si")
        count += sum(window.count(tag) for tag in tags) - sum(tail.count(tag) for tag in tags)
        if count > limits.max_cells:
            raise limit_errors.too_many_texts(limits)
        tail = window[-16:]


def _tags(head: bytes, local: bytes) -> tuple[bytes, ...]:
    """The ways an element `local` can open, with the namespace prefix the part uses."""
    found = _PREFIX.search(head[:4096])
    prefix = found.group(1) + b":" if found and found.group(1) else b""
    return tuple(b"<" + prefix + local + end for end in (b" ", b">", b"/"))


@dataclass
class _Extent:
    """Rows, cells and the rectangle they span, row by row."""

    limits: ReadLimits
    cell_tags: tuple[bytes, ...]
    row: int = 0
    cells: int = 0
    width: int = 0
    far: tuple[int, int, str] = (0, 0, "")
    texts: _TextRuns = field(init=False)

    def __post_init__(self) -> None:
        self.texts = _TextRuns(self.limits)

    def add_row(self, xml: bytes) -> None:
        number = _ROW_NUMBER.match(xml)
        self.row = int(number.group(1)) if number else self.row + 1
        cells = sum(xml.count(tag) for tag in self.cell_tags)
        width, ref = cells, ""
        last = max(xml.rfind(self.cell_tags[0]), xml.rfind(self.cell_tags[1]))
        found = _CELL_REF.match(xml, last + len(self.cell_tags[0])) if last >= 0 else None
        if found:
            letters = found.group(1).decode()
            width, ref = max(cells, _column_number(letters)), f"{letters}{self.row}"
        self.cells += cells
        self.width = max(self.width, width)
        if cells and (self.row > self.far[0] or width > self.far[1]):
            self.far = (max(self.row, self.far[0]), max(width, self.far[1]), ref or self.far[2])
        self._check()

    def _check(self) -> None:
        limits = self.limits
        if self.row > limits.max_rows:
            raise limit_errors.too_many_rows(limits)
        if self.width > limits.max_columns:
            where = f" (it has a cell at {self.far[2]})" if self.far[2] else ""
            raise limit_errors.too_many_columns(limits, self.width, where)
        if self.cells > limits.max_xlsx_cells:
            raise limit_errors.too_many_sheet_cells(limits)
        rows, columns, ref = self.far
        if rows * columns > limits.max_cells:
            if self.cells * 2 >= rows * columns:  # a full table, not a few cells far away from it
                raise limit_errors.too_many_cells(limits, rows, columns)
            raise limit_errors.sheet_too_wide(limits, ref or f"row {rows:,}", rows, columns)


def _scan_sheet(archive: zipfile.ZipFile, name: str, limits: ReadLimits, budget: _Budget) -> None:
    extent: _Extent | None = None
    row_tag, carry, started = b"<row", b"", False
    longest_row = limits.max_line_bytes * ROW_XML_PER_LINE
    for chunk in _chunks(archive, name, budget):
        if extent is None:
            tags = _tags(chunk, b"c")
            extent = _Extent(limits, tags)
            row_tag = tags[0][:-2] + b"row"
        extent.texts.observe(chunk)
        pieces = (carry + chunk).split(row_tag)
        carry = pieces.pop()
        for piece in pieces:
            if started and piece[:1] in b" \t\r\n>/":
                extent.add_row(piece)
            started = True
        if len(carry) > longest_row:
            raise limit_errors.line_too_long(limits, extent.row + 1, what="Row")
    if extent is not None and started and carry[:1] in b" \t\r\n>/":
        extent.add_row(carry)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number
