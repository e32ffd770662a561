"""The audience mix of a group of rows, in the vocabulary influencer tools use.

Age bands (13-17 ... 65+), a gender split (female / male / other), top countries as ISO codes and top
interests. Each share is a fraction of the rows where the value is known; the `*_known` fields say how many
that is. Interests come from the multi-label interests column, or else from a block of keyword-count columns
(at least five non-negative whole-number columns that are zero for most rows, like "basketball", "music" in a
social-network export): a row counts as interested when its count is above zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from segmentation.countries import country_code, country_name
from segmentation.genders import gender_groups
from segmentation.prepared import PreparedColumn, PreparedTable
from segmentation.result import AGE_BANDS, AudienceMix

TOP_COUNTRIES = 5
TOP_INTERESTS = 5
# Ages outside this range are typing errors (3, 106) and count as unknown.
YOUNGEST_AGE = 13
OLDEST_AGE = 100
_BAND_EDGES = np.array([13, 18, 25, 35, 45, 55, 65, OLDEST_AGE + 1], dtype=np.float64)
# A block of count columns is read as interests only when it is this wide, so that two stray count
# columns (number of kids, of complaints) are never taken for interests.
MIN_INTEREST_COUNT_COLUMNS = 5
_NON_INTEREST_SEMANTICS = {"age", "birth_year", "gender", "country", "interests"}
# "interest_rate", "interest_paid" are about money, not hobbies.
_MONEY_WORDS = {"rate", "rates", "paid", "earned", "amount", "income", "expense", "charged", "accrued"}
# "likes_count" is engagement, not a hobby: only these prefixes name an interest column.
_INTEREST_PREFIXES = {"interest", "interests", "interested", "hobby", "topic"}


@dataclass(frozen=True)
class AudienceColumns:
    """The columns the mix is read from, each already reduced to integer codes per row (-1 = unknown)."""

    n_rows: int
    ages: np.ndarray | None  # band index per row, -1 unknown
    genders: np.ndarray | None  # index into GENDERS, -1 unknown
    countries: np.ndarray | None  # index into country_codes, -1 unknown
    country_codes: tuple[str, ...]
    interests: sparse.csr_matrix | None  # rows x len(interest_names), 1 = interested
    interest_names: tuple[str, ...]
    interests_known: np.ndarray | None  # bool per row


def audience_mix(prepared: PreparedTable, mask: np.ndarray | None = None) -> AudienceMix:
    """The audience mix of the rows selected by `mask` (a boolean array), or of everyone when it is None."""
    return mix_of(audience_columns(prepared), mask)


def audience_columns(
    prepared: PreparedTable, interest_found: tuple[tuple[PreparedColumn, str], ...] | None = None
) -> AudienceColumns:
    """Find and encode the age, gender, country and interest columns once, for many `mix_of` calls.

    `interest_found` is `interest_columns(prepared)` when the caller already has it.
    """
    countries, country_codes = _country_codes(prepared.by_semantic("country"))
    found = interest_columns(prepared) if interest_found is None else interest_found
    interests, interest_names, interests_known = _interests(prepared, found)
    return AudienceColumns(
        n_rows=prepared.n_rows,
        ages=_age_bands(prepared),
        genders=_gender_codes(prepared.by_semantic("gender")),
        countries=countries,
        country_codes=country_codes,
        interests=interests,
        interest_names=interest_names,
        interests_known=interests_known,
    )


def mix_of(columns: AudienceColumns, mask: np.ndarray | None = None) -> AudienceMix:
    """The audience mix of the masked rows of already encoded columns."""
    selected = np.ones(columns.n_rows, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    n_selected = int(selected.sum())
    age_bands, age_known = _shares(columns.ages, selected, AGE_BANDS)
    gender, gender_known = _shares(columns.genders, selected, GENDERS)
    country_shares, countries_known = _shares(columns.countries, selected, columns.country_codes)
    countries = _top(country_shares, TOP_COUNTRIES)
    interests, interests_known = _interest_shares(columns, selected, n_selected)
    return AudienceMix(
        age_bands=age_bands,
        age_known=age_known,
        gender={name: share for name, share in gender.items() if share > 0},
        gender_known=gender_known,
        countries=countries,
        country_names={code: country_name(code) for code, _ in countries},
        countries_known=countries_known,
        interests=interests,
        interests_known=interests_known,
    )


GENDERS: tuple[str, ...] = ("female", "male", "other")


def _shares(codes: np.ndarray | None, selected: np.ndarray, names: tuple[str, ...]) -> tuple[dict[str, float], float]:
    if codes is None or not names:
        return {}, 0.0
    chosen = codes[selected]
    known = chosen[chosen >= 0]
    if chosen.size == 0 or known.size == 0:
        return {}, 0.0
    counts = np.bincount(known, minlength=len(names))
    shares = {name: float(count) / known.size for name, count in zip(names, counts, strict=True)}
    return shares, known.size / chosen.size


def _top(shares: dict[str, float], limit: int) -> tuple[tuple[str, float], ...]:
    present = [(name, share) for name, share in shares.items() if share > 0]
    ranked = sorted(present, key=lambda pair: (-pair[1], pair[0]))
    return tuple(ranked[:limit])


def _age_bands(prepared: PreparedTable) -> np.ndarray | None:
    ages = ages_of(prepared)
    if ages is None or prepared.row_noun == "rows":
        # An age in a table of places (ISLP's Carseats: stores) is its area's average age, not an audience's;
        # with a person's age the rows are people (segmentation.columns).
        return None
    valid = (ages >= YOUNGEST_AGE) & (ages <= OLDEST_AGE)
    bands = np.full(ages.shape, -1, dtype=np.int64)
    bands[valid] = np.searchsorted(_BAND_EDGES, np.floor(ages[valid]), side="right") - 1
    return bands


def ages_of(prepared: PreparedTable) -> np.ndarray | None:
    """Age per row (NaN unknown) from an "age" column, or from birth years up to the data's latest year."""
    age = prepared.by_semantic("age")
    if age is not None and age.numbers is not None:
        return np.asarray(age.numbers, dtype=np.float64)
    birth_year = prepared.by_semantic("birth_year")
    if birth_year is None or birth_year.numbers is None or prepared.reference_year is None:
        return None
    return prepared.reference_year - np.asarray(birth_year.numbers, dtype=np.float64)


def _gender_codes(column: PreparedColumn | None) -> np.ndarray | None:
    if column is None or column.categories is None:
        return None
    groups = gender_groups([str(value) for value in column.categories.categories])
    lookup = np.array([GENDERS.index(group) if group else -1 for group in groups] + [-1], dtype=np.int64)
    return lookup[np.asarray(column.categories.codes, dtype=np.int64)]


def _country_codes(column: PreparedColumn | None) -> tuple[np.ndarray | None, tuple[str, ...]]:
    if column is None or column.categories is None:
        return None, ()
    codes = [country_code(str(value)) for value in column.categories.categories]
    distinct = tuple(sorted({code for code in codes if code}))
    lookup = np.array([distinct.index(code) if code else -1 for code in codes] + [-1], dtype=np.int64)
    return lookup[np.asarray(column.categories.codes, dtype=np.int64)], distinct


def _interests(
    prepared: PreparedTable, found: tuple[tuple[PreparedColumn, str], ...]
) -> tuple[sparse.csr_matrix | None, tuple[str, ...], np.ndarray | None]:
    labelled = prepared.by_semantic("interests")
    if labelled is not None and labelled.labels is not None:
        known = (
            np.ones(prepared.n_rows, dtype=bool)
            if labelled.labels_known is None
            else np.asarray(labelled.labels_known, dtype=bool)
        )
        return sparse.csr_matrix(labelled.labels), labelled.vocabulary, known
    if not found:
        return None, (), None
    values = np.column_stack([np.asarray(column.numbers, dtype=np.float64) for column, _ in found])
    known = np.asarray(~np.isnan(values).all(axis=1), dtype=bool)
    return sparse.csr_matrix(np.nan_to_num(values) > 0), tuple(interest for _, interest in found), known


def interest_columns(prepared: PreparedTable) -> tuple[tuple[PreparedColumn, str], ...]:
    """Numeric columns read as interests, with the interest each one stands for (empty when there are none).

    Either columns named as interests (`interest_fitness`, `likes_travel`: 0/1, yes/no or counts), or a
    block of at least five keyword-count columns (whole numbers, zero for most rows).
    """
    named = tuple((column, interest) for column in prepared.columns if (interest := _named_interest(column)))
    if len(named) >= 2:
        return named
    counted = tuple((column, column.name) for column in prepared.columns if _looks_like_keyword_count(column))
    return counted if len(counted) >= MIN_INTEREST_COUNT_COLUMNS else ()


def _named_interest(column: PreparedColumn) -> str | None:
    if column.numbers is None or column.role not in ("numeric", "boolean") or column.source is not None:
        return None
    words = re.findall(r"[a-z0-9]+", column.name.lower())
    if not words or words[0] not in _INTEREST_PREFIXES or len(words) == 1 or set(words) & _MONEY_WORDS:
        return None
    return " ".join(words[1:])


def _looks_like_keyword_count(column: PreparedColumn) -> bool:
    if column.numbers is None or column.role != "numeric" or column.unit is not None or column.source is not None:
        return False
    # Keyword counts are named by the word counted ("basketball", "shopping"); coded columns such as
    # PBYSTAND or MOSTYPE count levels of something else and are not interests.
    if not re.fullmatch(r"[a-z][a-z\- ]*", column.name):
        return False
    if column.semantic in _NON_INTEREST_SEMANTICS:
        return False
    values = column.numbers[~np.isnan(column.numbers)]
    if values.size == 0 or values.min() < 0 or values.max() <= 1:
        return False
    return bool(np.all(values == np.floor(values))) and float(np.mean(values == 0)) >= 0.5


def _interest_shares(
    columns: AudienceColumns, selected: np.ndarray, n_selected: int
) -> tuple[tuple[tuple[str, float], ...], float]:
    if columns.interests is None or columns.interests_known is None or n_selected == 0:
        return (), 0.0
    known = selected & columns.interests_known
    n_known = int(known.sum())
    if n_known == 0:
        return (), 0.0
    counts = np.asarray(columns.interests.T @ known.astype(np.float64)).ravel()
    shares = {name: float(count) / n_known for name, count in zip(columns.interest_names, counts, strict=True)}
    return _top(shares, TOP_INTERESTS), n_known / n_selected
