"""Value parsers: numbers with units, dates with the day/month order taken from the data, labels, booleans."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segmentation.values import (
    MISSING_TOKENS,
    missing_mask,
    parse_booleans,
    parse_dates,
    parse_labels,
    parse_numbers,
    text_cells,
)


def text(*cells: str | None) -> pd.Series:
    return pd.Series(list(cells), dtype="str")


def dates(*isoformats: str | None) -> np.ndarray:
    return np.array([np.datetime64(value, "ns") if value else np.datetime64("NaT", "ns") for value in isoformats])


# --- numbers -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "expected", "unit"),
    [
        (("$52,300.00", "$1,200.50", "$0.99"), [52300.0, 1200.5, 0.99], "currency"),
        (("€1.234,50", "€2,5", "€ 10"), [1234.5, 2.5, 10.0], "currency"),
        (("1.234,50 €", "12,00 €"), [1234.5, 12.0], "currency"),
        (("USD 1,000", "EUR 20"), [1000.0, 20.0], "currency"),
        (("1 234,5", "12,75", "3"), [1234.5, 12.75, 3.0], "plain"),
        (("1\u00a0234,5", "1\u202f000"), [1234.5, 1000.0], "plain"),
        (("1'234.50", "99"), [1234.5, 99.0], "plain"),
        (("12.5%", "3%", "-0.5 %"), [12.5, 3.0, -0.5], "percent"),
        (("1.2k", "3.4M", "29.0b", "850", "0.89k"), [1200.0, 3_400_000.0, 29e9, 850.0, 890.0], "suffixed"),
        (("475.8m", "1.5 K", "2bn", "7 million"), [475.8e6, 1500.0, 2e9, 7e6], "suffixed"),
        (("2.28E+11", "1e3", "5.5e-2"), [2.28e11, 1000.0, 0.055], "plain"),
        (("(1,200)", "-3", "+4", "\u22127", "1,234,567"), [-1200.0, -3.0, 4.0, -7.0, 1234567.0], "plain"),
        (("-$5.25", "$-6", "($7)"), [-5.25, -6.0, -7.0], "currency"),
        ((".5", "12", "0"), [0.5, 12.0, 0.0], "plain"),
    ],
)
def test_parse_numbers_reads_units_and_separators(cells: tuple[str, ...], expected: list[float], unit: str) -> None:
    parsed = parse_numbers(text(*cells))
    np.testing.assert_allclose(parsed.values, expected)
    assert parsed.parsed_share == 1.0
    assert parsed.unit == unit


def test_parse_numbers_more_currencies_and_groupings() -> None:
    parsed = parse_numbers(text("US$5", "R$ 10,50", "1.234.567", "12 USD"))
    np.testing.assert_allclose(parsed.values, [5.0, 10.5, 1234567.0, 12.0])
    assert parsed.unit == "currency"


@pytest.mark.parametrize("cell", ["+1 555 123 4567", "user1@example.com", "Agent 47", "12 34", "1,2,3", "1.2.2024"])
def test_parse_numbers_does_not_read_phone_numbers_emails_or_names(cell: str) -> None:
    assert parse_numbers(text(cell, "5")).parsed_share == 0.5


def test_parse_numbers_missing_and_unparsable_cells() -> None:
    parsed = parse_numbers(text("10", None, "NA", " n/a ", "abc", "12 apples", "2024-03-05", "20"))
    np.testing.assert_array_equal(parsed.values, [10.0, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, 20.0])
    assert parsed.parsed_share == pytest.approx(2 / 5)
    assert parsed.unit == "plain"


def test_parse_numbers_decides_the_decimal_mark_from_the_column() -> None:
    european = parse_numbers(text("1,5", "2,25", "1.234,5"))
    np.testing.assert_allclose(european.values, [1.5, 2.25, 1234.5])
    english = parse_numbers(text("1,234", "2,500", "3.75"))
    np.testing.assert_allclose(english.values, [1234.0, 2500.0, 3.75])
    # Three digits after one comma is ambiguous on its own; the rest of the column decides.
    np.testing.assert_allclose(parse_numbers(text("1,234", "0,5")).values, [1.234, 0.5])


def test_parse_numbers_decimal_comma_can_be_forced() -> None:
    np.testing.assert_allclose(parse_numbers(text("1,234", "1.000"), decimal_comma=True).values, [1.234, 1000.0])
    np.testing.assert_allclose(parse_numbers(text("1,234", "1.000"), decimal_comma=False).values, [1234.0, 1.0])


def test_parse_numbers_numeric_dtype_passes_through() -> None:
    parsed = parse_numbers(pd.Series([1, 2, None], dtype="float64"))
    np.testing.assert_array_equal(parsed.values, [1.0, 2.0, np.nan])
    assert (parsed.parsed_share, parsed.unit) == (1.0, "plain")
    assert parse_numbers(pd.Series([np.nan, np.nan])).parsed_share == 0.0


def test_parse_numbers_weights_share_and_unit_by_rows() -> None:
    parsed = parse_numbers(text(*(["12%"] * 8), "n/a", "unknown", "7"))
    assert parsed.unit == "percent"
    assert parsed.parsed_share == pytest.approx(9 / 10)
    assert parse_numbers(text(*(["5"] * 30), "5%")).unit == "plain"


# --- dates ---------------------------------------------------------------------------------------------------


def test_parse_dates_iso_with_and_without_time() -> None:
    parsed = parse_dates(text("2024-03-05", "2024-03-06 10:30:00", "2024-03-07T23:59:59Z", "2024/03/08", None))
    expected = dates("2024-03-05", "2024-03-06T10:30:00", "2024-03-07T23:59:59", "2024-03-08", None)
    np.testing.assert_array_equal(parsed.values, expected)
    assert parsed.values.dtype == np.dtype("datetime64[ns]")
    assert (parsed.parsed_share, parsed.dayfirst) == (1.0, None)


def test_parse_dates_iso_offsets_dotted_and_out_of_range() -> None:
    parsed = parse_dates(text("2024-03-05T10:30:00+02:00", "2024.03.06", "2600-01-01", "2024-03-05 10:30:00 PM"))
    expected = dates("2024-03-05T08:30:00", "2024-03-06", None, "2024-03-05T22:30:00")
    np.testing.assert_array_equal(parsed.values, expected)
    assert parsed.parsed_share == 0.75


def test_parse_dates_day_first_decided_by_a_day_over_twelve() -> None:
    parsed = parse_dates(text("05/03/2024", "13/03/2024", "01/12/2023"))
    np.testing.assert_array_equal(parsed.values, dates("2024-03-05", "2024-03-13", "2023-12-01"))
    assert parsed.dayfirst is True


def test_parse_dates_month_first_decided_by_a_second_field_over_twelve() -> None:
    parsed = parse_dates(text("3/5/24", "12/25/24", "1/2/99"))
    np.testing.assert_array_equal(parsed.values, dates("2024-03-05", "2024-12-25", "1999-01-02"))
    assert parsed.dayfirst is False


def test_parse_dates_dashes_and_dots_are_read_day_first_when_undecidable() -> None:
    parsed = parse_dates(text("05-03-2024", "06.04.2024"))
    np.testing.assert_array_equal(parsed.values, dates("2024-03-05", "2024-04-06"))
    assert parsed.dayfirst is None
    slashes = parse_dates(text("05/03/2024", "06/04/2024"))
    np.testing.assert_array_equal(slashes.values, dates("2024-05-03", "2024-06-04"))


def test_parse_dates_month_names_and_times() -> None:
    parsed = parse_dates(
        text("5 Mar 2024", "March 5, 2024", "Tue, 5 March 2024", "05-Mar-24", "Sep 30th 2023", "3/5/2024 2:15 PM")
    )
    expected = dates("2024-03-05", "2024-03-05", "2024-03-05", "2024-03-05", "2023-09-30", "2024-03-05T14:15")
    np.testing.assert_array_equal(parsed.values, expected)
    assert parsed.parsed_share == 1.0


@pytest.mark.parametrize("cells", [("2006", "2007", "2009"), ("12345", "67890"), ("1.5", "2.25"), ("abc", "x-y-z")])
def test_parse_dates_never_claims_numbers_or_text(cells: tuple[str, ...]) -> None:
    parsed = parse_dates(text(*cells))
    assert parsed.parsed_share == 0.0
    assert np.isnat(parsed.values).all()


def test_parse_dates_invalid_calendar_dates_are_not_parsed() -> None:
    parsed = parse_dates(text("2024-02-30", "2024-02-28", "NA"))
    np.testing.assert_array_equal(parsed.values, dates(None, "2024-02-28", None))
    assert parsed.parsed_share == 0.5


def test_parse_dates_numeric_and_datetime_columns() -> None:
    assert parse_dates(pd.Series([2006, 2007])).parsed_share == 0.0
    stamps = pd.Series([pd.Timestamp("2024-01-01"), pd.NaT])
    parsed = parse_dates(stamps)
    np.testing.assert_array_equal(parsed.values, dates("2024-01-01", None))
    assert parsed.parsed_share == 1.0


# --- labels --------------------------------------------------------------------------------------------------


def test_parse_labels_pipe_lists() -> None:
    parsed = parse_labels(text("Fitness|Travel", "travel", None, "NA", "food | travel|"))
    assert parsed.separator == "|"
    assert parsed.vocabulary == ("travel", "fitness", "food")
    np.testing.assert_array_equal(parsed.matrix.toarray(), [[1, 1, 0], [1, 0, 0], [0, 0, 0], [0, 0, 0], [1, 0, 1]])
    np.testing.assert_array_equal(parsed.known, [True, True, False, False, True])
    assert parsed.multi_share == pytest.approx(2 / 3)


def test_parse_labels_semicolons_and_comma_lists() -> None:
    semicolons = parse_labels(text("a;b", "b;c", "b"))
    assert (semicolons.separator, semicolons.vocabulary) == (";", ("b", "a", "c"))
    commas = parse_labels(text("music, gaming", "gaming", "travel, music, food", "music"))
    assert commas.separator == ","
    assert commas.vocabulary == ("music", "gaming", "food", "travel")
    np.testing.assert_array_equal(commas.matrix.toarray()[2], [1, 0, 1, 1])


def test_parse_labels_keeps_sentences_and_numbers_whole() -> None:
    sentences = parse_labels(
        text("I love hiking, and cooking for my family.", "Mostly reading, sometimes long walks in the park.")
    )
    assert sentences.separator is None
    assert sentences.vocabulary[0].startswith(("i love", "mostly"))
    assert parse_labels(text("1,234", "2,500", "3,000")).separator is None


@pytest.mark.parametrize(
    "cells",
    [("Austin, TX", "Boston, MA", "Denver, CO", "Austin, TX"), ("Smith, John", "Doe, Jane", "Lee, Ann")],
)
def test_parse_labels_does_not_split_places_or_names(cells: tuple[str, ...]) -> None:
    parsed = parse_labels(text(*cells))
    assert parsed.separator is None
    assert set(parsed.vocabulary) == {cell.lower() for cell in cells}


def test_parse_labels_single_values() -> None:
    parsed = parse_labels(text("Red", "blue", "red ", None))
    assert (parsed.separator, parsed.vocabulary, parsed.multi_share) == (None, ("red", "blue"), 0.0)
    np.testing.assert_array_equal(parsed.matrix.toarray(), [[1, 0], [0, 1], [1, 0], [0, 0]])


# --- booleans and missing ------------------------------------------------------------------------------------


def test_parse_booleans() -> None:
    np.testing.assert_array_equal(parse_booleans(text("yes", "No", "Y", "f", "TRUE", None)), [1, 0, 1, 0, 1, np.nan])
    np.testing.assert_array_equal(parse_booleans(pd.Series([0, 1, 1.0, np.nan])), [0, 1, 1, np.nan])
    np.testing.assert_array_equal(parse_booleans(pd.Series([True, False])), [1.0, 0.0])
    assert parse_booleans(text("yes", "maybe")) is None
    assert parse_booleans(pd.Series([0, 1, 2])) is None
    assert parse_booleans(text(None, "NA")) is None
    mostly = parse_booleans(text(*(["yes"] * 19), "unsure"))
    assert mostly is not None and np.isnan(mostly[-1]) and mostly[0] == 1.0


def test_missing_tokens_and_mask() -> None:
    assert {"", "na", "n/a", "null", "none", "nan", "-", "#n/a", "?", "#value!"} <= MISSING_TOKENS
    cells = text("x", "", "NA", "N/A", "n/a", "null", "None", "nan", "NaN", "-", "#N/A", "?", " NULL ", "#DIV/0!", None)
    np.testing.assert_array_equal(missing_mask(cells), [False] + [True] * 14)


# --- speed ---------------------------------------------------------------------------------------------------


def test_parsers_handle_a_large_column_of_repeated_values() -> None:
    # Speed is measured in `make bench` (bench_speed); this checks the results on a large column.
    rng = np.random.default_rng(0)
    n = 200_000
    money = pd.Series(rng.choice(["$1,200.50", "$3.99", "€1.234,50", "n/a", "$52,300.00"], n), dtype="str")
    when = pd.Series(rng.choice([f"{day:02d}/03/2024" for day in range(1, 29)], n), dtype="str")
    tags = pd.Series(rng.choice(["fitness|travel", "gaming", "music|gaming|food", "NA"], n), dtype="str")
    numbers, parsed_dates, labels = parse_numbers(money), parse_dates(when), parse_labels(tags)
    assert numbers.unit == "currency" and parsed_dates.dayfirst is True
    assert labels.matrix.shape == (n, 5)
    assert np.isnan(numbers.values).sum() == (money == "n/a").sum()


# --- text cells ----------------------------------------------------------------------------------------------

# Cells that collide once stripped ("a" / " a"), differ only in case, are missing tokens or look like numbers.
_CELLS = st.sampled_from(["a", " a", "a ", "A", "b", "NA", " na ", "", "  ", "null", "x y", "1", "01", "é", None])


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(_CELLS, max_size=30), dtype=st.sampled_from(["str", "string", "object"]))
def test_text_cells_are_the_stripped_column_factorised(cells: list[str | None], dtype: str) -> None:
    """The codes and levels its docstring promises, whichever shortcut it takes (all-missing columns too)."""
    series = pd.Series(cells, dtype=dtype)
    found = text_cells(series)
    codes, levels = pd.factorize(series.astype("string").str.strip().mask(missing_mask(series)))
    assert found.codes.tolist() == codes.tolist()
    assert found.levels.tolist() == list(levels)
    assert found.levels.dtype == "string"
    present = {cell for cell in cells if cell is not None and cell.strip().lower() not in MISSING_TOKENS}
    assert found.written == len(present)
