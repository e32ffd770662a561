"""Matching creators to segments on hand-built audiences with known right answers."""

from __future__ import annotations

from segmentation.catalog_index import build_catalog_index
from segmentation.matching import Suggestion, match_influencers
from tests.influencer_results import FITNESS_BR, GAMERS_US, OVERALL, TWO_SEGMENTS, creator, mix, result_of

CATALOG = (
    creator("fit_br", ("Fitness & Gym",), "BR", age="25-34", female=78),
    creator("fit_us", ("Health & Fitness",), "US"),
    creator("music_br", ("Music",), "BR"),
    creator("gamer_us", ("Video games",), "US", platform="youtube", age="18-24", female=20),
    creator("gamer_de", ("Gaming",), "DE", platform="tiktok"),
    creator("cook_fr", ("Food & Cooking",), "FR"),
)


def _handles(suggestions: tuple[Suggestion, ...]) -> list[str]:
    return [s.handle for s in suggestions]


def test_the_creator_matching_topic_country_age_and_gender_ranks_first_with_reasons() -> None:
    found = match_influencers(TWO_SEGMENTS, CATALOG, per_segment=3)

    assert _handles(found[0])[0] == "fit_br"
    assert _handles(found[1])[0] == "gamer_us"
    best = found[0][0]
    assert best.score > 0.9
    assert "audience mostly Brazil, like 78% of this segment (30% overall)" in best.reasons
    assert any(reason.startswith("posts about Fitness & Gym (fitness), an interest of 70%") for reason in best.reasons)
    assert "audience mostly aged 25-34, like 70% of this segment (40% overall)" in best.reasons
    assert best.flags == ()


def test_every_suggestion_has_a_reason_and_nothing_irrelevant_is_suggested() -> None:
    found = match_influencers(TWO_SEGMENTS, CATALOG, per_segment=6)

    for suggestions in found.values():
        assert all(s.reasons for s in suggestions)
        assert "cook_fr" not in _handles(suggestions)
    assert set(_handles(found[0])) == {"fit_br", "fit_us", "music_br"}


def test_an_interest_everyone_shares_counts_less_than_an_over_represented_one() -> None:
    overall = mix({"US": 1.0}, {"music": 0.6, "travel": 0.2})
    segment = mix({"US": 1.0}, {"music": 0.6, "travel": 0.6})
    catalog = [creator("music", ("Music",), "US"), creator("travel", ("Travel",), "US")]

    found = match_influencers(result_of(overall, segment), catalog, per_segment=2)

    # Music is as common here as everywhere and everyone is in the US: the music creator reaches nobody special.
    assert _handles(found[0]) == ["travel"]


def test_a_reason_names_the_segments_own_interest_with_its_share() -> None:
    """The demo's "Food & Cooking (cooking), an interest of 49%": 49% was the segment's food, its cooking was 3%."""
    overall = mix({"US": 1.0}, {"food": 0.13, "cooking": 0.12})
    segment = mix({"US": 1.0}, {"food": 0.49, "cooking": 0.03})

    found = match_influencers(result_of(overall, segment), [creator("chef", ("Food & Cooking",), "US")], per_segment=1)

    reasons = found[0][0].reasons
    assert any(reason.startswith("posts about Food & Cooking (food), an interest of 49%") for reason in reasons)
    assert not any("(cooking)" in reason for reason in reasons)


def test_suspicious_accounts_are_flagged_and_rank_below_healthy_matches() -> None:
    catalog = [
        creator("bought_followers", ("Fitness",), "BR", followers=2_000_000, engagement=0.0003, age="25-34"),
        creator("bought_likes", ("Fitness",), "BR", followers=300_000, engagement=0.4, age="25-34"),
        creator("no_audience", ("Fitness",), None, age="25-34"),
        creator("tiny", ("Fitness",), "BR", followers=400, age="25-34"),
        creator("healthy_weaker", ("Fitness",), "US"),
    ]

    found = match_influencers(TWO_SEGMENTS, catalog, per_segment=5)[0]

    assert found[0].handle == "healthy_weaker"
    assert found[0].flags == ()
    flags = {s.handle: s.flags for s in found[1:]}
    assert flags["bought_followers"] == (
        "0.03% engagement at 2M followers is far below Instagram accounts of that size "
        "(under 0.089% is the lowest 1% in public rankings)",
    )
    assert flags["bought_likes"] == (
        "40% engagement at 300K followers is far above Instagram accounts of that size "
        "(over 34% is the highest 1% in public rankings)",
    )
    assert flags["no_audience"] == ("no audience country data, so where its audience lives is unknown",)
    assert flags["tiny"] == ("tiny account (400 followers, under 1K)",)


def test_blocked_creators_are_never_suggested_and_pinned_ones_lead_when_relevant() -> None:
    found = match_influencers(
        TWO_SEGMENTS,
        CATALOG,
        per_segment=3,
        pinned=frozenset({("instagram", "fit_us"), ("instagram", "cook_fr")}),
        blocked=frozenset({("instagram", "fit_br")}),
    )

    assert "fit_br" not in _handles(found[0]) + _handles(found[1])
    assert found[0][0].handle == "fit_us"
    assert found[0][0].pinned
    assert found[0][0].reasons[0] == "pinned by your workspace"
    assert "cook_fr" not in _handles(found[0]) + _handles(found[1])


def test_creators_are_spread_across_similar_segments_unless_one_fits_far_better() -> None:
    twin = result_of(OVERALL, FITNESS_BR, FITNESS_BR)
    equals = [creator(f"fit_{n}", ("Fitness",), "BR", age="25-34") for n in range(4)]

    spread = match_influencers(twin, equals, per_segment=2)
    assert set(_handles(spread[0])).isdisjoint(_handles(spread[1]))

    standout = [creator("perfect", ("Fitness & Gym",), "BR", age="25-34", female=80)] + [
        creator(f"so_so_{n}", ("Music",), "BR") for n in range(4)
    ]
    shared = match_influencers(twin, standout, per_segment=2)
    assert _handles(shared[0])[0] == _handles(shared[1])[0] == "perfect"


def test_empty_catalog_or_no_slots_gives_empty_tuples_for_every_segment() -> None:
    assert match_influencers(TWO_SEGMENTS, [], per_segment=3) == {0: (), 1: ()}
    assert match_influencers(TWO_SEGMENTS, CATALOG, per_segment=0) == {0: (), 1: ()}


def test_a_prebuilt_index_gives_the_same_answer_and_to_dict_is_plain() -> None:
    direct = match_influencers(TWO_SEGMENTS, CATALOG, per_segment=2)
    indexed = match_influencers(TWO_SEGMENTS, build_catalog_index(CATALOG), per_segment=2)

    assert direct == indexed
    data = direct[1][0].to_dict()
    assert data["platform"] == "youtube"
    assert data["handle"] == "gamer_us"
    assert isinstance(data["score"], float)
    assert isinstance(data["reasons"], list)
    assert data["flags"] == []


def test_a_segment_without_audience_data_gets_no_suggestions() -> None:
    blank = mix({}, {})
    found = match_influencers(result_of(blank, blank, GAMERS_US), CATALOG, per_segment=3)

    assert found[0] == ()


def test_suggestions_for_the_real_engine_on_the_demo_audience_and_the_sample_catalog() -> None:
    from bot.catalog.sample_catalog import sample_catalog
    from segmentation import segment
    from segmentation.sample_audience import sample_audience
    from segmentation.topics import interest_keys

    result = segment(sample_audience(n_rows=1000), seed=0)
    catalog = sample_catalog()
    by_key = {entry.key: entry for entry in catalog}

    found = match_influencers(result, catalog, per_segment=3)

    assert set(found) == {segment.id for segment in result.segments}
    for segment_profile in result.segments:
        suggestions = found[segment_profile.id]
        assert len(suggestions) == 3
        assert all(s.reasons and not s.flags for s in suggestions)
        assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)
        top_interest = max(segment_profile.audience.interests, key=lambda pair: pair[1])[0]
        best_topics = {
            key
            for topic in by_key[(suggestions[0].platform, suggestions[0].handle)].topics
            for key in interest_keys(topic)
        }
        if "gamers" in segment_profile.name or "fitness" in segment_profile.name:
            assert interest_keys(top_interest) & best_topics
    brazil = next(s for s in result.segments if "Brazil" in s.name)
    assert any(by_key[(s.platform, s.handle)].audience_country == "BR" for s in found[brazil.id])


def test_an_interest_no_creator_covers_still_counts_so_partial_matches_are_not_inflated() -> None:
    overall = mix({"US": 1.0}, {"gardening": 0.1, "cooking": 0.2})
    segment = mix({"US": 1.0}, {"gardening": 0.8, "cooking": 0.4})
    catalog = [creator("cook", ("Food & Cooking",), "US")]

    (cook,) = match_influencers(result_of(overall, segment), catalog, per_segment=1)[0]

    # Gardening carries most of the segment's interest weight and nobody posts about it.
    assert cook.score < 0.6
