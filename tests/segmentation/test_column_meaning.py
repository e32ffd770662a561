"""Column meaning from the data: codes, ratings, coded names, keyword-count interests and what a row is."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bot.terminal.formatting import describe_feature
from segmentation.audience import interest_columns
from segmentation.brief import plain
from segmentation.columns import prepare_table
from segmentation.naming import segment_names
from segmentation.result import FeatureEffect
from tests.segmentation.prepared_tables import boolean, numeric, table


def _roles(frame: pd.DataFrame) -> dict[str, str]:
    return {role.name: role.role for role in prepare_table(frame).roles}


def test_sparse_whole_numbers_are_codes_and_scales_stay_numbers() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "store": rng.choice([101, 205, 330, 412], 300),  # a code name anyway
            "outlet_no": rng.choice([1_001, 2_040, 3_300], 300),  # far apart: labels
            "stars": rng.integers(1, 6, 300),  # a 1-5 scale: a quantity
            "kids": rng.integers(0, 4, 300),
        }
    )
    roles = _roles(frame)
    assert roles["store"] == "categorical" and roles["outlet_no"] == "categorical"
    assert roles["stars"] == "numeric" and roles["kids"] == "numeric"
    reason = next(r.reason for r in prepare_table(frame).roles if r.name == "outlet_no")
    assert reason == "category codes (3 distinct numbers spread like labels, not amounts)"


def test_many_whole_numbers_under_a_code_name_are_codes_and_amounts_stay_numbers() -> None:
    rng = np.random.default_rng(2)
    subtypes = rng.integers(1, 42, 2_000)  # Caravan's MOSTYPE: 40 customer subtypes, one run-together word
    frame = pd.DataFrame(
        {
            "MOSTYPE": subtypes,
            "store_type": subtypes,
            "group_size": rng.integers(1, 30, 2_000),  # a code word, but the name says an amount
            "MOSHOOFD": rng.integers(1, 11, 2_000),  # a code in truth, but nothing in the name or values says so
            "visits": rng.integers(0, 40, 2_000),
        }
    )
    roles = _roles(frame)
    assert roles["MOSTYPE"] == "categorical" and roles["store_type"] == "categorical"
    assert roles["group_size"] == "numeric" and roles["MOSHOOFD"] == "numeric" and roles["visits"] == "numeric"
    reason = next(r.reason for r in prepare_table(frame).roles if r.name == "MOSTYPE")
    assert reason == "category codes (41 distinct numbers under a category-like name)"


def test_whole_numbers_written_yyyymmdd_are_dates() -> None:
    rng = np.random.default_rng(3)
    days = pd.Timestamp("1997-01-01") + pd.to_timedelta(rng.integers(0, 540, 500), unit="D")
    compact = days.strftime("%Y%m%d").astype(int).to_numpy()
    frame = pd.DataFrame(
        {
            "date": compact,  # CDNOW_master.txt: 19970101
            "first_seen": compact,  # no date word, but 500 rows that are all calendar dates
            "amount": rng.integers(19_000_000, 21_000_000, 500),  # in the range, but mostly not dates
        }
    )
    roles = {role.name: role for role in prepare_table(frame).roles}
    assert roles["date"].role == "date" and roles["first_seen"].role == "date"
    assert roles["amount"].role == "numeric"
    prepared = {column.name: column for column in prepare_table(frame).columns}
    days_before_latest = (days.max() - days).days.to_numpy()
    assert prepared["days since date"].numbers is not None
    assert np.array_equal(prepared["days since date"].numbers, days_before_latest)
    few = pd.DataFrame({"code": [19970101, 19970102, 19970103], "order_date": [19970101, 19970102, 19970103]})
    few_roles = {role.name: role.role for role in prepare_table(few).roles}
    assert few_roles["order_date"] == "date" and few_roles["code"] != "date"


def test_a_customer_id_on_several_rows_is_an_identifier_and_the_rows_are_transactions() -> None:
    rng = np.random.default_rng(4)
    frame = pd.DataFrame(
        {
            "customer_id": np.repeat(np.arange(1, 401), 3),  # CDNOW: every customer's purchases, one row each
            "number_of_cds": rng.integers(1, 6, 1_200),
            "dollar_value": rng.gamma(2.0, 15.0, 1_200).round(2),
        }
    )
    prepared = prepare_table(frame)
    role = next(role for role in prepared.roles if role.name == "customer_id")
    assert (role.role, role.used) == ("identifier", False)
    assert role.reason.startswith("named like an id: 400 ids over 1,200 rows (about 3.0 rows per id)")
    assert prepared.row_noun == "transactions"
    stores = prepare_table(
        frame.assign(customer_id=rng.integers(1, 9, 1_200)).rename(columns={"customer_id": "store_id"})
    )
    assert next(role for role in stores.roles if role.name == "store_id").role != "identifier"


def _name(column: str, values: list[float], effect: float, semantic: str | None = None) -> str:
    prepared = table(numeric(column, values, semantic=semantic))
    feature = FeatureEffect(column, "numeric", column, None, 0.0, 0.0, effect)
    return segment_names([[feature]], prepared)[0]


def test_a_rating_is_satisfaction_only_on_a_survey_scale() -> None:
    assert _name("rating", [1, 3, 5], 1.2) == "Satisfied customers"
    assert _name("Rating", [150, 400, 980], 1.2) == "High-rating customers"
    assert _name("credit_score", [300, 850], -1.0) == "Low-credit-score customers"


def test_coded_columns_are_named_as_they_are() -> None:
    assert _name("PBYSTAND", [0, 3, 5], 1.5) == "High PBYSTAND customers"
    assert _name("AGE", [20, 60], 1.5, semantic="age") == "Older customers"
    assert _name("age", [65.2, 94.8], 1.5) == "High-age customers"  # not years (Boston's share of old homes)


def test_rank_numbers_read_the_right_way_round() -> None:
    # Rank 1 is the top channel: a segment with high rank numbers is lower-ranked, never "high-rank".
    assert _name("country_rank", [1, 50, 4000], 2.8) == "Lower-ranked customers"
    assert _name("video_views_rank", [1, 50, 4000], -1.5) == "Top-ranked customers"


def test_a_short_capitals_yes_no_column_keeps_its_capitals() -> None:
    prepared = table(boolean("US", [1.0, 0.0]))
    us = FeatureEffect("US", "category", "US: yes", "yes", 0.99, 0.65, 1.5)
    assert segment_names([[us]], prepared) == ("US customers",)


def test_calendar_years_are_shown_without_a_thousands_separator() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "created_year": rng.integers(2005, 2022, 300),
            "Year_Birth": rng.integers(1940, 2000, 300),
            "years_active": rng.integers(1, 30, 300),  # a duration, not a calendar year
            "gradyear": rng.integers(2006, 2010, 300) * 1.0,
            "founded": rng.integers(1950, 2020, 300),  # a year by its name alone (outside review: "1,968")
            "employees": rng.integers(1900, 2100, 300),  # year-like values, but a count by its name
        }
    )
    units = {column.name: column.unit for column in prepare_table(frame).columns}
    assert units == {
        "created_year": "year",
        "Year_Birth": "year",
        "years_active": None,
        "gradyear": "year",
        "founded": "year",
        "employees": None,
    }
    created = FeatureEffect("created_year", "numeric", "created_year", None, 2006.0, 2013.0, -1.1, unit="year")
    assert describe_feature(created) == "created_year: median 2006 vs 2013 overall (-1.1 SD)"
    assert plain(created) == "created_year lower than average (median 2006 vs 2013)"


def test_equal_medians_are_not_shown_as_a_difference() -> None:
    # 60% of CDNOW's customers never bought twice: a segment of them has median recency 0, like everyone.
    tied = FeatureEffect("recency", "numeric", "recency", None, 0.0, 0.0, -0.64)
    assert describe_feature(tied) == "recency: lower than overall on average (median 0 in both, -0.6 SD)"


def test_keyword_counts_are_interests_only_under_word_names() -> None:
    rng = np.random.default_rng(1)

    def counts() -> list[float]:
        return list(np.where(rng.random(200) < 0.7, 0, rng.integers(1, 4, 200)).astype(float))

    words = table(*(numeric(name, counts()) for name in ("basketball", "football", "music", "shopping", "dance")))
    codes = table(*(numeric(name, counts()) for name in ("PBYSTAND", "PWAPART", "PPERSAUT", "AWAOREG", "ABRAND")))
    assert [interest for _, interest in interest_columns(words)] == [
        "basketball",
        "football",
        "music",
        "shopping",
        "dance",
    ]
    assert interest_columns(codes) == ()


def test_what_a_row_is() -> None:
    bills = pd.DataFrame(
        {
            "total_bill": [10.5, 20.0, 8.0] * 10,
            "tip": [1.0, 3.0, 1.5] * 10,
            "sex": ["Female", "Male", "Male"] * 10,
            "size": [2, 4, 2] * 10,
        }
    )
    people = pd.DataFrame({"age": [20, 30, 40] * 10, "total_spend": [1.0, 2.0, 3.0] * 10})
    shops = pd.DataFrame({"Fresh": [1, 2, 3] * 10, "Milk": [3, 4, 5] * 10})
    sales = pd.DataFrame({"customer_id": range(30), "invoice": range(100, 130), "amount": [1.0, 2.0, 3.0] * 10})
    assert prepare_table(bills).row_noun == "bills"
    assert prepare_table(people).row_noun == "people"
    assert prepare_table(shops).row_noun == "customers"  # two products bought: the names say customers too
    assert prepare_table(sales).row_noun == "transactions"
    channels = pd.DataFrame(
        {
            "youtuber name": ["a", "b", "c"] * 10,
            "subscribers": [1e6, 2e6, 3e6] * 10,
            "video views": [1e8, 2e8, 3e8] * 10,
        }
    )
    accounts = pd.DataFrame(
        {"followers": [1e5, 2e5, 3e5] * 10, "posts": [10, 200, 3000] * 10, "age": [20, 30, 40] * 10}
    )
    assert prepare_table(channels).row_noun == "channels"  # not people, despite the "name" column
    assert prepare_table(accounts).row_noun == "accounts"


def test_rows_are_customers_only_when_the_columns_show_buying() -> None:
    players = prepare_table(pd.DataFrame({"AtBat": [300, 500, 600] * 10, "Hits": [80, 120, 170] * 10}))
    shops = prepare_table(pd.DataFrame({"Fresh": [1, 2, 3] * 10, "Milk": [3, 4, 5] * 10}))
    hits = FeatureEffect("Hits", "numeric", "Hits", None, 170.0, 120.0, 1.1)
    fresh = FeatureEffect("Fresh", "numeric", "Fresh", None, 3.0, 2.0, -1.1)
    assert (players.row_noun, shops.row_noun) == ("rows", "customers")  # counts use the names' noun
    assert segment_names([[hits], []], players) == ("High-hits group", "Typical group")
    assert segment_names([[fresh], []], shops) == ("Light buyers", "Typical customers")


def test_channels_and_accounts_are_named_as_such_not_as_customers() -> None:
    frame = pd.DataFrame(
        {"followers": [1e5, 2e5, 3e5] * 10, "posts": [10, 200, 3000] * 10, "country": ["US", "BR", "IN"] * 10}
    )
    prepared = prepare_table(frame)
    brazil = FeatureEffect("country", "category", "country: Brazil", "Brazil", 0.9, 0.33, 2.7)
    assert segment_names([[brazil], []], prepared) == ("Brazil-based accounts", "Typical accounts")


def test_two_segments_differing_in_one_column_say_so() -> None:
    from segmentation.profiles import profile_segments
    from tests.segmentation.prepared_tables import boolean, categorical

    rng = np.random.default_rng(2)
    labels = np.repeat([0, 1, 2], [200, 150, 100])
    spend = rng.normal(np.array([50.0, 50.0, 300.0])[labels], 10.0)
    coupon = (rng.random(450) < np.array([0.05, 0.95, 0.5])[labels]).astype(float)
    plan = np.array(["basic", "basic", "pro"], dtype=object)[labels]
    prepared = table(numeric("spend", spend), boolean("coupon_user", coupon), categorical("plan", list(plan)))
    profiles = profile_segments(prepared, labels, {0: 0.9, 1: 0.9, 2: 0.9})
    expected = f'Differs from "{profiles[1].name}" only in coupon_user; otherwise the two segments are alike.'
    assert profiles[0].confidence_note == expected
    assert profiles[1].confidence_note is not None and "only in coupon_user" in profiles[1].confidence_note
    assert profiles[2].confidence_note is None


def _summary(recency: np.ndarray, age: np.ndarray) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame({"frequency": rng.integers(0, 6, len(age)), "recency": recency, "T": age})


def _semantics(frame: pd.DataFrame) -> dict[str, str | None]:
    return {role.name: role.semantic for role in prepare_table(frame).roles}


def test_a_lifetimes_summary_reads_recency_as_the_span_of_repeat_buying() -> None:
    rng = np.random.default_rng(0)
    age = rng.uniform(30, 80, 400).round(1)
    span = (age * rng.uniform(0, 1, 400)).round(1)
    span[:200] = 0.0  # one-time buyers: no repeat purchase
    frame = _summary(span, age)
    assert _semantics(frame) | {"frequency": None} == {"frequency": None, "recency": "repeat_span", "T": "tenure"}
    prepared = prepare_table(frame)
    long_span = FeatureEffect("recency", "numeric", "recency", None, 0.0, 0.0, 1.2)
    short_span = FeatureEffect("recency", "numeric", "recency", None, 0.0, 0.0, -1.2)
    names = segment_names([[long_span], [short_span]], prepared)
    assert names == ("Long-standing repeat buyers", "Early-lapsed buyers")


def test_recency_larger_than_t_is_the_crm_reading_days_since_the_last_purchase() -> None:
    rng = np.random.default_rng(0)
    age = rng.uniform(30, 80, 400)
    frame = _summary(age + 5, age)  # recency > T somewhere: not the lifetimes convention
    assert _semantics(frame)["recency"] is None
    effect = FeatureEffect("recency", "numeric", "recency", None, 0.0, 0.0, 1.2)
    assert "apsed" in segment_names([[effect]], prepare_table(frame))[0]


def test_light_buyers_buy_less_of_every_product() -> None:
    from segmentation.profiles import profile_segments

    rng = np.random.default_rng(3)
    labels = np.repeat([0, 1, 2], [300, 200, 100])
    # 0: restaurants (less grocery, a little more fresh food); 1: shops (much more grocery); 2: less of everything.
    grocery = rng.lognormal(np.log(np.array([3_000.0, 15_000.0, 2_000.0]))[labels], 0.3)
    fresh = rng.lognormal(np.log(np.array([4_300.0, 4_000.0, 3_000.0]))[labels], 0.3)
    prepared = table(numeric("Grocery", list(grocery)), numeric("Fresh", list(fresh)))
    names = [profile.name for profile in profile_segments(prepared, labels, {0: 0.9, 1: 0.9, 2: 0.9})]
    # Segment 0 buys a little more fresh food than everyone (too little to name): light on grocery only.
    assert names == ["Light grocery buyers", "Grocery buyers", "Light buyers"]


def test_a_segment_whose_median_differs_is_not_typical() -> None:
    from segmentation.profiles import profile_segments

    rng = np.random.default_rng(4)
    # CDNOW's shape: most customers never bought twice (frequency 0); a middle segment bought once more.
    labels = np.repeat([0, 1, 2], [600, 220, 180])
    frequency = np.where(labels == 0, 0, np.where(labels == 1, rng.integers(2, 7, 1000), rng.integers(1, 3, 1000)))
    age = rng.uniform(27, 39, 1000).round(2)
    span = np.where(labels == 0, 0.0, np.where(labels == 1, age * 0.8, age * 0.2)).round(2)
    prepared = prepare_table(pd.DataFrame({"frequency": frequency, "recency": span, "T": age}))
    names = [profile.name for profile in profile_segments(prepared, labels, {0: 0.9, 1: 0.9, 2: 0.9})]
    assert names == ["Early-lapsed one-time buyers", "Long-standing repeat buyers", "Repeat buyers"]


def test_a_median_barely_apart_does_not_name_a_segment() -> None:
    """ISLP's Wage: a segment with median age 44 against 42 (+0.1 SD) was named "Older customers"."""
    from segmentation.profiles import profile_segments

    rng = np.random.default_rng(5)
    labels = np.repeat([0, 1], [700, 300])
    age = np.where(labels == 0, rng.normal(41.5, 11, 1000), rng.normal(43.5, 11, 1000)).round()
    spend = rng.gamma(2.0, 50.0, 1000).round(2)
    prepared = prepare_table(pd.DataFrame({"age": age, "total_spend": spend}))
    profiles = profile_segments(prepared, labels, {0: 0.9, 1: 0.9})
    assert [profile.name.startswith("Older") for profile in profiles] == [False, False]


def test_an_age_column_of_fractions_is_not_a_persons_age() -> None:
    """ISLP's Boston: `age` is the share of a tract's homes built before 1940 (65.2, 78.9): no age bands, no people."""
    rng = np.random.default_rng(3)
    tracts = pd.DataFrame(
        {"age": rng.uniform(3, 100, 500).round(1), "tax": rng.integers(180, 700, 500), "rm": rng.normal(6, 0.7, 500)}
    )
    prepared = prepare_table(tracts)
    assert next(column for column in prepared.columns if column.name == "age").semantic is None
    assert prepared.row_noun == "rows"
    people = prepare_table(tracts.assign(age=rng.integers(18, 80, 500)))
    assert next(column for column in people.columns if column.name == "age").semantic == "age"
    assert people.row_noun == "people"
