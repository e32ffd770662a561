"""Reading one catalog column's cells into values, with a reason for every cell that cannot be read.

Each reader takes a pandas Series (one cell per row) and returns the values plus `problems`, a list with the
reason for each bad cell (None where the cell is fine or blank), so the caller can reject those rows.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from segmentation.age_bands import age_band
from segmentation.countries import country_code
from segmentation.topics import split_topics
from segmentation.values import MISSING_TOKENS, parse_numbers

Problems = list[str | None]
# Spreadsheet error values (`#VALUE!`, `#VALOR!`, `#N/A`, `#DIV/0!`) mean "no value".
_SPREADSHEET_ERROR = re.compile(r"^#[A-Za-z/0-9]+[!?]?$")


def texts(series: pd.Series) -> list[str | None]:
    """The cells as stripped text, None where blank or a spreadsheet error (each distinct value read once)."""
    codes, uniques = pd.factorize(series.astype("object"), use_na_sentinel=True)
    lookup = [_text(value) for value in uniques] + [None]  # code -1 (missing) picks the last slot
    return [lookup[code] for code in codes.tolist()]


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    blank = not text or text.rstrip("%").strip().lower() in MISSING_TOKENS or _SPREADSHEET_ERROR.match(text)
    return None if blank else text


def numbers(series: pd.Series, label: str) -> tuple[np.ndarray, Problems]:
    """Numbers as people write them (`3.3k`, `475.8m`, `1,200,000`); a reason for each unreadable cell."""
    cells = texts(series)
    values = parse_numbers(pd.Series(cells, dtype="object")).values
    problems: Problems = [
        f"{label} {cell!r} is not a number" if cell is not None and np.isnan(value) else None
        for cell, value in zip(cells, values, strict=True)
    ]
    return values, problems


def quiet_numbers(series: pd.Series) -> np.ndarray:
    """Numbers where readable, NaN elsewhere (for columns that only inform, like average comments)."""
    return parse_numbers(pd.Series(texts(series), dtype="object")).values


def rates(series: pd.Series, label: str) -> tuple[np.ndarray, Problems]:
    """Fractions from `1.39%` or `0.0139` (both 1.39%); a column of plain numbers above 1 is read as percent."""
    cells = texts(series)
    values, problems = numbers(pd.Series(cells, dtype="object"), label)
    with_sign = np.array([cell is not None and "%" in cell for cell in cells], dtype=bool)
    plain = ~with_sign & ~np.isnan(values)
    plain_are_percent = bool(plain.any()) and float(np.median(values[plain])) > 1
    divisor = np.where(with_sign | (plain & plain_are_percent), 100.0, 1.0)
    # Rounded so that `0.072%` reads as 0.00072, not 0.0007199999999999999.
    return np.round(values / divisor, 12), problems


def countries(series: pd.Series) -> tuple[list[str | None], Problems]:
    """ISO alpha-2 codes from names or codes (`US` = `USA` = `United States`)."""
    cells = texts(series)
    codes = [country_code(cell) if cell else None for cell in cells]
    problems: Problems = [
        f"audience country {cell!r} is not a country" if cell and code is None else None
        for cell, code in zip(cells, codes, strict=True)
    ]
    return codes, problems


def age_bands(series: pd.Series) -> tuple[list[str | None], Problems]:
    cells = texts(series)
    bands = [age_band(cell) if cell else None for cell in cells]
    problems: Problems = [
        f"audience age {cell!r} is not an age band like 18-24" if cell and band is None else None
        for cell, band in zip(cells, bands, strict=True)
    ]
    return bands, problems


def female_percents(series: pd.Series) -> tuple[np.ndarray, Problems]:
    """Percentages 0-100 from `62`, `62%` or `0.62`."""
    cells = texts(series)
    values, problems = numbers(pd.Series(cells, dtype="object"), "audience female share")
    with_sign = np.array([cell is not None and "%" in cell for cell in cells], dtype=bool)
    fractions = ~with_sign & (values <= 1)
    percents = np.where(fractions, values * 100, values)
    for position, value in enumerate(percents):
        if problems[position] is None and not np.isnan(value) and not 0 <= value <= 100:
            problems[position] = f"audience female share {cells[position]!r} is not between 0% and 100%"
    return percents, problems


def topic_lists(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Topics of every row from one or more columns, split on `;`, `|` or `,`, duplicates dropped."""
    per_column = [texts(frame[column]) for column in columns]
    found = []
    for cells in zip(*per_column, strict=True) if per_column else [()] * len(frame):
        topics: dict[str, None] = {}
        for cell in cells:
            for topic in split_topics(cell) if cell else ():
                topics.setdefault(topic, None)
        found.append(tuple(topics))
    return found
