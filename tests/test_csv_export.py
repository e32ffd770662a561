"""Every CSV Segbot writes is safe to open in a spreadsheet (OWASP CSV injection), numbers it computed excepted."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from bot.catalog.writing import catalog_csv
from bot.cli import main
from bot.csv_export import FORMULA_STARTS, csv_text, from_spreadsheet_safe, labels_csv_text, spreadsheet_safe

HOSTILE = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","click")',
    "+1+2",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "-5",
]


@pytest.mark.parametrize("cell", HOSTILE)
def test_a_text_cell_starting_like_a_formula_gets_a_quote_and_reads_back(cell: str) -> None:
    assert spreadsheet_safe(cell) == "'" + cell
    assert spreadsheet_safe(cell, numeric=True) == ("-5" if cell == "-5" else "'" + cell)
    assert from_spreadsheet_safe(spreadsheet_safe(cell)) == cell


@pytest.mark.parametrize("number", ["-12", "-0.5", "-3%", "+4", "-1e-05", "-.5", "1.39%", "250"])
def test_numbers_in_numeric_columns_stay_numbers(number: str) -> None:
    assert spreadsheet_safe(number, numeric=True) == number


@pytest.mark.parametrize("cell", ["Ana", "", "100", "'quoted", "a=b", "fitness|-travel", " =1"])
def test_ordinary_cells_are_untouched(cell: str) -> None:
    assert spreadsheet_safe(cell) == cell
    assert from_spreadsheet_safe(cell) == cell


def test_csv_text_applies_the_rule_to_header_and_every_cell() -> None:
    text = csv_text(("name", "-score", "price"), [("=1+1", -3, -2.5), (None, "-x", "-1")], numeric_columns={"price"})
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["name", "'-score", "price"], ["'=1+1", "'-3", "-2.5"], ["", "'-x", "-1"]]


def test_labels_are_plain_numbers() -> None:
    assert labels_csv_text([2, 0, 1]) == "row,segment\n0,2\n1,0\n2,1\n"


@pytest.mark.parametrize("labels", [[], [0], [11, -1, 3, 10**12], list(range(12)) * 50])
def test_labels_text_is_what_the_general_rule_writes(labels: list[int]) -> None:
    general = csv_text(("row", "segment"), enumerate(labels), numeric_columns=("row", "segment"))
    assert labels_csv_text(labels) == general


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_catalog_export_neutralises_hostile_cells_and_reads_back_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'segbot.db'}")
    rows = [
        ["platform", "handle", "name", "followers", "engagement_rate", "topics", "audience_country", "price"],
        ["instagram", "ana", "=cmd|' /C calc'!A0", "3300", "1.39%", "=1+2|Fitness", "Brazil", "-5"],
        ["instagram", "bo", '=HYPERLINK("http://evil.example","click")', "1000", "2%", "Music", "US", "10"],
        ["tiktok", "cy", "@SUM(1+1)", "10000", "2%", "+Gaming", "FR", ""],
        ["tiktok", "dee", "-5", "10000", "2%", "Gaming", "FR", ""],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    (tmp_path / "hostile.csv").write_text(buffer.getvalue(), encoding="utf-8")
    assert main(["influencers", "import", "hostile.csv"]) == 0
    assert main(["influencers", "export", "out.csv"]) == 0
    exported = _cells((tmp_path / "out.csv").read_text(encoding="utf-8"))
    header, body = exported[0], exported[1:]
    by_handle = {row[1]: dict(zip(header, row, strict=True)) for row in body}
    assert by_handle["ana"]["name"] == "'=cmd|' /C calc'!A0"
    assert by_handle["ana"]["topics"].startswith("'=1+2")
    assert by_handle["ana"]["price"] == "-5"  # a number Segbot wrote: left a number
    assert by_handle["bo"]["name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert by_handle["cy"]["name"] == "'@SUM(1+1)" and by_handle["cy"]["topics"] == "'+Gaming"
    assert by_handle["dee"]["name"] == "'-5"  # someone's text that looks negative: quoted
    for row in body:
        for name, cell in zip(header, row, strict=True):
            assert not cell.startswith(FORMULA_STARTS) or (name == "price" and cell == "-5"), (name, cell)
    # Imported again, the export gives the same entries: the quotes come off.
    (tmp_path / "segbot.db").unlink()
    capsys.readouterr()
    assert main(["influencers", "import", "out.csv"]) == 0
    assert main(["influencers", "export", "again.csv"]) == 0
    assert (tmp_path / "again.csv").read_text(encoding="utf-8") == (tmp_path / "out.csv").read_text(encoding="utf-8")


def test_the_sample_catalog_export_is_unchanged_by_the_rule() -> None:
    from bot.catalog.sample_catalog import SAMPLE_PATH, sample_catalog

    assert catalog_csv(sample_catalog()) == SAMPLE_PATH.read_text(encoding="utf-8")
