"""Column roles: what every input column is, whether it feeds the clustering, and why.

Decisions, in order, for each column (the first that applies wins):
- near-empty (at least 90% missing) and constant columns are excluded;
- identifiers are excluded: email or UUID values, unique values under an id-like name, integers counting up
  like a row number, or short text that is (nearly) unique per row;
- free text (mostly distinct values, long or many-worded) is excluded;
- booleans, numbers (plain, currency, percent, suffixed such as `1.2k`), dates, multi-label cells and
  categories are used.
Text columns are parsed once per distinct value (`pd.factorize`), so a million-row column of 20 countries
costs 20 parses. A date column becomes "days since <column>" counted back from the LATEST date in the file,
never the clock: for a signup date that is tenure, for a last order it is recency; a birth date becomes an
age in years. Semantics ("age", "birth_year", "gender", "country", "interests") come from names and values,
and semantic columns are prepared even when they do not feed the clustering, because the audience mix
needs them. `columns` / `exclude` override the automatic choice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import sparse

from segmentation import values
from segmentation.countries import country_code
from segmentation.errors import InvalidOptionError
from segmentation.lexicon import says_customers
from segmentation.near_names import closest_name
from segmentation.prepared import PreparedColumn, PreparedTable
from segmentation.result import ColumnRole, Role
from segmentation.task_map import PARALLEL_MIN_ROWS, TaskMap, serial_map

EMPTY_SHARE = 0.9
NEARLY_UNIQUE = 0.95  # share of distinct values above which an id-named column is an id despite repeats
PARSED_SHARE = 0.9
MULTI_SHARE = 0.05
DAYS_PER_YEAR = 365.25

_ID_TOKENS = frozenset({"id", "ids", "uuid", "guid", "key", "email", "mail", "phone", "ssn", "token", "hash"})
# A serial number's header: "S.No", "Sr. No.", "Sl no", "sno", "serial", "row_no" (the words alone, no others).
_SERIAL_WORDS = frozenset({"no", "sno", "srno", "slno", "serial"})
_SERIAL_PREFIXES = frozenset({"s", "sr", "sl", "row", "number"})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_UUID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$", re.IGNORECASE)
_GENDER_VALUES = frozenset(
    {"m", "f", "male", "female", "man", "woman", "men", "women", "non-binary", "nonbinary", "other", "x", "boy", "girl"}
)
# Small whole numbers under these names are codes for categories (Region 1/2/3), not quantities.
_CODE_TOKENS = frozenset(
    {
        "region",
        "channel",
        "segment",
        "type",
        "category",
        "group",
        "class",
        "code",
        "status",
        "tier",
        "zone",
        "cluster",
        "department",
        "store",
        "branch",
        "source",
    }
)
# ...unless the name says the numbers are amounts.
_QUANTITY_TOKENS = frozenset(
    {"size", "count", "counts", "number", "num", "amount", "total", "sum", "points", "score", "spend", "visits", "days"}
)
MAX_CODES = 12
# Whole numbers like 19970101 are dates under these names, or anywhere in a column of at least this many rows.
_DATE_NAME_TOKENS = frozenset({"date", "day", "dt", "ymd", "yyyymmdd", "when", "on", "at", "time"})
MIN_COMPACT_DATES = 20
_REPEATED_IDS = "named like an id"  # the start of the reason given to an id column that repeats
# Under a code-like name, whole numbers stay codes up to this many levels (Caravan's MOSTYPE: 40 customer subtypes).
MAX_NAMED_CODES = 60
_INTEREST_TOKENS = frozenset({"interest", "interests", "hobby", "hobbies", "tags", "topics", "likes", "passions"})
# Yes/no columns under these names record what people did after the fact (the result a marketer wants to
# explain), not who they are: they are kept out of the clustering and shown per segment instead.
_OUTCOME_TOKENS = frozenset(
    {
        "bought",
        "buy",
        "buyer",
        "purchased",
        "purchase",
        "converted",
        "conversion",
        "churned",
        "churn",
        "defaulted",
        "default",
        "subscribed",
        "responded",
        "response",
    }
)
OUTCOME_REASON = "outcome (yes/no result): kept out of the clustering, shown per segment"


@dataclass(frozen=True)
class _Decision:
    role: ColumnRole
    prepared: tuple[PreparedColumn, ...] = ()
    # A date column's parsed dates, turned into day counts once the file's latest date is known.
    dates: np.ndarray | None = None


def prepare_table(
    table: pd.DataFrame,
    *,
    columns: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    decimal_comma: bool | None = None,
    outcomes: Sequence[str] | None = None,
    cluster_on: Sequence[str] | None = None,
    task_map: TaskMap | None = None,
) -> PreparedTable:
    """Decide a role for every column of `table` and parse the ones that are used or carry a semantic.

    `decimal_comma` is how the file writes decimals when the reader knows it (None: decide per column).
    `outcomes` names the outcome columns (None: found by name, see `_OUTCOME_TOKENS`); `cluster_on` puts
    outcome columns back into the clustering (they are still reported per segment). `task_map` may decide the
    columns at once (`segmentation.task_map`); each column's decision depends on that column alone.
    """
    names = [str(name) for name in table.columns]
    _check_names(names, columns, "--columns")
    _check_names(names, exclude, "--exclude")
    _check_names(names, outcomes, "--outcome")
    _check_names(names, cluster_on, "--cluster-on")
    tasks = [
        (name, table.iloc[:, position], columns is not None and name in columns, decimal_comma)
        for position, name in enumerate(names)
    ]
    run = task_map if task_map is not None and len(table) >= PARALLEL_MIN_ROWS else serial_map
    decisions = run(_decide_column, tasks)
    latest = _latest_date(decisions)
    decisions = [_apply_overrides(_with_days(decision, latest), columns, exclude) for decision in decisions]
    decisions = _country_codes_checked(_summary_convention(decisions))
    into_clustering = (*(cluster_on or ()), *(columns or ()))
    decisions = [_as_outcome(decision, outcomes, into_clustering) for decision in decisions]
    _check_cluster_on(decisions, cluster_on)
    prepared = tuple(column for d in decisions for column in d.prepared if column.used or column.semantic)
    reference_year = int(str(latest)[:4]) if latest is not None else None
    return PreparedTable(
        n_rows=len(table),
        columns=prepared,
        roles=tuple(d.role for d in decisions),
        reference_year=reference_year,
        row_noun=_row_noun(names, decisions),
    )


_BILL_TOKENS = frozenset({"bill", "bills", "tip", "tips", "check", "table", "party"})
_TRANSACTION_TOKENS = frozenset({"transaction", "transactions", "invoice", "receipt"})
_PERSON_TOKENS = frozenset(
    {
        "customer",
        "customers",
        "user",
        "member",
        "person",
        "people",
        "client",
        "email",
        "first",
        "last",
        "gender",
        "sex",
        "birth",
        "married",
        "marital",
        "kids",
        "children",
        "student",
        "occupation",
    }
)
# A person's age, income or education, unless the table is about places: a store's file gives its area's average
# age and income beside the population (ISLP's Carseats). A bare "name" can be a car's (ISLP's Auto).
_PERSON_OR_PLACE_TOKENS = frozenset({"age", "income", "education"})
_PLACE_TOKENS = frozenset({"population", "urban", "rural", "residents", "inhabitants", "density"})
# The share of an "age" column's values that must be whole numbers for it to be a person's age in years.
WHOLE_AGES = 0.9


# Social-media accounts: an audience size (followers) beside what the account posts or gets (posts, views).
_AUDIENCE_SIZE_TOKENS = frozenset({"followers", "follower", "subscribers", "subscriber"})
_POSTING_TOKENS = frozenset({"posts", "uploads", "views", "likes", "comments", "engagement", "eng", "videos", "reels"})
_CHANNEL_TOKENS = frozenset({"youtuber", "youtube", "uploads", "video", "videos"})


def _row_noun(names: list[str], decisions: list[_Decision]) -> str:
    """What a row is: bills (total_bill, tip), social-media channels or accounts (subscribers and views,
    followers and posts), transactions (invoice, quantity), people, customers (buying, without a person's
    column), or plain rows."""
    tokens = set().union(*(_tokens(name) for name in names)) if names else set()
    if tokens & _BILL_TOKENS and {"bill", "tip", "tips"} & tokens:
        return "bills"
    if tokens & _AUDIENCE_SIZE_TOKENS and tokens & _POSTING_TOKENS:
        # A YouTube channel or an Instagram account is not a person, even with a "youtuber name" column.
        return "channels" if tokens & _CHANNEL_TOKENS else "accounts"
    described = tokens & (_PERSON_TOKENS - {"customer", "customers", "user", "client"})
    if tokens & _TRANSACTION_TOKENS or ("quantity" in tokens and not described) or _repeats_people(decisions):
        return "transactions"
    semantics = {d.role.semantic for d in decisions}
    if tokens & _PERSON_TOKENS or semantics & {"gender", "birth_year"}:
        return "people"
    if (tokens & _PERSON_OR_PLACE_TOKENS - {"age"} or "age" in semantics) and not tokens & _PLACE_TOKENS:
        return "people"
    # Columns that show rows buying (spend, purchases, two products): the segment names say "customers", so do
    # the counts ("267 customers", not "Light household goods buyers: 267 rows").
    return "customers" if says_customers(names) else "rows"


def _repeats_people(decisions: list[_Decision]) -> bool:
    """A customer or user id on several rows each (CDNOW's purchases): the rows are what those people did."""
    return any(
        d.role.role == "identifier"
        and d.role.reason.startswith(_REPEATED_IDS)
        and _tokens(d.role.name) & {"customer", "customers", "user", "client", "member", "buyer", "shopper"}
        for d in decisions
    )


def _check_names(names: list[str], wanted: Sequence[str] | None, option: str) -> None:
    for name in wanted or ():
        if name not in names:
            close = closest_name(name, names)
            hint = f"did you mean '{close}'?" if close else f"the columns are: {_name_list(names)}."
            raise InvalidOptionError(f"There is no column '{name}' in {option}; {hint}")


def _name_list(names: list[str], shown: int = 12) -> str:
    listed = ", ".join(names[:shown])
    return listed if len(names) <= shown else f"{listed} and {len(names) - shown} more"


def _apply_overrides(decision: _Decision, columns: Sequence[str] | None, exclude: Sequence[str] | None) -> _Decision:
    role = decision.role
    if exclude is not None and role.name in exclude:
        reason = f"excluded on request (would have been {role.role})" if role.used else role.reason
        return _with_use(decision, used=False, role="excluded" if role.used else role.role, reason=reason)
    if columns is not None and role.used and role.name not in columns:
        return _with_use(decision, used=False, role="excluded", reason=f"not among the chosen columns ({role.role})")
    return decision


def _as_outcome(decision: _Decision, outcomes: Sequence[str] | None, cluster_on: Sequence[str]) -> _Decision:
    """An outcome column: prepared with semantic "outcome", out of the clustering unless in `cluster_on`."""
    role = decision.role
    if outcomes is not None:
        if role.name not in outcomes:
            return decision
        if role.role != "boolean":
            raise InvalidOptionError(_not_yes_no(role.name, decision))
    elif role.role != "boolean" or not role.used or not _tokens(role.name) & _OUTCOME_TOKENS:
        return decision
    used = role.name in cluster_on
    reason = "outcome (yes/no result): used for clustering on request" if used else OUTCOME_REASON
    new_role = ColumnRole(role.name, "boolean", used, reason, missing_share=role.missing_share, semantic="outcome")
    prepared = tuple(replace(column, used=used, semantic="outcome") for column in decision.prepared)
    return _Decision(new_role, prepared)


def _summary_convention(decisions: list[_Decision]) -> list[_Decision]:
    """Read a customer summary in the lifetimes / BTYD convention (frequency, recency, T, recency <= T).

    There `recency` is the time from a customer's first to their last purchase and `T` their age as a customer,
    so a high recency means a long-standing repeat buyer, not a lapsed one (CDNOW, lifetimes' summaries).
    """
    by_name = {d.role.name: d for d in decisions}
    recency, age = by_name.get("recency"), by_name.get("T")
    if recency is None or age is None or "frequency" not in by_name:
        return decisions
    spans = next((c.numbers for c in recency.prepared if c.numbers is not None), None)
    ages = next((c.numbers for c in age.prepared if c.numbers is not None), None)
    if spans is None or ages is None:
        return decisions
    both = np.isfinite(spans) & np.isfinite(ages)
    if not both.any() or bool((spans[both] > ages[both]).any()):
        return decisions
    # `frequency` there counts repeat purchases: 0 is a one-time buyer, 1 or more a repeat buyer.
    meanings = {"recency": "repeat_span", "T": "tenure", "frequency": "repeat_count"}
    return [_with_semantic(d, meanings[d.role.name]) if d.role.name in meanings else d for d in decisions]


def _country_codes_checked(decisions: list[_Decision]) -> list[_Decision]:
    """A column of country codes that a column of country names contradicts on some row is not read as countries:
    plotly's gapminder gives North Korea's rows the code KOR, which would show them as South Korea. Its values are
    then shown as written ("KOR"), and the names column speaks for the rows' countries."""
    found = {d.role.name: _row_countries(d) for d in decisions if d.role.semantic == "country"}
    countries = {name: rows for name, rows in found.items() if rows is not None}
    codes = {name for name, (_, levels) in countries.items() if _written_as_codes(levels)}
    contradicted = set()
    for name in codes:
        mine = countries[name][0]
        for other, (theirs, _) in countries.items():
            both = (mine != "") & (theirs != "")
            if other not in codes and bool((mine[both] != theirs[both]).any()):
                contradicted.add(name)
    return [_with_semantic(d, None) if d.role.name in contradicted else d for d in decisions]


def _row_countries(decision: _Decision) -> tuple[np.ndarray, list[str]] | None:
    """Each row's ISO country code ("" unknown) and the column's written values, for a categorical column."""
    column = next((c for c in decision.prepared if c.categories is not None), None)
    if column is None or column.categories is None:
        return None
    levels = [str(level) for level in column.categories.categories]
    lookup = np.array([country_code(level) or "" for level in levels] + [""], dtype=object)
    return lookup[np.asarray(column.categories.codes, dtype=np.int64)], levels


def _written_as_codes(levels: list[str]) -> bool:
    return bool(levels) and all(re.fullmatch(r"[A-Z]{2,3}", level) for level in levels)


def _with_semantic(decision: _Decision, semantic: str | None) -> _Decision:
    role = replace(decision.role, semantic=semantic)
    return _Decision(role, tuple(replace(column, semantic=semantic) for column in decision.prepared), decision.dates)


def _not_yes_no(name: str, decision: _Decision) -> str:
    """Why `name` cannot be an outcome; two plain categories (Active/Churned) need saying which one is the event."""
    codes = next((column.categories for column in decision.prepared if column.categories is not None), None)
    levels = [str(level) for level in codes.categories] if codes is not None else []
    if decision.role.role == "categorical" and len(levels) == 2:
        first, second = levels
        return (
            f"The outcome column '{name}' has two values ({first}, {second}) but Segbot cannot tell which one is the "
            f"outcome; add a column that says it as yes/no or 1/0 (e.g. {second.lower()} = yes or no)."
        )
    return (
        f"The outcome column '{name}' is not a yes/no column ({decision.role.reason}); choose a column whose values "
        "are yes/no or 1/0."
    )


def _check_cluster_on(decisions: list[_Decision], cluster_on: Sequence[str] | None) -> None:
    outcomes = [d.role.name for d in decisions if d.role.semantic == "outcome"]
    for name in cluster_on or ():
        if name not in outcomes:
            found = f"the outcome columns are: {', '.join(outcomes)}" if outcomes else "this file has no outcome column"
            raise InvalidOptionError(
                f"'{name}' is not an outcome column, so it needs no cluster-on (it is clustered on already when "
                f"usable); {found}."
            )


def _with_use(decision: _Decision, *, used: bool, role: Role, reason: str) -> _Decision:
    old = decision.role
    new_role = ColumnRole(old.name, role, used, reason, missing_share=old.missing_share, semantic=old.semantic)
    prepared = tuple(_replace_used(column, used) for column in decision.prepared)
    return _Decision(new_role, prepared)


def _replace_used(column: PreparedColumn, used: bool) -> PreparedColumn:
    return PreparedColumn(
        name=column.name,
        role=column.role,
        semantic=column.semantic,
        source=column.source,
        unit=column.unit,
        numbers=column.numbers,
        categories=column.categories,
        labels=column.labels,
        vocabulary=column.vocabulary,
        labels_known=column.labels_known,
        used=used,
    )


def _decide_column(task: tuple[str, pd.Series, bool, bool | None]) -> _Decision:
    """`_decide` on (name, cells, forced, decimal_comma): a task of a TaskMap."""
    name, series, forced, decimal_comma = task
    return _decide(name, series, forced=forced, decimal_comma=decimal_comma)


def _decide(name: str, series: pd.Series, *, forced: bool, decimal_comma: bool | None) -> _Decision:
    # Text is factorised once here and everything after works on its distinct values.
    cells = values.text_cells(series) if values.is_text(series) else None
    missing = cells.missing if cells is not None else values.missing_mask(series)
    n_rows = len(series)
    missing_share = float(missing.mean()) if n_rows else 1.0
    if missing_share >= EMPTY_SHARE:
        return _excluded(name, "empty", f"{missing_share:.0%} missing", missing_share)
    distinct = cells.written if cells is not None else series[~missing].nunique()
    if distinct <= 1:
        return _constant(name, series, missing, missing_share)
    if pd.api.types.is_bool_dtype(series):
        return _boolean(name, series.astype("float64").to_numpy(), missing_share, "true/false values")
    if pd.api.types.is_datetime64_any_dtype(series):
        return _date(name, values.parse_dates(series).values, missing_share)
    if pd.api.types.is_numeric_dtype(series) and (dates := _compact_dates(name, series)) is not None:
        return _date(name, dates, missing_share)
    if pd.api.types.is_numeric_dtype(series):
        return _numeric_column(name, series.astype("float64").to_numpy(), distinct, missing_share, forced)
    if cells is None:
        cells = values.text_cells(series.astype("string").mask(missing))
    return _text_column(name, cells, missing_share, forced=forced, decimal_comma=decimal_comma)


def _numeric_column(name: str, numbers: np.ndarray, distinct: int, missing_share: float, forced: bool) -> _Decision:
    n_present = int(np.isfinite(numbers).sum())
    if not forced and n_present and id_like_name(name) and distinct >= NEARLY_UNIQUE * n_present:
        # An id column of a real export repeats a few people (merged lists) or misses a few cells.
        exact = distinct == n_present == len(numbers)
        reason = "unique per row and named like an id" if exact else "nearly unique per row and named like an id"
        return _excluded(name, "identifier", reason, missing_share)
    if not forced and id_like_name(name) and distinct > MAX_NAMED_CODES:
        return _excluded(name, "identifier", _repeated_ids(distinct, n_present), missing_share)
    if not forced and distinct == n_present == len(numbers) and _counts_up(numbers):
        low, high = int(numbers.min()), int(numbers.max())
        reason = f"unique per row and every whole number from {low:,} to {high:,}, like a row number or a rank"
        return _excluded(name, "identifier", reason, missing_share)
    code_named = _code_like_name(name)
    if _is_code(numbers) and (
        (code_named and distinct <= MAX_NAMED_CODES) or (distinct <= MAX_CODES and _sparse_codes(numbers))
    ):
        text = pd.Series(numbers).map(_show, na_action="ignore")
        codes, uniques = pd.factorize(text)
        levels = pd.Series(np.asarray(uniques, dtype=object), dtype="string")
        counts = np.bincount(codes[codes >= 0], minlength=len(levels))
        decision = _categorical(name, codes, levels, counts, missing_share)
        named = "under a category-like name" if code_named else "spread like labels, not amounts"
        reason = f"category codes ({distinct} distinct numbers {named})"
        return _used(name, "categorical", reason, missing_share, prepared=decision.prepared)
    if distinct == 2:
        low, high = np.unique(numbers[np.isfinite(numbers)])
        flags = np.where(np.isfinite(numbers), (numbers == high).astype("float64"), np.nan)
        return _boolean(name, flags, missing_share, f"two values ({_show(low)} / {_show(high)})")
    semantic = _numeric_semantic(name, numbers)
    if semantic == "birth_year":
        return _used(
            name,
            "numeric",
            "year of birth",
            missing_share,
            semantic=semantic,
            prepared=(PreparedColumn(name, "numeric", semantic=semantic, unit="year", numbers=numbers),),
        )
    reason = f"numbers ({distinct:,} distinct values)"
    unit = "years" if semantic == "age" else "year" if _calendar_years(name, numbers) else None
    column = PreparedColumn(name, "numeric", semantic=semantic, unit=unit, numbers=numbers)
    return _used(name, "numeric", reason, missing_share, semantic=semantic, prepared=(column,))


def _text_column(
    name: str, cells: values.TextCells, missing_share: float, *, forced: bool, decimal_comma: bool | None
) -> _Decision:
    codes, levels = cells.codes, cells.levels
    present = codes >= 0
    n_present = int(present.sum())
    counts = np.bincount(codes[present], minlength=len(levels))
    if not forced:
        identifier = _identifier_by_values(name, levels, n_present)
        if identifier:
            return _excluded(name, "identifier", identifier, missing_share)
        # Long many-worded cells without list separators are sentences: saying so before the parsers spares
        # parsing a million of them (anything less clear-cut is decided after the parsers).
        listed = float(levels.iloc[:2000].str.contains(r"[,;|]").mean()) if len(levels) else 0.0
        sentences = _free_text_reason(levels, counts, n_present, length=40, words=6, both=True)
        if sentences and listed < 0.5:
            return _excluded(name, "free_text", sentences, missing_share)
    flags = values.parse_booleans(levels)
    if flags is not None:
        return _boolean(name, _spread_codes(np.asarray(flags, dtype="float64"), codes), missing_share, "yes/no values")
    numbers = values.parse_numbers(levels, decimal_comma=decimal_comma)
    if numbers.parsed_share >= PARSED_SHARE:
        return _numeric_text(
            name, _spread_codes(numbers.values, codes), numbers.unit, len(levels), missing_share, forced=forced
        )
    dates = values.parse_dates(levels)
    if dates.parsed_share >= PARSED_SHARE:
        spread = np.where(present, dates.values[np.maximum(codes, 0)], np.datetime64("NaT"))
        return _date(name, spread.astype("datetime64[ns]"), missing_share)
    labels = values.parse_labels(levels)
    if labels.separator is not None:
        multi = _multi_share(labels.matrix, codes, present)
        if multi >= MULTI_SHARE:
            return _multilabel(name, labels, codes, present, multi=multi, missing_share=missing_share)
    if not forced:
        unique = _unique_text_reason(levels, counts, n_present) or _free_text_reason(levels, counts, n_present)
        if unique:
            return _excluded(
                name, "free_text" if unique.startswith("free text") else "identifier", unique, missing_share
            )
    return _categorical(name, codes, levels, counts, missing_share)


def _spread_codes(per_level: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Per-distinct-value results back to one value per row (NaN where the cell was missing)."""
    out = np.asarray(per_level, dtype="float64")[np.maximum(codes, 0)]
    out[codes < 0] = np.nan
    return np.asarray(out)


def _numeric_text(
    name: str, numbers: np.ndarray, unit: str, distinct: int, missing_share: float, *, forced: bool
) -> _Decision:
    if unit == "plain":
        return _numeric_column(name, numbers, distinct, missing_share, forced)
    shown = {"currency": "currency amounts", "percent": "percentages", "suffixed": "numbers with k/M suffixes"}
    column = PreparedColumn(name, "numeric", unit=unit if unit in ("currency", "percent") else None, numbers=numbers)
    return _used(
        name,
        "numeric",
        f"{shown.get(unit, 'numbers')} ({distinct:,} distinct values)",
        missing_share,
        prepared=(column,),
    )


def _multi_share(matrix: sparse.csr_matrix, codes: np.ndarray, present: np.ndarray) -> float:
    per_level = np.asarray(matrix.sum(axis=1)).ravel() >= 2
    return float(per_level[codes[present]].mean()) if present.any() else 0.0


def _multilabel(
    name: str,
    labels: values.ParsedLabels,
    codes: np.ndarray,
    present: np.ndarray,
    *,
    multi: float,
    missing_share: float,
) -> _Decision:
    rows = labels.matrix.tocsr()[np.maximum(codes, 0)]
    known = present & np.asarray(labels.known, dtype=bool)[np.maximum(codes, 0)]
    rows = sparse.diags(known.astype("float64")) @ rows
    matrix = sparse.csr_matrix(rows, dtype=np.float32)
    matrix.eliminate_zeros()
    semantic = "interests" if _tokens(name) & _INTEREST_TOKENS else None
    column = PreparedColumn(
        name, "multilabel", semantic=semantic, labels=matrix, vocabulary=tuple(labels.vocabulary), labels_known=known
    )
    reason = (
        f"multi-label: {multi:.0%} of cells hold 2+ labels separated by '{labels.separator}' "
        f"({len(labels.vocabulary):,} labels)"
    )
    return _used(name, "multilabel", reason, missing_share, semantic=semantic, prepared=(column,))


def _categorical(
    name: str, codes: np.ndarray, levels: pd.Series, counts: np.ndarray, missing_share: float
) -> _Decision:
    semantic = _text_semantic(name, levels, counts)
    categories = _sorted_categories(codes, levels)
    column = PreparedColumn(name, "categorical", semantic=semantic, categories=categories)
    reason = f"categories ({len(levels):,} distinct values)"
    return _used(name, "categorical", reason, missing_share, semantic=semantic, prepared=(column,))


def _sorted_categories(codes: np.ndarray, levels: pd.Series) -> pd.Categorical:
    """`pd.Categorical` of the cells (levels sorted, object dtype), from their factorized codes (-1 = missing).

    The same categories and codes as `pd.Categorical(text.astype(object))` of the cells, without making a
    Python string of every cell and hashing it again (a third of a second per column of a million rows).
    """
    uniques = np.asarray(levels, dtype=object)
    order = np.argsort(uniques, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    sorted_codes = np.where(codes >= 0, rank[np.maximum(codes, 0)], -1)
    return pd.Categorical.from_codes(sorted_codes, categories=pd.Index(uniques[order], dtype=object))


def _date(name: str, dates: np.ndarray, missing_share: float) -> _Decision:
    if _tokens(name) & {"birth", "birthday", "dob", "born", "birthdate"}:
        role = ColumnRole(name, "date", True, "birth dates, used as age in years", semantic="age")
    else:
        role = ColumnRole(
            name, "date", True, f"dates, used as days since {name}, counted back to the latest date in the file"
        )
    decision = _used(name, "date", role.reason, missing_share, semantic=role.semantic, prepared=())
    return _Decision(decision.role, (), dates)


def _with_days(decision: _Decision, latest: np.datetime64 | None) -> _Decision:
    """Turn a date column into day counts before the latest date in the file (ages in years for birth dates)."""
    if decision.dates is None or latest is None:
        return decision
    dates = decision.dates
    days = (latest - dates).astype("timedelta64[s]").astype("float64") / 86_400.0
    days[np.isnat(dates)] = np.nan
    name = decision.role.name
    if decision.role.semantic == "age":
        column = PreparedColumn(
            f"age from {name}", "date", semantic="age", source=name, unit="years", numbers=days / DAYS_PER_YEAR
        )
    else:
        column = PreparedColumn(f"days since {name}", "date", source=name, unit="days", numbers=days)
    return _Decision(decision.role, (column,))


def _boolean(name: str, flags: np.ndarray, missing_share: float, what: str) -> _Decision:
    column = PreparedColumn(name, "boolean", numbers=flags)
    return _used(name, "boolean", what, missing_share, prepared=(column,))


def _used(
    name: str,
    role: Role,
    reason: str,
    missing_share: float,
    *,
    prepared: tuple[PreparedColumn, ...],
    semantic: str | None = None,
) -> _Decision:
    if missing_share >= 0.005:
        reason = f"{reason}, {missing_share:.0%} missing"
    return _Decision(ColumnRole(name, role, True, reason, missing_share=missing_share, semantic=semantic), prepared)


def _constant(name: str, series: pd.Series, missing: np.ndarray, missing_share: float) -> _Decision:
    """Excluded; still prepared when it is a gender or country column (an all-US audience is worth saying)."""
    value = series[~missing].iloc[0]
    decision = _excluded(name, "constant", f"constant: every row is '{_show(value)}'", missing_share)
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return decision
    level = str(value).strip()
    semantic = _text_semantic(name, pd.Series([level], dtype="string"), np.array([int((~missing).sum())]))
    if semantic not in ("gender", "country"):
        return decision
    cells = np.full(len(missing), level, dtype=object)
    cells[missing] = None
    categories = pd.Categorical(cells)
    column = PreparedColumn(name, "categorical", semantic=semantic, categories=categories, used=False)
    role = ColumnRole(name, "constant", False, decision.role.reason, missing_share=missing_share, semantic=semantic)
    return _Decision(role, (column,))


def _excluded(name: str, role: Role, reason: str, missing_share: float) -> _Decision:
    return _Decision(ColumnRole(name, role, False, reason, missing_share=missing_share))


def _identifier_by_values(name: str, levels: pd.Series, n_present: int) -> str | None:
    """Emails, UUIDs, or unique values under an id-like name: checked before any parsing."""
    sample = levels.iloc[:2000]
    if sample.str.fullmatch(_EMAIL.pattern).mean() >= 0.8:
        return "email addresses identify people, not groups"
    if sample.str.fullmatch(_UUID.pattern, case=False).mean() >= 0.8:
        return "UUID-like values, one per record"
    if len(levels) == n_present and id_like_name(name):
        return "unique per row and named like an id"
    if n_present and len(levels) >= NEARLY_UNIQUE * n_present and id_like_name(name):
        return "nearly unique per row and named like an id"
    if len(levels) > MAX_NAMED_CODES and id_like_name(name):
        return _repeated_ids(len(levels), n_present)
    return None


def _repeated_ids(distinct: int, n_present: int) -> str:
    """An id column of an event table (orders, visits): too many ids to be codes, each on several rows."""
    return f"{_REPEATED_IDS}: {distinct:,} ids over {n_present:,} rows (about {n_present / distinct:.1f} rows per id)"


def _unique_text_reason(levels: pd.Series, counts: np.ndarray, n_present: int) -> str | None:
    """Short text that (nearly) never repeats: names, codes; it cannot group rows."""
    average_length = float(np.average(levels.str.len(), weights=counts))
    if len(levels) / max(n_present, 1) >= 0.95 and average_length < 20:
        return f"unique per row ({len(levels):,} distinct values), so it cannot group rows"
    return None


def _free_text_reason(
    levels: pd.Series, counts: np.ndarray, n_present: int, *, length: int = 20, words: int = 3, both: bool = False
) -> str | None:
    """Mostly distinct values that are long or many-worded (`both`: long and many-worded), on average."""
    if len(levels) / max(n_present, 1) < 0.5:
        return None
    average_length = float(np.average(levels.str.len(), weights=counts))
    average_words = float(np.average(levels.str.count(r"\s+") + 1, weights=counts))
    long, wordy = average_length >= length, average_words >= words
    if (long and wordy) if both else (long or wordy):
        return f"free text: {len(levels):,} distinct values averaging {average_length:.0f} characters"
    return None


def _numeric_semantic(name: str, numbers: np.ndarray) -> str | None:
    tokens = _tokens(name)
    birth = bool(tokens & {"birth", "yob", "birthyear"}) or {"year", "birth"} <= tokens
    if not birth and "age" not in tokens:
        return None  # before the percentiles: they cost a pass over every row
    finite = numbers[np.isfinite(numbers)]
    if not len(finite):
        return None
    low, high = np.percentile(finite, [1, 99])
    if birth:
        return "birth_year" if low >= 1900 and high <= 2030 else None
    # A person's age is whole years; Boston's `age` (the share of homes built before 1940: 65.2, 78.9) is not.
    if "age" in tokens and low >= 5 and high <= 110 and np.mean(finite == np.floor(finite)) >= WHOLE_AGES:
        return "age"
    return None


# Words that name a calendar year on their own ("founded 1968", "built 2004"), besides anything ending in "year".
_YEAR_WORDS = frozenset({"year", "yr", "founded", "established", "built", "vintage", "since"})


def _calendar_years(name: str, numbers: np.ndarray) -> bool:
    """A year named so and holding whole years (created_year 2006, gradyear, founded): shown as 2006, never 2,006."""
    if not any(token in _YEAR_WORDS or token.endswith("year") for token in _tokens(name)):
        return False
    finite = numbers[np.isfinite(numbers)]
    return (
        bool(len(finite)) and bool(np.all(finite == np.floor(finite))) and 1800 <= finite.min() <= finite.max() <= 2100
    )


def _text_semantic(name: str, levels: pd.Series, counts: np.ndarray) -> str | None:
    tokens = _tokens(name)
    folded = levels.str.lower()
    gender_share = float(counts[folded.isin(_GENDER_VALUES).to_numpy()].sum() / max(counts.sum(), 1))
    if tokens & {"gender", "sex"} or gender_share >= 0.9:
        return "gender"
    top = np.argsort(-counts)[:200]
    known = np.array([country_code(str(levels.iloc[i])) is not None for i in top])
    country_share = float(counts[top][known].sum() / max(counts[top].sum(), 1))
    if (tokens & {"country", "nation", "nationality"} and country_share >= 0.5) or country_share >= 0.9:
        return "country"
    if tokens & _INTEREST_TOKENS:
        return "interests"
    return None


def _latest_date(decisions: list[_Decision]) -> np.datetime64 | None:
    """The latest date in any date column of the file: the "now" of the data, never the clock."""
    latest: np.datetime64 | None = None
    for decision in decisions:
        if decision.dates is not None and (~np.isnat(decision.dates)).any():
            value = decision.dates[~np.isnat(decision.dates)].max()
            latest = value if latest is None else max(latest, value)
    return latest


def _compact_dates(name: str, series: pd.Series) -> np.ndarray | None:
    """Whole numbers that are all real dates written YYYYMMDD (CDNOW's 19970101), as datetime64; else None.

    Under a date-like name any count of rows will do; otherwise at least `MIN_COMPACT_DATES` rows, since a
    column of amounts that are all valid calendar dates by chance is then out of the question.
    """
    numbers = series.to_numpy(dtype="float64", na_value=np.nan)
    finite = numbers[np.isfinite(numbers)]
    if not finite.size or finite.min() < 1900_01_01 or finite.max() > 2100_12_31 or np.any(finite != np.round(finite)):
        return None
    if not (_tokens(name) & _DATE_NAME_TOKENS) and finite.size < MIN_COMPACT_DATES:
        return None
    present = np.isfinite(numbers)
    whole = np.where(present, numbers, 2000_01_01).astype("int64")
    parts = pd.DataFrame({"year": whole // 10_000, "month": whole // 100 % 100, "day": whole % 100})
    dates = np.asarray(pd.to_datetime(parts, errors="coerce").to_numpy(dtype="datetime64[ns]"))
    if np.isnat(dates[present]).any():
        return None
    dates[~present] = np.datetime64("NaT", "ns")
    return dates


def _is_code(numbers: np.ndarray) -> bool:
    """Whole numbers other than 0/1 flags."""
    finite = numbers[np.isfinite(numbers)]
    # "Every value is 0 or 1" without sorting the column for its distinct values (a million rows, several columns).
    return bool(np.all(finite == np.round(finite))) and not bool(np.all((finite == 0.0) | (finite == 1.0)))


def _code_like_name(name: str) -> bool:
    """Region, store_type, CustomerClass; also one run-together word ending in a code word (MOSTYPE, postcode)."""
    tokens = _tokens(name)
    if tokens & _QUANTITY_TOKENS:
        return False  # group_size, store_count, tier_points: amounts about a code, not the code
    if tokens & _CODE_TOKENS:
        return True
    if len(tokens) != 1:
        return False
    (word,) = tokens
    return word.isalpha() and any(word.endswith(code) and len(word) > len(code) + 1 for code in _CODE_TOKENS)


def _sparse_codes(numbers: np.ndarray) -> bool:
    """A few whole numbers far apart (store 101 / 205 / 330): labels, not amounts on a scale (1-5, 0-3)."""
    finite = np.unique(numbers[np.isfinite(numbers)])
    return len(finite) >= 3 and finite.min() >= 0 and (finite.max() - finite.min() + 1) > 10 * len(finite)


def _counts_up(numbers: np.ndarray) -> bool:
    if not np.all(np.isfinite(numbers)) or not np.all(numbers == np.round(numbers)):
        return False
    ordered = np.sort(numbers)
    return bool(np.all(np.diff(ordered) == 1))


def id_like_name(name: str) -> bool:
    """A header that names an identifier (customer_id, Email, uuid) or a serial number (S.No, Sr. No, serial):
    its cells are kept as the file wrote them."""
    tokens = _tokens(name)
    return bool(tokens & _ID_TOKENS) or bool(tokens & _SERIAL_WORDS and tokens <= _SERIAL_WORDS | _SERIAL_PREFIXES)


def _tokens(name: str) -> set[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return {token for token in re.split(r"[^a-z0-9]+", spaced.lower()) if token}


def _show(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
