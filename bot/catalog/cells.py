"""Reading one catalog column's cells into values, with a reason for every cell that cannot be read.

Each reader takes a pandas Series (one cell per row) and returns the values plus `problems`, a list with the
reason for each bad cell (None where the cell is fine or blank), so the caller can reject those rows.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from bot.csv_export import from_spreadsheet_safe
from segmentation.age_bands import age_band
from segmentation.countries import country_code
from segmentation.topics import split_topics
from segmentation.values import MISSING_TOKENS, parse_numbers

Problems = list[str | None]
# Spreadsheet error values (`#VALUE!`, `#VALOR!`, `#N/A`, `#DIV/0!`) mean "no value".
_SPREADSHEET_ERROR = re.compile(r"^#[A-Za-z/0-9]+[!?]?$")
# Dashes and words creator tools write for "no value", besides the tokens every table uses.
_MORE_MISSING = frozenset({"—", "–", "−", "…", "...", "n.a", "n.d.", "unknown", "not available", "tbd"})
# A cell with its own unit (`1.2M`) keeps it; the header's unit applies to plain numbers only.
_OWN_SUFFIX = re.compile(r"[0-9.,]\s*(?:k|m|mm|mn|b|bn|thousand|million|billion)\s*$", re.IGNORECASE)
_DECIMAL_COMMA = re.compile(r"(?:^|[^0-9])[0-9]*,[0-9]{1,2}$|^[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]+$")
_DECIMAL_DOT = re.compile(r"(?:^|[^0-9])[0-9]*\.(?:[0-9]{1,2}|[0-9]{4,})$|^[0-9]{1,3}(?:,[0-9]{3})+\.[0-9]+$")
_SUFFIX_ONLY = re.compile(r"(?i)(?<=[0-9])(?:k|m|mm|mn|b|bn)$")
_DOT_GROUPS = re.compile(r"^[0-9]{1,3}(?:\.[0-9]{3})+$")


def texts(series: pd.Series) -> list[str | None]:
    """The cells as stripped text, None where blank or a spreadsheet error (each distinct value read once)."""
    codes, uniques = pd.factorize(series.astype("object"), use_na_sentinel=True)
    lookup = [_text(value) for value in uniques] + [None]  # code -1 (missing) picks the last slot
    return [lookup[code] for code in codes.tolist()]


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = from_spreadsheet_safe(str(value).strip())
    folded = text.rstrip("%").strip().lower()
    blank = not text or folded in MISSING_TOKENS or folded in _MORE_MISSING or _SPREADSHEET_ERROR.match(text)
    return None if blank else text


def numbers(series: pd.Series, label: str) -> tuple[np.ndarray, Problems]:
    """Numbers as people write them (`3.3k`, `475.8m`, `1,200,000`); a reason for each unreadable cell."""
    cells = texts(series)
    values = parse_numbers(pd.Series(cells, dtype="object")).values
    return values, _problems(cells, values, label)


def counts(series: pd.Series, label: str, factor: float = 1.0) -> tuple[np.ndarray, Problems]:
    """Counts (followers, likes) with the header's unit applied: `1,250` in `Followers (K)` is 1,250,000.

    Thousands are grouped by locale (`1,250`, `1.250`, `1 250` are all 1,250); the column decides whether a
    comma or a dot is the decimal mark, and a column of only `1.250`-shaped cells groups thousands with dots
    (counts are whole numbers). A cell with its own unit (`1.2M`) keeps it.
    """
    cells = texts(series)
    values = parse_numbers(pd.Series(cells, dtype="object"), decimal_comma=_decimal_comma(cells)).values
    # 1e308 thousands is inf, refused later as more than any account has: no overflow warning on the way.
    with np.errstate(over="ignore", invalid="ignore"):
        if factor != 1:
            own = np.array([cell is not None and bool(_OWN_SUFFIX.search(cell)) for cell in cells], dtype=bool)
            values = np.where(own, values, values * factor)
        # Counts are whole: `8.3m` is 8,300,000, not 8,300,000.000000001.
        rounded = np.round(values, 3)
    return np.where(np.isfinite(rounded), rounded, values), _problems(cells, values, label)


def _decimal_comma(cells: list[str | None]) -> bool | None:
    # Only cells with a comma or a dot can tell; each distinct one is looked at once.
    marked = {cell for cell in cells if cell and ("," in cell or "." in cell)}
    present = [_SUFFIX_ONLY.sub("", cell.replace(" ", "")) for cell in marked]
    if any(_DECIMAL_COMMA.search(cell) for cell in present):
        return True
    if any(_DECIMAL_DOT.search(cell) for cell in present):
        return False
    if any(_DOT_GROUPS.match(cell) for cell in present) and not any("," in cell for cell in present):
        return True
    return None


def _problems(cells: list[str | None], values: np.ndarray, label: str) -> Problems:
    return [
        f"{label} {cell!r} is not a number" if cell is not None and np.isnan(value) else None
        for cell, value in zip(cells, values, strict=True)
    ]


def quiet_numbers(series: pd.Series, factor: float = 1.0) -> np.ndarray:
    """Numbers where readable, NaN elsewhere (for columns that only inform, like average comments)."""
    return counts(series, "", factor)[0]


def percent_signs(series: pd.Series) -> float:
    """The share of filled cells written with `%` (an `Avg. engagement` column of `2.1%` holds rates)."""
    cells = [cell for cell in texts(series) if cell]
    return sum("%" in cell for cell in cells) / len(cells) if cells else 0.0


def rates(series: pd.Series, label: str, *, in_percent: bool = False) -> tuple[np.ndarray, Problems]:
    """Fractions from `1.39%` or `0.0139` (both 1.39%); a column of plain numbers above 1 is read as percent,
    and so is every plain number under a percent header (`ER %`: `0.8` is 0.8%)."""
    cells = texts(series)
    values, problems = numbers(pd.Series(cells, dtype="object"), label)
    with_sign = np.array([cell is not None and "%" in cell for cell in cells], dtype=bool)
    plain = ~with_sign & ~np.isnan(values)
    plain_are_percent = in_percent or (bool(plain.any()) and float(np.median(values[plain])) > 1)
    divisor = np.where(with_sign | (plain & plain_are_percent), 100.0, 1.0)
    fractions = values / divisor
    # Rounded so that `0.072%` reads as 0.00072, not 0.0007199999999999999 (rounding 1e300 would overflow).
    with np.errstate(over="ignore", invalid="ignore"):
        rounded = np.round(fractions, 12)
    return np.where(np.isfinite(rounded), rounded, fractions), problems


def countries(series: pd.Series) -> tuple[list[str | None], Problems]:
    """ISO alpha-2 codes from names or codes (`US` = `USA` = `United States`), with or without the share
    (`United States (34%)`, `US: 34%`)."""
    cells = texts(series)
    codes = [country_code(_without_share(cell)) if cell else None for cell in cells]
    problems: Problems = [
        f"audience country {cell!r} is not a country" if cell and code is None else None
        for cell, code in zip(cells, codes, strict=True)
    ]
    return codes, problems


def age_bands(series: pd.Series) -> tuple[list[str | None], Problems]:
    cells = texts(series)
    bands = [age_band(_without_share(cell)) if cell else None for cell in cells]
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
    with np.errstate(over="ignore"):  # only fractions (<= 1) are scaled; 1e308 * 100 is computed and dropped
        percents = np.where(fractions, values * 100, values)
    for position, value in enumerate(percents):
        if problems[position] is None and not np.isnan(value) and not 0 <= value <= 100:
            problems[position] = f"audience female share {cells[position]!r} is not between 0% and 100%"
    return percents, problems


def female_from_genders(series: pd.Series) -> tuple[np.ndarray, Problems]:
    """Female share 0-100 from a top-gender column: `Female 62%`, `62% female`, `Male (70%)` (= 30% female).
    A gender without a share (`Female`) says only which is the majority: left unknown, not guessed."""
    cells = texts(series)
    percents = np.full(len(cells), np.nan)
    problems: Problems = [None] * len(cells)
    for position, cell in enumerate(cells):
        if cell is None:
            continue
        found = _GENDER_SHARE.fullmatch(cell.strip())
        if found is None:
            problems[position] = f"audience gender {cell!r} is not female or male (with an optional share)"
            continue
        word = (found.group("before") or found.group("after") or "").lower()
        share = found.group("share") or found.group("share2")
        if share is not None:
            value = float(share.replace(",", "."))
            if not 0 <= value <= 100:
                problems[position] = f"audience gender share {cell!r} is not between 0% and 100%"
                continue
            percents[position] = value if word.startswith(("f", "w")) else 100 - value
    return percents, problems


_GENDER_WORD = r"female|male|women|men|woman|man|f|m|w"
_GENDER_SHARE = re.compile(
    rf"(?i)(?:(?P<before>{_GENDER_WORD})\s*[:(\-–]?\s*(?:(?P<share>[0-9]+(?:[.,][0-9]+)?)\s*%?\s*\)?)?"
    rf"|(?P<share2>[0-9]+(?:[.,][0-9]+)?)\s*%\s*(?P<after>{_GENDER_WORD}))"
)


def _without_share(cell: str) -> str:
    """`United States (34%)` -> `United States`; `18-24: 41%` -> `18-24`."""
    return re.sub(r"\s*[:(\-–]?\s*[0-9]+(?:[.,][0-9]+)?\s*%\s*\)?\s*$", "", cell).strip() or cell


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
