"""The audience mix: age bands, gender split, countries, interests, on hand-built tables with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from segmentation.audience import audience_mix, interest_columns
from segmentation.genders import gender_group
from segmentation.result import AGE_BANDS
from tests.segmentation.prepared_tables import boolean, categorical, multilabel, numeric, table


def test_ages_fall_in_influencer_bands_and_impossible_ages_count_as_unknown() -> None:
    ages = [13, 17, 18, 24, 25, 34, 35, 64.9, 65, 99, 3, 106, math.nan, 12]
    mix = audience_mix(table(numeric("Age", ages, semantic="age")))
    assert tuple(mix.age_bands) == AGE_BANDS
    assert mix.age_known == pytest.approx(10 / 14)
    expected = {"13-17": 2, "18-24": 2, "25-34": 2, "35-44": 1, "45-54": 0, "55-64": 1, "65+": 2}
    assert mix.age_bands == pytest.approx({band: count / 10 for band, count in expected.items()})


def test_birth_years_count_up_to_the_latest_year_in_the_data() -> None:
    birth_years = [1990, 1950, 1893, 2000, math.nan]
    mix = audience_mix(table(numeric("Year_Birth", birth_years, semantic="birth_year"), reference_year=2014))
    # 24 -> 18-24, 64 -> 55-64, 121 -> impossible, 14 -> 13-17
    assert mix.age_known == pytest.approx(3 / 5)
    assert mix.age_bands["18-24"] == pytest.approx(1 / 3)
    assert mix.age_bands["55-64"] == pytest.approx(1 / 3)
    assert mix.age_bands["13-17"] == pytest.approx(1 / 3)


def test_birth_years_without_any_date_in_the_data_give_no_ages() -> None:
    mix = audience_mix(table(numeric("Year_Birth", [1990, 1950], semantic="birth_year")))
    assert mix.age_bands == {}
    assert mix.age_known == 0.0


@pytest.mark.parametrize(
    ("value", "group"),
    [
        ("F", "female"),
        ("female", "female"),
        ("Woman", "female"),
        ("w", "female"),
        (" FEMALE ", "female"),
        ("M", "male"),
        ("Male", "male"),
        ("man", "male"),
        ("männlich", "male"),
        ("non-binary", "other"),
        ("Nonbinary", "other"),
        ("other", "other"),
        ("X", "other"),
        ("prefer not to say", None),
        ("unknown", None),
        ("", None),
        ("NA", None),
    ],
)
def test_gender_spellings(value: str, group: str | None) -> None:
    assert gender_group(value) == group


def test_gender_split_excludes_unknowns_and_says_how_many_are_known() -> None:
    values = ["F", "female", "Woman", "w", "M", "male", "Man", "non-binary", "other", "prefer not to say", None]
    mix = audience_mix(table(categorical("Gender", values, semantic="gender")))
    assert mix.gender == pytest.approx({"female": 4 / 9, "male": 3 / 9, "other": 2 / 9})
    assert mix.gender_known == pytest.approx(9 / 11)


def test_countries_are_merged_across_spellings_and_named() -> None:
    values = ["US", "USA", "United States", "Brasil", "Brazil", "BR", "Germany", None, "Atlantis"]
    mix = audience_mix(table(categorical("country", values, semantic="country")))
    assert [code for code, _ in mix.countries] == ["BR", "US", "DE"]
    assert [share for _, share in mix.countries] == pytest.approx([3 / 7, 3 / 7, 1 / 7])
    assert mix.country_names == {"US": "United States", "BR": "Brazil", "DE": "Germany"}
    assert mix.countries_known == pytest.approx(7 / 9)


def test_top_countries_keep_the_five_largest() -> None:
    values = ["US"] * 6 + ["FR"] * 5 + ["DE"] * 4 + ["IT"] * 3 + ["ES"] * 2 + ["PT"]
    mix = audience_mix(table(categorical("country", values, semantic="country")))
    assert [code for code, _ in mix.countries] == ["US", "FR", "DE", "IT", "ES"]


def test_interests_from_a_multi_label_column_are_shares_of_the_known_rows() -> None:
    cells = ["fitness|travel", "fitness", "gaming", "", None, "travel|fitness|music"]
    mix = audience_mix(table(multilabel("interests", cells)))
    assert mix.interests_known == pytest.approx(5 / 6)
    assert mix.interests[0][0] == "fitness"
    assert dict(mix.interests) == pytest.approx({"fitness": 0.6, "travel": 0.4, "gaming": 0.2, "music": 0.2})


def test_mask_restricts_the_mix_to_the_selected_rows() -> None:
    prepared = table(
        categorical("country", ["BR", "Brasil", "US", "US"], semantic="country"),
        multilabel("interests", ["fitness", "fitness|travel", "gaming", "gaming"]),
        numeric("age", [22, 30, 50, 70], semantic="age"),
    )
    mix = audience_mix(prepared, np.array([True, True, False, False]))
    assert mix.countries == (("BR", 1.0),)
    assert mix.interests == (("fitness", 1.0), ("travel", 0.5))
    assert mix.age_bands["18-24"] == 0.5
    assert mix.age_bands["25-34"] == 0.5
    assert audience_mix(prepared, np.zeros(4, dtype=bool)).countries == ()


def _keyword_counts(n_columns: int) -> list:
    rng = np.random.default_rng(3)
    names = ["basketball", "music", "dance", "church", "shopping", "football"][:n_columns]
    return [numeric(name, rng.poisson(0.4, 200)) for name in names]


def test_a_block_of_keyword_count_columns_gives_the_interests() -> None:
    columns = _keyword_counts(5)
    prepared = table(*columns, numeric("friends", np.arange(200)))
    assert [interest for _, interest in interest_columns(prepared)] == [
        "basketball",
        "music",
        "dance",
        "church",
        "shopping",
    ]
    mix = audience_mix(prepared)
    assert mix.interests_known == 1.0
    expected = {c.name: float(np.mean(np.asarray(c.numbers) > 0)) for c in columns}
    assert dict(mix.interests) == pytest.approx(expected)


def test_two_count_columns_are_not_taken_for_interests() -> None:
    prepared = table(numeric("Kidhome", [0, 1, 0, 2, 0]), numeric("Teenhome", [0, 0, 1, 0, 2]))
    assert interest_columns(prepared) == ()
    assert audience_mix(prepared).interests == ()


def test_columns_named_as_interests_count_even_as_yes_no_flags() -> None:
    prepared = table(
        boolean("interest_fitness", [1, 0, 1, 1]),
        boolean("interest_travel", [0, 0, 1, 0]),
        boolean("newsletter", [1, 1, 1, 1]),
    )
    assert dict(audience_mix(prepared).interests) == {"fitness": 0.75, "travel": 0.25}


def test_an_audience_without_any_recognised_column_has_an_empty_mix() -> None:
    mix = audience_mix(table(numeric("spend", [1, 2, 3])))
    assert (mix.age_bands, mix.gender, mix.countries, mix.interests) == ({}, {}, (), ())
    assert mix.age_known == mix.gender_known == mix.countries_known == mix.interests_known == 0.0


def test_interest_rates_are_not_hobbies() -> None:
    prepared = table(numeric("interest_rate", [1.5, 2.0, 3.1]), numeric("interest_paid", [10, 20, 30]))
    assert interest_columns(prepared) == ()


def test_engagement_columns_are_not_interests() -> None:
    prepared = table(numeric("Likes avg", [1, 2, 3]), numeric("likes_count", [1, 2, 3]))
    assert interest_columns(prepared) == ()
