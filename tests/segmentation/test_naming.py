"""Segment names: words from column names, names from features, uniqueness, fallbacks, and real files."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

from segmentation import segment
from segmentation.lexicon import (
    _INTEREST_GROUPS,
    boolean_phrase,
    categorical_phrase,
    interest_noun,
    numeric_phrase,
    tokens_of,
)
from segmentation.naming import segment_names
from segmentation.prepared import PreparedColumn, PreparedTable
from segmentation.profiles import profile_segments
from segmentation.result import FeatureEffect
from tests.segmentation.prepared_tables import boolean, categorical, multilabel, numeric, table


@pytest.mark.parametrize(
    ("column", "high", "is_date", "words"),
    [
        ("MntWines", True, False, "wine buyers"),
        ("total_spend", True, False, "high spenders"),
        ("total_spend", False, False, "low spenders"),
        ("SpendingScore (1-100)", False, False, "low spenders"),
        ("last_purchase_date (days since)", True, True, "lapsed"),
        ("days since last_purchase_date", False, True, "recently active"),
        ("Recency", True, False, "lapsed"),
        ("AnnualIncome (k$)", True, False, "high-income"),
        ("Income", False, False, "low-income"),
        ("days since signup_date", True, True, "long-time"),
        ("Dt_Customer", False, True, "new"),
        ("Year_Birth", False, False, "older"),
        ("Kidhome", True, False, "parents"),
        ("NumWebPurchases", True, False, "online shoppers"),
        ("NumDealsPurchases", True, False, "deal seekers"),
        ("orders", True, False, "frequent"),
        ("Detergents_Paper", True, False, "household goods buyers"),
    ],
)
def test_column_names_give_marketing_words(column: str, high: bool, is_date: bool, words: str) -> None:
    phrase = numeric_phrase(tokens_of(column), high, None, is_date)
    assert phrase is not None and phrase.text == words


def test_only_an_age_in_years_says_young_or_older() -> None:
    young = numeric_phrase(tokens_of("Age"), False, "age", False)
    assert young is not None and young.text == "young"
    # Boston's `age` is the share of homes built before 1940: the name alone does not make it a person's age.
    older = numeric_phrase(tokens_of("age"), True, None, False)
    assert older is None or older.text not in {"older", "young"}


def test_a_low_value_on_a_product_column_only_says_light_buyers() -> None:
    phrase = numeric_phrase(tokens_of("MntWines"), False, None, False)
    assert phrase is not None and (phrase.text, phrase.weak) == ("light buyers", True)


@pytest.mark.parametrize("column", ["Region", "Channel", "store_id", "customer_type"])
def test_code_columns_give_no_words(column: str) -> None:
    assert numeric_phrase(tokens_of(column), True, None, False) is None
    assert boolean_phrase(tokens_of(column), True) is None


def test_every_interest_noun_reads_as_at_least_two_words_on_its_own() -> None:
    for _, phrase in _INTEREST_GROUPS:
        assert len((phrase.alone or phrase.text).split()) >= 2, phrase
    assert interest_noun("swimming").text == "swimming fans"
    assert interest_noun("Video Games").text == "gamers"


def _numeric(column: str, effect: float) -> FeatureEffect:
    return FeatureEffect(column, "numeric", column, None, 0.0, 0.0, effect)


def _share(column: str, value: str, segment: float, overall: float, kind: str = "category") -> FeatureEffect:
    return FeatureEffect(column, kind, f"{column}: {value}", value, segment, overall, segment / overall)  # type: ignore[arg-type]


GAMERS = [_share("interests", "gaming", 0.9, 0.3, "label"), _numeric("age", -1.2), _share("device", "mobile", 0.9, 0.5)]


def _columns() -> PreparedTable:
    """Column metadata for the hand-written features (the values do not matter to naming)."""
    return table(
        numeric("age", [30, 40], semantic="age"),
        categorical("device", ["mobile", "desktop"]),
        categorical("country", ["Brazil", "US"], semantic="country"),
        categorical("gender", ["F", "M"], semantic="gender"),
        multilabel("interests", ["gaming", "fitness"]),
        boolean("newsletter_opt_in", [1, 0]),
        boolean("student", [1, 0]),
        numeric("income", [1, 2]),
        numeric("days since last_purchase_date", [1, 2], source="last_purchase_date", unit="days"),
        numeric("AnnualIncome (k$)", [1, 2]),
        numeric("SpendingScore (1-100)", [1, 2]),
        categorical("acquisition_channel", ["Instagram", "Email"]),
        categorical("platform", ["iOS", "Android"]),
    )


@pytest.mark.parametrize(
    ("features", "name"),
    [
        (GAMERS, "Young mobile gamers"),
        (
            [_numeric("days since last_purchase_date", 1.6), _numeric("AnnualIncome (k$)", 1.5)],
            "High-income lapsed buyers",
        ),
        (
            [
                _share("country", "Brazil", 0.86, 0.15),
                _share("interests", "fitness", 0.93, 0.2, "label"),
                _share("acquisition_channel", "Instagram", 0.7, 0.2),
            ],
            "Brazil-based fitness fans",
        ),
        ([_numeric("age", 1.6), _share("newsletter_opt_in", "yes", 0.93, 0.33)], "Older newsletter readers"),
        ([_numeric("SpendingScore (1-100)", -1.3), _numeric("AnnualIncome (k$)", 1.1)], "High-income low spenders"),
        ([_share("gender", "female", 0.9, 0.5), _numeric("age", -0.8)], "Young female customers"),
        ([_share("interests", "gaming", 0.9, 0.3, "label")], "Video gamers"),
        ([_share("platform", "iOS", 0.9, 0.4)], "iOS customers"),
        ([_share("acquisition_channel", "Instagram", 0.9, 0.3)], "Instagram-acquired customers"),
        # ISLP's Default: the students are named for being students, not only for their lower income.
        ([_share("student", "yes", 1.0, 0.29), _numeric("income", -1.2)], "Low-income students"),
        ([_share("student", "no", 1.0, 0.71), _numeric("income", 0.5)], "High-income non-student customers"),
        # ...while the "no" side of most yes/no columns gives no words ("not newsletter readers").
        ([_share("newsletter_opt_in", "no", 1.0, 0.67), _numeric("age", 0.9)], "Older customers"),
        ([_numeric("age", 0.1)], "Typical customers"),
        ([], "Typical customers"),
        # Half mobile against a tenth overall: too few to be "Mobile customers", too different to be "Typical".
        ([_share("device", "mobile", 0.5, 0.1)], "Mixed-profile customers"),
    ],
)
def test_names_from_features(features: list[FeatureEffect], name: str) -> None:
    assert segment_names([features], _columns()) == (name,)


def test_a_place_only_names_a_segment_where_it_is_common() -> None:
    features = [_share("country", "Brazil", 0.3, 0.05), _numeric("age", -1.0)]
    assert segment_names([features], _columns()) == ("Young customers",)


def test_names_are_unique_and_never_numbered() -> None:
    names = segment_names([GAMERS, GAMERS, GAMERS, [], [], []], _columns())
    assert len(set(names)) == len(names)
    assert names[0] == "Young mobile gamers"
    assert names[3:] == ("Typical customers", "Mainstream customers", "Everyday customers")
    for name in names:
        assert not re.search(r"\d|\(", name)
        assert 2 <= len(name.split()) <= 5
        assert name[0].isupper()


def test_a_second_segment_with_the_same_strongest_traits_is_told_apart_by_its_others() -> None:
    first = [_share("interests", "gaming", 0.9, 0.3, "label"), _numeric("age", -1.2)]
    second = [*first, _share("country", "Brazil", 0.8, 0.2)]
    names = segment_names([first, second], _columns())
    assert names[0] == "Young gamers"
    assert "Brazil" in names[1]


def _kmeans_labels(values: pd.DataFrame, k: int, n_init: int = 4) -> np.ndarray:
    labels = KMeans(k, n_init=n_init, random_state=0).fit_predict(StandardScaler().fit_transform(values))
    by_size = np.argsort(-np.bincount(labels))
    return np.argsort(by_size)[labels]


def _prepared(frame: pd.DataFrame, semantics: dict[str, str], booleans: tuple[str, ...] = ()) -> PreparedTable:
    columns = []
    for name in frame.columns:
        series = frame[name]
        if name in booleans:
            columns.append(boolean(name, series.to_numpy(float)))
        elif series.dtype.kind in "if":
            columns.append(numeric(name, series.to_numpy(float), semantic=semantics.get(name)))
        else:
            columns.append(categorical(name, series.tolist(), semantic=semantics.get(name)))
    return table(*columns)


def test_mall_customers_get_the_classic_segment_names(shared_datasets: Path) -> None:
    mall = pd.read_csv(shared_datasets / "mall_customers" / "Mall_Customers.csv").drop(columns="CustomerID")
    labels = _kmeans_labels(mall[["AnnualIncome (k$)", "SpendingScore (1-100)"]], 5)
    profiles = profile_segments(_prepared(mall, {"Age": "age", "Gender": "gender"}), labels, {})
    names = {profile.name for profile in profiles}
    assert {"High-income low spenders", "High-income high spenders", "Low-income low spenders"} <= names
    assert "Young low-income high spenders" in names


def test_customer_personality_names_speak_of_income_household_and_campaigns(shared_datasets: Path) -> None:
    raw = pd.read_csv(shared_datasets / "customer_personality" / "marketing_campaign.csv", sep="\t")
    frame = raw.drop(columns=["ID", "Z_CostContact", "Z_Revenue", "Dt_Customer"])
    flags = (*(name for name in frame.columns if name.startswith("Accepted")), "Response", "Complain")
    numbers = frame.select_dtypes("number").fillna(frame["Income"].median())
    profiles = profile_segments(_prepared(frame, {"Year_Birth": "birth_year"}, flags), _kmeans_labels(numbers, 4), {})
    names = [profile.name for profile in profiles]
    assert any("Low-income" in name for name in names), names
    assert any("campaign responders" in name.lower() for name in names), names
    assert len(set(names)) == 4


def test_teen_keyword_counts_name_segments_by_interest(shared_datasets: Path) -> None:
    teens = pd.read_csv(shared_datasets / "teen_sns_interests" / "snsdata.csv")
    prepared = _prepared(teens, {"gender": "gender", "age": "age"})
    profiles = profile_segments(prepared, _kmeans_labels(teens.iloc[:, 4:], 5, n_init=1), {})
    names = [profile.name for profile in profiles]
    assert any(name in {"Band members", "Fashion fans", "Romance talkers"} for name in names), names
    assert profiles[0].audience.interests_known == 1.0
    assert profiles[0].audience.gender_known == pytest.approx(1 - 2724 / 30_000, abs=0.05)


def test_unused_semantic_columns_do_not_break_naming() -> None:
    column = PreparedColumn("Gender", "categorical", semantic="gender", categories=pd.Categorical(["F"]), used=False)
    assert segment_names([[_share("Gender", "female", 0.9, 0.5)]], table(column)) == ("Female customers",)


def test_segmenting_mall_customers_gives_the_classic_names(shared_datasets: Path) -> None:
    result = segment((shared_datasets / "mall_customers" / "Mall_Customers.csv").read_bytes(), seed=0)
    names = {profile.name for profile in result.segments}
    assert "High-income low spenders" in names, names
    assert "High-income high spenders" in names, names


def test_many_raised_interests_none_common_enough_make_a_broad_interest_segment() -> None:
    features = [_share("interests", topic, 0.2, 0.06, "label") for topic in ("music", "travel", "fitness")]
    assert segment_names([features], _columns()) == ("Broad-interest customers",)


def test_a_weak_noun_never_heads_a_name_when_a_real_one_is_there() -> None:
    features = [_numeric("MntWines", -1.5), _numeric("NumWebVisitsMonth", 0.9), _numeric("age", -0.8)]
    assert segment_names([features], _columns()) == ("Young frequent site visitors",)


@pytest.mark.parametrize(
    ("column", "words"),
    [("Subscribers count", "high-subscribers"), ("video_views_for_the_last_30_days", "high-video-views")],
)
def test_unknown_numeric_columns_give_plain_high_words(column: str, words: str) -> None:
    phrase = numeric_phrase(tokens_of(column), True, None, False)
    assert phrase is not None and (phrase.text, phrase.weak) == (words, True)


@pytest.mark.parametrize(
    ("column", "yes", "words"),
    [
        ("Accepts Email Marketing", True, "email subscribers"),
        ("Accepts SMS Marketing", True, "SMS subscribers"),
        ("newsletter_opt_in", True, "newsletter readers"),
        ("AcceptedCmp3", True, "campaign responders"),
        ("Tax Exempt", True, "tax-exempt"),
        ("newsletter_opt_in", False, None),
    ],
)
def test_yes_no_columns_from_common_exports(column: str, yes: bool, words: str | None) -> None:
    phrase = boolean_phrase(tokens_of(column), yes)
    assert (phrase.text if phrase else None) == words


@pytest.mark.parametrize(
    ("column", "value", "words", "slot"),
    [
        ("City", "Toronto", "Toronto-based", "place"),
        ("Original Source", "ORGANIC_SEARCH", "organic-search", "modifier"),
        ("acquisition_channel", "TikTok", "TikTok-acquired", "modifier"),
        ("device", "Mobile", "mobile", "modifier"),
        ("Marital_Status", "Together", "cohabiting", "modifier"),
        ("Education", "PhD", "PhD-educated", "modifier"),
        ("Region", "3", "region 3", "modifier"),
        ("day", "Thur", "Thursday", "modifier"),
        ("weekday", "sat", "Saturday", "modifier"),
        ("Day of week", "Tuesday", "Tuesday", "modifier"),
        ("time", "Lunch", "lunch", "modifier"),
        ("meal", "DINNER", "dinner", "modifier"),
    ],
)
def test_category_values_from_common_exports(column: str, value: str, words: str, slot: str) -> None:
    phrase = categorical_phrase(tokens_of(column), value)
    assert phrase is not None and (phrase.text, phrase.slot) == (words, slot)


def test_a_meal_is_a_name_word_after_the_weekday() -> None:
    """plotly's tips: the lunch bills are 90% Thursday; the name says both, weekday first."""
    day = categorical_phrase(tokens_of("day"), "Thur")
    meal = categorical_phrase(tokens_of("time"), "Lunch")
    assert day is not None and meal is not None and not meal.weak
    assert day.order < meal.order


def test_transactions_are_named_for_what_happened_not_for_a_person() -> None:
    purchases = replace(
        table(
            numeric("dollar_value", [10, 90]),
            numeric("days since date", [1, 500], source="date", unit="days"),
        ),
        row_noun="transactions",
    )
    high_old = [_numeric("dollar_value", 1.2), _numeric("days since date", 0.9)]
    low_new = [_numeric("dollar_value", -0.8), _numeric("days since date", -0.9)]
    assert segment_names([high_old, low_new], purchases) == (
        "Earlier high-value transactions",
        "Recent low-value transactions",
    )
    people = replace(purchases, row_noun="people")
    assert segment_names([high_old], people) == ("Long-time high spenders",)


@pytest.mark.parametrize(
    ("column", "high", "words"),
    [
        ("avg_basket", True, "big-basket"),
        ("basket_size", False, "small-basket"),
        ("AOV", True, "big-basket"),
        ("average_order_value", False, "small-basket"),
        ("annual_spend", False, "low spenders"),
    ],
)
def test_the_size_of_one_purchase_is_not_what_a_person_spends(column: str, high: bool, words: str) -> None:
    """A high annual spend made of small baskets was named "Low-spending high spenders"."""
    phrase = numeric_phrase(tokens_of(column), high, None, False)
    assert phrase is not None and phrase.text == words


def test_a_big_spender_with_small_baskets_is_not_called_low_spending() -> None:
    shoppers = table(numeric("annual_spend", [100, 2400]), numeric("avg_basket", [15, 100]))
    features = [_numeric("annual_spend", 1.86), _numeric("avg_basket", -1.4)]
    assert segment_names([features], shoppers) == ("Small-basket high spenders",)
