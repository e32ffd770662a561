"""Column roles: every column gets a role and a reason people can read; parsed columns are typed."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from segmentation.columns import prepare_table
from segmentation.errors import InvalidOptionError
from segmentation.result import ColumnRole
from segmentation.synthetic import planted_audience


def _roles(table: pd.DataFrame, **options: list[str]) -> dict[str, ColumnRole]:
    return {role.name: role for role in prepare_table(table, **options).roles}


@pytest.fixture(scope="module")
def mixed() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 200
    return pd.DataFrame(
        {
            "CustomerID": np.arange(1000, 1000 + n),
            "row": rng.permutation(n) + 1,
            "email": [f"p{i}@shop.example" for i in range(n)],
            "token": [f"{i:08x}-aaaa-bbbb-cccc-{i:012x}" for i in range(n)],
            "comment": [f"I really liked the delivery number {i} and would order again soon" for i in range(n)],
            "spend": [f"${value:,.2f}" for value in rng.gamma(2, 300, n)],
            "discount": [f"{value:.1f}%" for value in rng.uniform(0, 30, n)],
            "followers": [f"{value:.1f}k" for value in rng.uniform(1, 90, n)],
            "country": rng.choice(["USA", "United States", "Germany", "France", "Brazil"], n),
            "Sex": rng.choice(["M", "F"], n),
            "hobbies": ["|".join(rng.choice(["golf", "chess", "yoga", "hiking"], 2, replace=False)) for _ in range(n)],
            "signup": pd.Series(pd.date_range("2020-01-01", periods=n, freq="5D")).dt.strftime("%d/%m/%Y"),
            "last_order": pd.date_range("2024-01-01", periods=n, freq="D"),
            "vip": rng.choice(["yes", "no"], n),
            "churned": rng.integers(0, 2, n),
            "plan": ["basic"] * n,
            "notes": [None] * (n - 10) + ["x"] * 10,
            "Age": rng.integers(18, 70, n),
        }
    )


def test_every_column_gets_a_role_and_a_reason(mixed: pd.DataFrame) -> None:
    roles = _roles(mixed)
    assert list(roles) == list(mixed.columns)
    expected = {
        "CustomerID": ("identifier", "unique per row and named like an id"),
        "row": ("identifier", "unique per row and every whole number from 1 to 200, like a row number or a rank"),
        "email": ("identifier", "email addresses identify people, not groups"),
        "token": ("identifier", "UUID-like values, one per record"),
        "plan": ("constant", "constant: every row is 'basic'"),
        "notes": ("empty", "95% missing"),
    }
    for name, (role, reason) in expected.items():
        assert (roles[name].role, roles[name].reason, roles[name].used) == (role, reason, False)
    assert roles["comment"].role == "free_text"
    assert roles["comment"].reason.startswith("free text: 200 distinct values averaging 6")


def test_numbers_with_units_dates_labels_and_booleans(mixed: pd.DataFrame) -> None:
    roles = _roles(mixed)
    assert roles["spend"].role == "numeric" and roles["spend"].reason.startswith("currency amounts")
    assert roles["discount"].reason.startswith("percentages")
    assert roles["followers"].reason.startswith("numbers with k/M suffixes")
    assert roles["hobbies"].role == "multilabel"
    assert roles["hobbies"].reason.startswith("multi-label: 100% of cells hold 2+ labels separated by '|'")
    assert roles["signup"].role == "date" and roles["last_order"].role == "date"
    assert (roles["vip"].role, roles["churned"].role) == ("boolean", "boolean")
    assert roles["country"].role == "categorical"


def test_semantics_for_the_audience_mix(mixed: pd.DataFrame) -> None:
    roles = _roles(mixed)
    assert roles["Age"].semantic == "age"
    assert roles["Sex"].semantic == "gender"
    assert roles["country"].semantic == "country"
    assert roles["hobbies"].semantic == "interests"


def test_dates_count_back_from_the_latest_date_in_the_file(mixed: pd.DataFrame) -> None:
    prepared = prepare_table(mixed)
    recency = next(c for c in prepared.columns if c.source == "last_order")
    tenure = next(c for c in prepared.columns if c.source == "signup")
    assert recency.name == "days since last_order" and recency.unit == "days"
    assert recency.numbers is not None and tenure.numbers is not None
    assert recency.numbers.min() == 0 and recency.numbers.max() == 199
    # 2024-07-18 is the latest date in the file; the first signup is 2020-01-01 (day-first text).
    assert tenure.numbers.max() == (pd.Timestamp("2024-07-18") - pd.Timestamp("2020-01-01")).days
    assert prepared.reference_year == 2024


def test_semantic_columns_are_prepared_even_when_excluded(mixed: pd.DataFrame) -> None:
    prepared = prepare_table(mixed, exclude=["country", "Age"])
    roles = {role.name: role for role in prepared.roles}
    assert roles["country"].role == "excluded" and not roles["country"].used
    assert roles["country"].reason == "excluded on request (would have been categorical)"
    country = prepared.by_semantic("country")
    assert country is not None and not country.used and country.categories is not None
    assert all(column.name != "country" for column in prepared.used_columns())


def test_columns_option_keeps_only_the_chosen(mixed: pd.DataFrame) -> None:
    prepared = prepare_table(mixed, columns=["spend", "vip", "comment"])
    assert [column.name for column in prepared.used_columns()] == ["comment", "spend", "vip"]
    roles = {role.name: role for role in prepared.roles}
    assert roles["comment"].role == "categorical"  # chosen by name, so not dropped as free text
    assert roles["Age"].reason == "not among the chosen columns (numeric)"


def test_unknown_column_names_suggest_the_closest(mixed: pd.DataFrame) -> None:
    expected = r"^There is no column 'contry' in --exclude; did you mean 'country'\?$"
    with pytest.raises(InvalidOptionError, match=expected):
        prepare_table(mixed, exclude=["contry"])
    with pytest.raises(InvalidOptionError, match="There is no column 'zzz' in --columns; the columns are: CustomerID"):
        prepare_table(mixed, columns=["zzz"])
    with pytest.raises(
        InvalidOptionError, match=r"^There is no column 'COUNTRY' in --columns; did you mean 'country'\?$"
    ):
        prepare_table(mixed, columns=["COUNTRY"])  # names are matched exactly, but a case slip still gets a hint


def test_unknown_column_lists_say_how_many_are_left_out() -> None:
    wide = pd.DataFrame({f"col{i:02d}": range(30) for i in range(14)})
    names = ", ".join(f"col{i:02d}" for i in range(12))
    expected = f"There is no column 'zzz' in --columns; the columns are: {names} and 2 more."
    with pytest.raises(InvalidOptionError, match=f"^{re.escape(expected)}$"):
        prepare_table(wide, columns=["zzz"])


def test_planted_audience_roles() -> None:
    table, _ = planted_audience(k=3, n_rows=300, seed=1)
    roles = _roles(table)
    assert roles["customer_id"].role == "identifier" and roles["email"].role == "identifier"
    assert roles["interests"].role == "multilabel" and roles["newsletter_opt_in"].role == "boolean"
    assert roles["total_spend"].role == "numeric" and roles["country"].role == "categorical"
    assert roles["signup_date"].reason.startswith("dates, used as days since signup_date")


def test_small_whole_numbers_under_category_names_are_codes() -> None:
    rng = np.random.default_rng(4)
    n = 100
    table = pd.DataFrame(
        {
            "Region": rng.choice([1, 2, 3], n),
            "Channel": rng.choice([1, 2], n),
            "opted_in": rng.choice([0, 1], n),
            "children": rng.choice([0, 1, 2, 3], n),
        }
    )
    roles = _roles(table)
    assert roles["Region"].role == "categorical"
    assert roles["Region"].reason == "category codes (3 distinct numbers under a category-like name)"
    assert roles["Channel"].role == "categorical"
    assert roles["opted_in"].role == "boolean" and roles["opted_in"].reason == "two values (0 / 1)"
    assert roles["children"].role == "numeric"
    region = next(c for c in prepare_table(table).columns if c.name == "Region")
    assert region.categories is not None and sorted(region.categories.categories) == ["1", "2", "3"]


def test_a_constant_country_is_still_there_for_the_audience_mix() -> None:
    table = pd.DataFrame({"country": ["United States"] * 30, "spend": np.arange(30.0)})
    prepared = prepare_table(table)
    role = prepared.roles[0]
    assert (role.role, role.used, role.semantic) == ("constant", False, "country")
    assert role.reason == "constant: every row is 'United States'"
    country = prepared.by_semantic("country")
    assert country is not None and not country.used and country.categories is not None
    assert list(country.categories.categories) == ["United States"]


def test_an_id_column_with_a_few_repeats_or_gaps_is_still_an_id() -> None:
    rng = np.random.default_rng(5)
    ids = np.arange(5000, 5400).astype("float64")
    ids[:8] = ids[8:16]  # 8 customers appear twice, as in two merged exports
    ids[-5:] = np.nan
    table = pd.DataFrame(
        {
            "customer_id": ids,
            "account key": [None if np.isnan(i) else f"A-{int(i)}" for i in ids],
            "store_id": rng.integers(1, 40, 400),
            "age": rng.integers(18, 70, 400),
        }
    )
    roles = _roles(table)
    for name in ("customer_id", "account key"):
        assert (roles[name].role, roles[name].used) == ("identifier", False)
        assert roles[name].reason == "nearly unique per row and named like an id"
    assert roles["store_id"].used, "an id with few values names groups (stores), not people"


@pytest.mark.parametrize("name", ["s.no", "S.No", "Sr. No.", "serial_number"])
def test_a_serial_number_with_a_few_repeats_is_an_id_not_a_quantity(name: str) -> None:
    """The 2022 YouTube export's `s.no` (1,000 values over 1,003 rows) named a segment "High-s channels"."""
    rng = np.random.default_rng(6)
    serials = np.r_[np.arange(1, 398), [5, 6, 7]].astype("float64")
    table = pd.DataFrame({name: serials, "age": rng.integers(18, 70, 400), "spend": rng.gamma(2, 50, 400)})
    role = _roles(table)[name]
    assert (role.role, role.used) == ("identifier", False)
    assert _roles(table.rename(columns={name: "number"}))["number"].used, "a bare 'number' is a quantity"
