"""Parsers for the text cells of exported tables: numbers with units, dates, multi-label cells, yes/no flags.

Each parser takes one column (a pandas Series, one entry per row) and returns plain arrays aligned with its
rows plus the share of non-missing cells it could parse, so callers decide how much is enough:

- `parse_numbers`: `$52,300.00`, `€1.234,50`, `1 234,5`, `12.5%`, `1.2k`, `3.4M`, `2.28E+11`, `(1,200)`.
- `parse_dates`: ISO, `05/03/2024`, `3/5/24`, `05-03-2024`, `5 Mar 2024`, `March 5, 2024`; whether the day
  comes first is decided from the whole column, never cell by cell.
- `parse_labels`: `fitness|travel`, `a;b`, `a, b` into a sparse row x label matrix.
- `parse_booleans`: yes/no, true/false, y/n, t/f, 1/0.

Everything is vectorised: a column is factorised once, the distinct values are parsed with pandas string
methods, and the result is mapped back to the rows, so repeated values cost nothing and 1M rows stay fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse

_SPREADSHEET_ERRORS = (
    "#value!", "#div/0!", "#ref!", "#name?", "#num!", "#null!", "#error!", "#error", "#n/d", "#nv",
    "#valor!", "#¡valor!", "#nombre?", "#valeur!", "#nom?", "#wert!", "#bezug!", "#zahl!", "#name!",
)  # fmt: skip
MISSING_TOKENS: frozenset[str] = frozenset(
    {"", "na", "n/a", "n.a.", "#n/a", "#na", "<na>", "null", "none", "nan", "-", "--", "?", *_SPREADSHEET_ERRORS}
)
"""Cells that mean "no value" (incl. Excel/Sheets error values), compared after stripping and lower-casing."""

_LONGEST_TOKEN = max(len(token) for token in MISSING_TOKENS)


def missing_token_cells(texts: pd.Series) -> np.ndarray:
    """`texts.str.lower().isin(MISSING_TOKENS)` as a bool array, lower-casing only the cells short enough to be a
    token (lower-casing never shortens a text): a column of emails or ids is not lower-cased a million times."""
    short = (texts.str.len() <= _LONGEST_TOKEN).to_numpy(dtype=bool, na_value=False)
    found = np.zeros(len(texts), dtype=bool)
    if short.any():
        found[short] = texts[short].str.lower().isin(MISSING_TOKENS).to_numpy(dtype=bool)
    return found


NumberUnit = Literal["plain", "currency", "percent", "suffixed"]

# Patterns are written for pyarrow's RE2 kernels ([0-9] and [ ] rather than \d and \s, no backreferences,
# named groups only): pandas then runs them in C instead of calling Python's `re` once per cell.
_CURRENCY_CODES = "USD|EUR|GBP|CHF|JPY|INR|CAD|AUD|NZD|SEK|NOK|DKK|PLN|BRL|MXN|CNY|ZAR"
_CURRENCY = rf"^(?:US\$|R\$|{_CURRENCY_CODES})[ ]*|[ ]*(?:{_CURRENCY_CODES})$|[$€£¥₹₩₽¢]"
_SUFFIXES = {
    1e3: "k|thousand",
    1e6: "mm|mn|mio|million|m",
    1e9: "bn|billion|b",
    1e12: "tn|trillion|t",
}
_SUFFIX = rf"(?i)[ ]*(?:{'|'.join(_SUFFIXES.values())})$"
_GROUP_MARKS = " '\u00a0\u202f\u2009\u2019"  # spaces (incl. narrow no-break) and Swiss apostrophes
_GROUPING = f"[{_GROUP_MARKS}]"
_GROUPED = rf"^[0-9]{{1,3}}(?:[{_GROUP_MARKS}][0-9]{{3}})+(?:[.,][0-9]+)?$"
_CORE = r"^(?:[0-9][0-9.,]*|[.,][0-9]+)(?:[eE][-+]?[0-9]+)?$"
# A loose first look (symbols or a currency code, digits and separators, a short unit) that spares the full
# parse for cells that cannot be numbers, such as names or e-mail addresses.
_NUMBERISH = f"^[-+(−$€£¥₹₩₽¢A-Z ]{{0,6}}[0-9.,][0-9.,eE+{_GROUP_MARKS}-]*[%)A-Za-z$€£¥₹₩₽¢ ]{{0,10}}$"
_COMMA_THOUSANDS = r"^[0-9]{1,3}(?:,[0-9]{3})+$"
_DOT_THOUSANDS = r"^[0-9]{1,3}(?:\.[0-9]{3})+$"
_DOTS_ONLY_GROUP = r"^[0-9]{1,3}(?:\.[0-9]{3}){2,}$"  # 1.234.567: thousands, whatever the decimal mark


@dataclass(frozen=True)
class ParsedNumbers:
    """A column read as numbers: one float per row, NaN where missing or not a number."""

    values: np.ndarray
    parsed_share: float
    unit: NumberUnit


@dataclass(frozen=True)
class ParsedDates:
    """A column read as dates: datetime64[ns] per row, NaT where missing or not a date."""

    values: np.ndarray
    parsed_share: float
    dayfirst: bool | None


@dataclass(frozen=True)
class ParsedLabels:
    """A column of label lists as a sparse row x label matrix (1.0 where the row carries the label)."""

    separator: str | None
    vocabulary: tuple[str, ...]
    matrix: sparse.csr_matrix
    known: np.ndarray
    multi_share: float


def missing_mask(series: pd.Series) -> np.ndarray:
    """True per row where the cell is missing: NaN/None or one of `MISSING_TOKENS`."""
    if not _is_text(series):
        return np.array(series.isna(), dtype=bool)  # a writable copy: callers combine masks in place
    return ~_distinct(series).present_rows()


@dataclass(frozen=True)
class TextCells:
    """A text column factorised once: its distinct stripped values and each row's value among them."""

    codes: np.ndarray  # per row, index into `levels`; -1 where the cell is missing (NaN or a missing token)
    levels: pd.Series  # distinct stripped values ("string" dtype), in order of first appearance
    written: int  # distinct present cells as written, before stripping

    @property
    def missing(self) -> np.ndarray:
        return np.asarray(self.codes < 0)


def is_text(series: pd.Series) -> bool:
    """Whether the column holds text cells (string or object dtype), which `text_cells` reads."""
    return _is_text(series)


def text_cells(series: pd.Series) -> TextCells:
    """A text column's distinct stripped values and codes, with missing tokens as -1.

    One hash pass over the rows; everything else works on the distinct cells. The same as factorising
    `series.astype("string").str.strip().mask(missing_mask(series))`, without a second pass over the rows.
    """
    distinct = _distinct(series)
    if distinct.stripped_apart:
        # Distinct cells that stripping left unchanged stay distinct: their levels are the present ones, in order.
        level_of = np.where(distinct.present, np.cumsum(distinct.present) - 1, -1)
        levels = distinct.text[distinct.present].reset_index(drop=True).astype("string")
    else:
        level_of, uniques = pd.factorize(distinct.text.where(distinct.present))
        levels = pd.Series(np.asarray(uniques, dtype=object), dtype="string")
    codes = np.append(level_of, -1)[distinct.codes]  # a missing cell's code -1 picks the appended -1
    return TextCells(codes=codes.astype(np.intp, copy=False), levels=levels, written=int(distinct.present.sum()))


def parse_numbers(series: pd.Series, *, decimal_comma: bool | None = None) -> ParsedNumbers:
    """Read a column as numbers, understanding currency, percent, thousands separators and k/M/B suffixes.

    `decimal_comma=None` decides from the column whether `,` is the decimal mark (`1,5`, `1.234,50`) or
    groups thousands (`1,234.50`); pass True for files known to be European. `12.5%` becomes 12.5.
    """
    if not _is_text(series):
        values = _numeric_values(series)
        return ParsedNumbers(values=values, parsed_share=1.0 if (~np.isnan(values)).any() else 0.0, unit="plain")
    distinct = _distinct(series)
    numbers, tags = _parse_number_texts(distinct.text, decimal_comma)
    numbers[~distinct.present] = np.nan
    parsed = ~np.isnan(numbers)
    return ParsedNumbers(
        values=distinct.per_row(numbers, np.nan),
        parsed_share=distinct.share(parsed),
        unit=_majority_unit(tags, distinct.counts * parsed),
    )


def parse_dates(series: pd.Series) -> ParsedDates:
    """Read a column as dates; day-first vs month-first is decided from the column as a whole.

    Plain numbers (years like `2006`, ids) are never dates. `dayfirst` is True/False when the numeric
    day/month order was decided from the data (a first field above 12 means day-first), None for ISO dates
    or when every cell could be read either way (then `/` is read month-first, `-` and `.` day-first).
    Times with a UTC offset are converted to UTC; values are naive datetime64[ns].
    """
    if pd.api.types.is_datetime64_any_dtype(series):
        out = _as_ns(series.dt.tz_localize(None) if isinstance(series.dtype, pd.DatetimeTZDtype) else series)
        return ParsedDates(values=out, parsed_share=_share((~np.isnat(out)).sum(), series.notna().sum()), dayfirst=None)
    if not _is_text(series):
        return ParsedDates(values=np.full(len(series), np.datetime64("NaT", "ns")), parsed_share=0.0, dayfirst=None)
    distinct = _distinct(series)
    dates, dayfirst = _parse_date_texts(distinct.text)
    dates[~distinct.present] = np.datetime64("NaT", "ns")
    return ParsedDates(
        values=distinct.per_row(dates, np.datetime64("NaT", "ns")),
        parsed_share=distinct.share(~np.isnat(dates)),
        dayfirst=dayfirst,
    )


def parse_labels(series: pd.Series) -> ParsedLabels:
    """Read a column of label lists (`fitness|travel`, `a;b`, `a, b`) or single labels.

    Labels are stripped and lower-cased; the separator is chosen from the data, and a comma only counts as
    one when the pieces look like short labels, not sentences or numbers.
    """
    distinct = _distinct(series)
    text, present, counts = distinct.text, distinct.present, distinct.counts
    separator = _choose_separator(text[present], counts[present])
    pieces = text.str.split(separator, regex=False).explode() if separator else text
    pieces = pieces.str.strip().str.lower()
    keep = pieces.notna() & ~pieces.isin(MISSING_TOKENS) & present[pieces.index.to_numpy()]
    pieces = pieces[keep]
    owners = pieces.index.to_numpy()
    label_codes, labels = pd.factorize(pieces)
    if separator:  # "a|a" holds the label once
        pairs = np.unique(owners.astype(np.int64) * max(len(labels), 1) + label_codes)
        owners, label_codes = np.divmod(pairs, max(len(labels), 1))
    vocabulary, label_codes = _by_frequency(np.asarray(labels, dtype=object), label_codes, counts[owners])
    per_distinct = sparse.csr_matrix((np.ones(len(owners)), (owners, label_codes)), shape=(len(text), len(vocabulary)))
    known = distinct.present_rows()
    matrix = _take_rows(per_distinct, np.where(known, distinct.codes, -1))
    label_counts = np.diff(matrix.indptr)
    return ParsedLabels(
        separator=separator,
        vocabulary=vocabulary,
        matrix=matrix,
        known=known,
        multi_share=_share((label_counts[known] >= 2).sum(), known.sum()),
    )


def _by_frequency(labels: np.ndarray, codes: np.ndarray, weights: np.ndarray) -> tuple[tuple[str, ...], np.ndarray]:
    """Labels ordered most frequent first (ties alphabetical), and `codes` renumbered to that order."""
    frequency = np.bincount(codes, weights=weights, minlength=len(labels))
    alphabetical = np.argsort(np.argsort(labels, kind="stable"), kind="stable")
    order = np.lexsort((alphabetical, -frequency))
    position = np.empty(len(labels), dtype=np.int64)
    position[order] = np.arange(len(labels))
    return tuple(str(label) for label in labels[order]), position[codes]


_TRUE = frozenset({"yes", "true", "y", "t", "1", "1.0"})
_FALSE = frozenset({"no", "false", "n", "f", "0", "0.0"})


def parse_booleans(series: pd.Series, *, min_share: float = 0.95) -> np.ndarray | None:
    """1.0 / 0.0 / NaN per row when at least `min_share` of the non-missing cells are yes/no-like, else None."""
    if pd.api.types.is_bool_dtype(series):
        return series.astype("float64").to_numpy()
    if not _is_text(series) and not pd.api.types.is_numeric_dtype(series):
        return None
    distinct = _distinct(series)
    lowered = distinct.text.str.lower()
    flags = np.where(lowered.isin(_TRUE), 1.0, np.where(lowered.isin(_FALSE), 0.0, np.nan))
    if not distinct.present.any() or distinct.share(~np.isnan(flags)) < min_share:
        return None
    return distinct.per_row(flags, np.nan)


@dataclass(frozen=True)
class _Distinct:
    """A column factorised once: its distinct cells as stripped text, which are real values, how often each is."""

    codes: np.ndarray  # per row, index into `text`; -1 for NaN/None
    text: pd.Series
    present: np.ndarray  # per distinct cell: not a missing-value token
    counts: np.ndarray  # per distinct cell: number of rows
    stripped_apart: bool  # the cells were distinct strings and stripping changed none, so `text` has no repeats

    def per_row(self, per_distinct: np.ndarray, fill: object) -> np.ndarray:
        return _expand(per_distinct, self.codes, fill)

    def present_rows(self) -> np.ndarray:
        return self.per_row(self.present, False)

    def share(self, parsed: np.ndarray) -> float:
        """Share of the rows holding a value whose distinct cell is marked in `parsed`."""
        return _share(self.counts[parsed & self.present].sum(), self.counts[self.present].sum())


def _distinct(series: pd.Series) -> _Distinct:
    codes, uniques = pd.factorize(series)
    written = pd.Series(uniques).astype("str")
    text = written.str.strip()
    present = ~missing_token_cells(text)
    # Only a string column's cells are distinct as text (an object column's 1 and "1" are not).
    apart = isinstance(series.dtype, pd.StringDtype) and bool((text.str.len() == written.str.len()).all())
    return _Distinct(codes, text, present, np.bincount(codes[codes >= 0], minlength=len(text)), apart)


def _is_text(series: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(series) or pd.api.types.is_object_dtype(series)


def _numeric_values(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").astype("float64").to_numpy(dtype="float64", na_value=np.nan)


def _share(part: float, whole: float) -> float:
    return float(part) / float(whole) if whole else 0.0


def _expand(unique_values: np.ndarray, codes: np.ndarray, fill: object) -> np.ndarray:
    """Per-row values from per-unique values (`codes` from pd.factorize, -1 for missing)."""
    out = np.empty(len(codes), dtype=unique_values.dtype)
    out[:] = fill
    mapped = codes >= 0
    out[mapped] = unique_values[codes[mapped]]
    return out


def _take_rows(matrix: sparse.csr_matrix, rows: np.ndarray) -> sparse.csr_matrix:
    """Rows of `matrix` selected by index; -1 gives an empty row."""
    padded = sparse.vstack([matrix, sparse.csr_matrix((1, matrix.shape[1]))], format="csr")
    return sparse.csr_matrix(padded[np.where(rows >= 0, rows, matrix.shape[0])])


# --- numbers -------------------------------------------------------------------------------------------------


def _parse_number_texts(text: pd.Series, decimal_comma: bool | None) -> tuple[np.ndarray, pd.DataFrame]:
    """Numbers for distinct cell texts, and which unit markers each one carried."""
    candidate = text.str.match(_NUMBERISH).to_numpy(dtype=bool, na_value=False)
    numbers = np.full(len(text), np.nan)
    tags = pd.DataFrame(False, index=text.index, columns=["percent", "currency", "suffixed"])
    if candidate.any():
        numbers[candidate], tags.loc[candidate] = _parse_candidates(text[candidate], decimal_comma)
    return numbers, tags


def _parse_candidates(text: pd.Series, decimal_comma: bool | None) -> tuple[np.ndarray, pd.DataFrame]:
    work = text.str.replace("\u2212", "-", regex=False)
    parenthesised = work.str.match(r"^\(.*\)$").to_numpy(dtype=bool, na_value=False)
    work = work.str.replace(r"^\((.*)\)$", r"\1", regex=True).str.strip()
    percent = work.str.endswith("%").to_numpy(dtype=bool, na_value=False)
    work = work.str.replace(r"%$", "", regex=True)
    currency = work.str.contains(_CURRENCY, regex=True).to_numpy(dtype=bool, na_value=False)
    work = work.str.replace(_CURRENCY, "", regex=True).str.strip()
    negative = work.str.match(r"^-").to_numpy(dtype=bool, na_value=False) | parenthesised
    work = work.str.replace(r"^[-+][ ]*", "", regex=True)
    work = work.str.replace(_CURRENCY, "", regex=True).str.strip()  # "-$5" has the symbol after the sign
    multiplier = np.ones(len(work))
    for factor, words in _SUFFIXES.items():
        multiplier[work.str.contains(rf"(?i)[0-9.][ ]*(?:{words})$", regex=True).to_numpy(bool, na_value=False)] = (
            factor
        )
    work = work.str.replace(_SUFFIX, "", regex=True)
    badly_grouped = work.str.contains(_GROUPING, regex=True) & ~work.str.match(_GROUPED)
    work = work.str.replace(_GROUPING, "", regex=True)
    shaped = (work.str.match(_CORE) & ~badly_grouped).to_numpy(dtype=bool, na_value=False)
    if decimal_comma is None:
        decimal_comma = _decimal_comma_from(work[shaped])
    canonical = _canonical_decimal(work, decimal_comma=decimal_comma)
    numbers = pd.to_numeric(canonical.where(shaped), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    numbers = np.where(negative, -numbers, numbers) * multiplier
    tags = pd.DataFrame({"percent": percent, "currency": currency, "suffixed": multiplier != 1.0}, index=text.index)
    return numbers, tags


def _decimal_comma_from(cores: pd.Series) -> bool:
    """True when the cells show `,` as the decimal mark more often than `.`."""
    comma_decimal = cores.str.match(r"^[0-9]*\.[0-9]{3}(?:\.[0-9]{3})*,[0-9]+$") | (
        cores.str.match(r"^[0-9]*,[0-9]+$") & ~cores.str.match(_COMMA_THOUSANDS)
    )
    dot_decimal = cores.str.match(r"^[0-9]*,[0-9]{3}(?:,[0-9]{3})*\.[0-9]+$") | (
        cores.str.match(r"^[0-9]*\.[0-9]+$") & ~cores.str.match(_DOT_THOUSANDS)
    )
    return bool(comma_decimal.sum() > dot_decimal.sum())


def _canonical_decimal(cores: pd.Series, *, decimal_comma: bool) -> pd.Series:
    """Cell cores rewritten with `.` as the only decimal mark and no thousands separators."""
    has_comma = cores.str.contains(",", regex=False)
    has_dot = cores.str.contains(".", regex=False)
    last_is_comma = cores.str.contains(r",[0-9]*$", regex=True)
    comma_as_decimal = cores.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    dot_as_decimal = cores.str.replace(",", "", regex=False)
    if decimal_comma:
        dots_group = has_dot & ~has_comma & cores.str.match(_DOT_THOUSANDS)
        use_comma = (has_comma & (last_is_comma | ~has_dot)) | dots_group
    else:
        lone_comma_decimal = has_comma & ~has_dot & ~cores.str.match(_COMMA_THOUSANDS)
        use_comma = (has_comma & has_dot & last_is_comma) | lone_comma_decimal | cores.str.match(_DOTS_ONLY_GROUP)
    return comma_as_decimal.where(use_comma, dot_as_decimal)


def _majority_unit(tags: pd.DataFrame, weights: np.ndarray) -> NumberUnit:
    """The unit marker carried by the most parsed cells, if at least a tenth of them carry one."""
    totals = {unit: float(weights[tags[unit].to_numpy()].sum()) for unit in ("percent", "currency", "suffixed")}
    unit, count = max(totals.items(), key=lambda item: item[1])
    if count > 0 and count >= 0.1 * float(weights.sum()):
        return unit  # type: ignore[return-value]
    return "plain"


# --- dates ---------------------------------------------------------------------------------------------------

_TIME = (
    r"(?:(?:T|[ ]+)(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})(?:[.,][0-9]+)?)?"
    r"[ ]*(?P<ampm>[AaPp][Mm])?)?"
)
_ZONE = r"[ ]*(?:Z|UTC|GMT|[-+][0-9]{2}:?[0-9]{2})?"
_ISO = rf"^(?P<year>[0-9]{{4}})[-/.](?P<month>[0-9]{{1,2}})[-/.](?P<day>[0-9]{{1,2}}){_TIME}{_ZONE}$"
_DAY_MONTH_NAME = (
    rf"^(?:[A-Za-z]{{3,9}},?[ ]+)?(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?[- ]+(?P<month_name>[A-Za-z]{{3,9}})\.?,?"
    rf"[- ]+(?P<year>[0-9]{{4}}|[0-9]{{2}}){_TIME}{_ZONE}$"
)
_MONTH_NAME_DAY = (
    rf"^(?:[A-Za-z]{{3,9}},?[ ]+)?(?P<month_name>[A-Za-z]{{3,9}})\.?[- ]+(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?,?"
    rf"[- ]+(?P<year>[0-9]{{4}}){_TIME}{_ZONE}$"
)
# Cheap first looks that route each cell to the one family of patterns that can read it.
_ISO_START = r"^[0-9]{4}[-/.][0-9]"
_NUMERIC_START = r"^[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]"
_NAMED_SHAPE = r"^[A-Za-z0-9 ,.:+-]{6,40}$"
_HAS_MONTH = r"(?i)(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


def _parse_date_texts(text: pd.Series) -> tuple[np.ndarray, bool | None]:
    """Dates for distinct cell texts, and the day/month order decided for the numeric forms."""
    iso = text.str.match(_ISO_START).fillna(False).to_numpy(dtype=bool)
    numeric = text.str.match(_NUMERIC_START).fillna(False).to_numpy(dtype=bool)
    named = (
        text.str.match(_NAMED_SHAPE).fillna(False).to_numpy(dtype=bool)
        & text.str.contains(_HAS_MONTH, regex=True).fillna(False).to_numpy(dtype=bool)
        & text.str.contains("[0-9]", regex=True).fillna(False).to_numpy(dtype=bool)
        & ~iso
        & ~numeric
    )
    out = np.full(len(text), np.datetime64("NaT", "ns"))
    dayfirst: bool | None = None
    # Each form is parsed only when some cell has it: most text columns are not dates at all.
    if iso.any():
        out[iso] = _iso_dates(text[iso])
    if numeric.any():
        out[numeric], dayfirst = _numeric_dates(text[numeric])
    if named.any():
        named_text = text[named]
        out[named] = _assemble(
            _month_name_parts(named_text, _DAY_MONTH_NAME).fillna(_month_name_parts(named_text, _MONTH_NAME_DAY))
        )
    return out, dayfirst


def _iso_dates(text: pd.Series) -> np.ndarray:
    """ISO dates through pandas' C parser (offsets converted to UTC); the rare rest (`2024.03.05`) by pattern."""
    out = _as_ns(pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True).dt.tz_localize(None))
    left = np.isnat(out)
    if left.any():
        found = text[left].str.extract(_ISO)
        out[left] = _assemble(
            _with_time(found, year=_to_int(found["year"]), month=_to_int(found["month"]), day=_to_int(found["day"]))
        )
    return out


def _month_name_parts(text: pd.Series, pattern: str) -> pd.DataFrame:
    found = text.str.extract(pattern)
    month = found["month_name"].str.lower().map(_MONTHS).astype("Int64")
    return _with_time(found, year=_full_year(_to_int(found["year"])), month=month, day=_to_int(found["day"]))


_NUMERIC_TIMES = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p", "T%H:%M:%S", " %H:%M:%S.%f")


def _numeric_dates(text: pd.Series) -> tuple[np.ndarray, bool | None]:
    """`05/03/2024`-style dates, with one day/month order for the whole column when the data shows it."""
    first_over = int(text.str.match(r"^(?:1[3-9]|2[0-9]|3[01])[-/.]").sum())
    second_over = int(text.str.match(r"^[0-9]{1,2}[-/.](?:1[3-9]|2[0-9]|3[01])[-/.]").sum())
    dayfirst = bool(first_over >= second_over) if first_over or second_over else None
    out = np.full(len(text), np.datetime64("NaT", "ns"))
    long_year = text.str.match(r"^[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{4}").to_numpy(dtype=bool, na_value=False)
    for separator in "/-.":
        with_separator = text.str.match(f"^[0-9]{{1,2}}[{separator}]").to_numpy(dtype=bool, na_value=False)
        day_first = dayfirst if dayfirst is not None else separator != "/"  # undecidable: US "/", else European
        order = f"%d{separator}%m" if day_first else f"%m{separator}%d"
        for year, rows in (("%Y", long_year), ("%y", ~long_year)):
            _parse_formats(text, out, with_separator & rows, [f"{order}{separator}{year}{t}" for t in _NUMERIC_TIMES])
    return out, dayfirst


def _parse_formats(text: pd.Series, out: np.ndarray, rows: np.ndarray, formats: list[str]) -> None:
    """Fill `out` where `rows` is set, trying each explicit format on the cells still unparsed."""
    for date_format in formats:
        left = rows & np.isnat(out)
        if not left.any():
            return
        out[left] = _as_ns(pd.to_datetime(text[left], format=date_format, errors="coerce"))


def _as_ns(values: pd.Series) -> np.ndarray:
    """datetime64[ns] values; dates outside what nanoseconds can hold (years 1678-2261) become NaT."""
    raw = values.to_numpy(dtype="datetime64[us]")
    inside = (raw >= np.datetime64("1678-01-01")) & (raw < np.datetime64("2262-01-01"))
    return np.where(inside, raw, np.datetime64("NaT")).astype("datetime64[ns]")


def _with_time(found: pd.DataFrame, *, year: pd.Series, month: pd.Series, day: pd.Series) -> pd.DataFrame:
    hour = _to_int(found["hour"]).fillna(0)
    pm = found["ampm"].str.lower().eq("pm").fillna(False).to_numpy(dtype=bool)
    am = found["ampm"].str.lower().eq("am").fillna(False).to_numpy(dtype=bool)
    hour = hour.where(~(pm & (hour < 12)), hour + 12).where(~(am & (hour == 12)), 0)
    parts = pd.DataFrame(
        {
            "year": year,
            "month": month,
            "day": day,
            "hour": hour,
            "minute": _to_int(found["minute"]).fillna(0),
            "second": _to_int(found["second"]).fillna(0),
        }
    )
    return parts.where(year.notna() & month.notna() & day.notna())


def _assemble(parts: pd.DataFrame) -> np.ndarray:
    complete = parts.notna().all(axis=1)
    out = np.full(len(parts), np.datetime64("NaT", "ns"))
    if complete.any():
        out[complete.to_numpy()] = _as_ns(pd.to_datetime(parts[complete].astype("int64"), errors="coerce"))
    return out


def _to_int(values: pd.Series) -> pd.Series:
    """Digits captured by a date pattern as whole numbers (`Int64`, <NA> where the part is missing)."""
    return pd.to_numeric(values, errors="coerce").astype("Int64")


def _full_year(year: pd.Series) -> pd.Series:
    """Two-digit years as strptime reads them: 00-68 are 20xx, 69-99 are 19xx."""
    century = pd.Series(np.where(year.fillna(100).to_numpy() < 69, 2000, 1900), index=year.index)
    return year.where(year.isna() | (year >= 100), year + century)


# --- labels --------------------------------------------------------------------------------------------------

_SEPARATORS = ("|", ";", ",")


def _choose_separator(text: pd.Series, counts: np.ndarray) -> str | None:
    """The list separator most cells use, if splitting on it gives short, repeated, non-numeric labels."""
    best: tuple[float, str] | None = None
    total = counts.sum()
    for separator in _SEPARATORS:
        holds = text.str.contains(separator, regex=False).to_numpy(dtype=bool, na_value=False)
        share = _share(counts[holds].sum(), total)
        if share < 0.02 or not _pieces_look_like_labels(text[holds], separator):
            continue
        if best is None or share > best[0]:
            best = (share, separator)
    return best[1] if best else None


def _pieces_look_like_labels(cells: pd.Series, separator: str) -> bool:
    lists = cells.str.split(separator, regex=False)
    pieces = lists.explode().str.strip()
    pieces = pieces[pieces.str.len() > 0]
    if pieces.empty:
        return False
    words = pieces.str.count("[ ]+") + 1
    numeric = pieces.str.match(r"^[0-9. ]+$")
    if separator == "," and (
        numeric.mean() > 0.2 or words.mean() > 3 or (words > 5).mean() > 0.1 or not _labels_move_around(lists)
    ):
        return False
    return bool(words.mean() <= 6 and pieces.str.len().mean() <= 60)


def _labels_move_around(lists: pd.Series) -> bool:
    """In a real list a label shows up both first and later (`music, games` / `games, music`).

    `Austin, TX` or `Smith, John` put different kinds of thing in each place, so they are not lists.
    """
    first = set(lists.str[0].str.strip().str.lower())
    later = lists.str[1:].explode().dropna().str.strip().str.lower()
    return bool(len(later) and later.isin(first).mean() >= 0.1)
