"""Suggestions only as confident as the evidence: capped scores, withheld suggestions, reasons, near misses."""

from __future__ import annotations

import io

import numpy as np
import pytest

from segmentation import segment
from segmentation.catalog_index import CatalogEntry
from segmentation.match_evidence import EVIDENCE, match_evidence
from segmentation.matching import match_catalog, match_influencers
from segmentation.result import AGE_BANDS
from tests.influencer_results import FITNESS_BR, GAMERS_US, OVERALL, TWO_SEGMENTS, creator, mix, result_of
from tests.segmentation.audience_files import restaurant_bills


def test_the_evidence_scale_sums_to_one_and_reads_as_documented() -> None:
    assert sum(EVIDENCE.values()) == pytest.approx(1.0)
    assert EVIDENCE["gender"] < EVIDENCE["age"] < EVIDENCE["country"] < EVIDENCE["interests"]
    assert EVIDENCE["interests"] + EVIDENCE["country"] + EVIDENCE["age"] == pytest.approx(0.85)


def test_a_match_on_gender_alone_never_scores_like_one_on_interests_country_and_age() -> None:
    gender_only = creator("gender_only", (), None, female=80)
    three = creator("three_signals", ("Fitness & Gym",), "BR", age="25-34")

    found = {s.handle: s for s in match_influencers(TWO_SEGMENTS, [gender_only, three], per_segment=2)[0]}

    assert found["three_signals"].score > 0.6
    assert found["gender_only"].score <= EVIDENCE["gender"]
    assert found["gender_only"].reasons == ("audience 80% female, close to this segment (80% female)",)


def test_a_file_with_only_gender_gets_no_suggestions_and_says_why() -> None:
    overall, women, men = mix({}, {}, female=0.5), mix({}, {}, female=0.9), mix({}, {}, female=0.1)
    catalog = [creator("woman_heavy", ("Finance",), "US", female=90)]

    match = match_catalog(result_of(overall, women, men), catalog, per_segment=3)

    assert match.suggestions == {0: (), 1: ()}
    assert match.evidence.withheld and match.evidence.signals == ("gender",)
    assert match.evidence.sentence() == (
        "No influencer suggestions: they would rest on gender only (the file has no interests, country or age "
        "column), which says nothing about which creators this audience follows; add interests, country or age."
    )


def test_a_file_with_only_countries_caps_scores_at_the_country_share_of_the_profile() -> None:
    overall = mix({"US": 0.5, "BR": 0.5}, {})
    brazil = mix({"BR": 0.9, "US": 0.1}, {})
    catalog = [creator(f"br_{n}", ("Music",), "BR", age="25-34", female=50) for n in range(3)]

    match = match_catalog(result_of(overall, brazil), catalog, per_segment=3)

    assert [s.score for s in match.suggestions[0]] == [0.25, 0.25, 0.25]
    assert all(s.reasons[0].startswith("audience mostly Brazil") for s in match.suggestions[0])
    assert match.evidence.sentence() == (
        "Suggestions rest on country only (the file has no interests, age or gender column), so scores are capped "
        "at 0.25 of 1."
    )
    assert match_evidence(TWO_SEGMENTS).sentence() == ""


def _random_mix(rng: np.random.Generator, countries: list[str], interests: list[str]) -> object:
    def shares(values: list[str]) -> dict[str, float]:
        chosen = rng.choice(values, size=int(rng.integers(1, len(values) + 1)), replace=False)
        weights = rng.dirichlet(np.ones(len(chosen)))
        return {str(value): float(weight) for value, weight in zip(chosen, weights, strict=True)}

    bands = shares(list(AGE_BANDS)) if rng.random() < 0.7 else None
    return mix(
        shares(countries) if rng.random() < 0.8 else {},
        shares(interests) if rng.random() < 0.7 else {},
        bands,
        float(rng.uniform(0.05, 0.95)) if rng.random() < 0.7 else None,
    )


def _random_creator(rng: np.random.Generator, number: int, countries: list[str], topics: list[str]) -> CatalogEntry:
    def maybe(value: object, chance: float = 0.6) -> object:
        return value if rng.random() < chance else None

    return creator(
        f"c{number}",
        tuple(rng.choice(topics, size=int(rng.integers(0, 3)), replace=False)),
        maybe(str(rng.choice(countries))),
        followers=int(10 ** rng.uniform(2.5, 7.5)),
        engagement=maybe(float(rng.uniform(0.0001, 0.3)), 0.8),
        age=maybe(str(rng.choice(AGE_BANDS))),
        female=maybe(float(rng.uniform(0, 100))),
    )


def test_property_every_suggestion_has_a_reason_and_a_score_within_its_evidence() -> None:
    countries = ["US", "BR", "DE", "FR", "IN"]
    interests = ["fitness", "gaming", "music", "cooking", "travel", "finance"]
    topics = ["Fitness & Gym", "Video games", "Music", "Food & Cooking", "Travel", "Personal finance", "Knitting"]
    for seed in range(150):
        rng = np.random.default_rng(seed)
        overall = _random_mix(rng, countries, interests)
        segments = [_random_mix(rng, countries, interests) for _ in range(int(rng.integers(1, 4)))]
        catalog = [_random_creator(rng, number, countries, topics) for number in range(40)]
        result = result_of(overall, *segments)

        match = match_catalog(result, catalog, per_segment=int(rng.integers(1, 6)))

        for suggestions in match.suggestions.values():
            for suggestion in suggestions:
                assert suggestion.reasons, (seed, suggestion)
                assert 0 < suggestion.score <= match.evidence.cap + 1e-9, (seed, suggestion)
        if match.evidence.withheld:
            assert not any(match.suggestions.values()), seed


def test_an_audience_in_the_next_age_band_gets_a_reason_that_says_so() -> None:
    overall = mix({"US": 1.0}, {}, {"18-24": 0.5, "45-54": 0.5})
    young = mix({"US": 1.0}, {}, {"18-24": 1.0})
    (teen,) = match_influencers(result_of(overall, young), [creator("teen", (), "US", age="13-17")], per_segment=1)[0]

    assert "audience mostly aged 13-17, next to 18-24 (100% of this segment)" in teen.reasons


def test_no_creator_fits_names_the_closest_by_its_weakest_signal() -> None:
    catalog = [creator("cook_fr", ("Food & Cooking",), "FR", age="55-64", female=50)]

    match = match_catalog(result_of(OVERALL, FITNESS_BR, GAMERS_US), catalog, per_segment=2)

    assert match.suggestions == {0: (), 1: ()}
    assert match.closest[0].handle == "cook_fr"
    assert match.closest[0].why_not == "posts about Food & Cooking, while this segment is into fitness, music"
    assert 0 <= match.closest[0].score < 0.3


def test_restaurant_bills_rest_on_gender_alone_so_nothing_is_suggested() -> None:
    from bot.catalog.sample_catalog import sample_catalog

    result = segment(io.BytesIO(restaurant_bills()), seed=0)

    match = match_catalog(result, sample_catalog(), per_segment=3)

    assert match.evidence.signals == ("gender",)
    assert match.evidence.withheld
    assert all(suggestions == () for suggestions in match.suggestions.values())
    assert "rest on gender only" in match.evidence.sentence()


def test_a_creator_with_an_unknown_follower_count_is_matched_and_says_so() -> None:
    from dataclasses import replace

    unknown = replace(creator("unknown_reach", ("Fitness & Gym",), "BR", age="25-34", female=80), followers=None)
    known = creator("known_reach", ("Fitness & Gym",), "BR", age="25-34", female=80)

    found = match_influencers(TWO_SEGMENTS, [unknown, known], per_segment=2)[0]

    assert [s.handle for s in found] == ["known_reach", "unknown_reach"]  # flagged creators rank after healthy
    assert found[1].followers is None
    assert found[1].flags == ("no follower count, so reach and engagement cannot be judged",)


def test_a_plurality_under_half_is_not_called_mostly_in_why_not() -> None:
    # Customer-personality-like: the largest age band holds 22% of the segment, which is not "mostly".
    overall = mix({"US": 1.0}, {}, {"25-34": 0.3, "35-44": 0.3, "45-54": 0.4})
    spread = mix({"US": 1.0}, {}, {"25-34": 0.2, "35-44": 0.22, "45-54": 0.2, "55-64": 0.19, "65+": 0.19})
    match = match_catalog(result_of(overall, spread), [creator("no_age", (), None)], per_segment=1)

    why_not = match.closest[0].why_not
    assert "mostly" not in why_not, why_not
    assert why_not == "no audience age in the catalog, while this segment's largest age group is 35-44 (22%)"


def test_a_country_plurality_under_half_is_not_called_most() -> None:
    overall = mix({"US": 0.5, "DE": 0.5}, {}, {})
    spread = mix({"US": 0.3, "DE": 0.25, "FR": 0.25, "BR": 0.2}, {}, {})
    match = match_catalog(result_of(overall, spread), [creator("jp", (), "JP")], per_segment=1)

    why_not = match.closest[0].why_not
    assert "most are in" not in why_not, why_not
    assert "the largest share is in United States, 30%" in why_not


def test_no_closest_creator_is_named_when_every_creator_matches_on_nothing() -> None:
    overall = mix({"US": 1.0}, {}, {"25-34": 0.5, "45-54": 0.5})
    young = mix({"US": 1.0}, {}, {"25-34": 1.0})
    catalog = [creator(f"no_age_{n}", (), None) for n in range(3)]

    match = match_catalog(result_of(overall, young), catalog, per_segment=1)

    assert match.suggestions == {0: ()}
    assert match.closest.get(0) is None
