"""The influencer catalog, pins and blocks, and recorded suggestions on real SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from bot.catalog.errors import AmbiguousHandleError, UnknownCreatorError
from bot.services.suggestions import suggest_for_result
from bot.storage.influencers import InfluencerRepository
from bot.storage.runs import NewRun, RunRepository
from bot.storage.suggestions import SuggestionRepository
from tests.influencer_results import TWO_SEGMENTS, creator

CATALOG = [
    creator("fit_br", ("Fitness & Gym",), "BR", age="25-34", female=78),
    creator("fit_us", ("Health & Fitness",), "US"),
    creator("gamer_us", ("Video games",), "US", platform="youtube", age="18-24", female=20),
    creator("gamer_us", ("Gaming",), "US", platform="tiktok"),
]


def test_upsert_adds_then_updates_by_platform_and_handle(engine: Engine) -> None:
    repository = InfluencerRepository(engine)

    first = repository.upsert("T1", CATALOG, source="first.csv")
    grown = replace(CATALOG[0], followers=300_000, topics=("Yoga",))
    second = repository.upsert("T1", [grown, creator("new_one", ("Music",), "DE")], source="second.csv")

    assert (first.added, first.updated) == (4, 0)
    assert (second.added, second.updated) == (1, 1)
    assert repository.count("T1") == 5
    stored = {item.entry.key: item for item in repository.list("T1")}
    assert stored[("instagram", "fit_br")].entry == grown
    assert stored[("instagram", "fit_br")].source == "second.csv"
    assert stored[("youtube", "gamer_us")].entry == CATALOG[2]


def test_an_update_keeps_what_the_new_file_leaves_empty(engine: Engine) -> None:
    repository = InfluencerRepository(engine)
    repository.upsert("T1", CATALOG[:1])
    second_source = replace(CATALOG[0], followers=310_000, topics=(), audience_age=None, name="Ana Fit")

    counts = repository.upsert("T1", [second_source])

    (stored,) = repository.list("T1")
    assert (counts.added, counts.updated) == (0, 1)
    assert stored.entry == replace(CATALOG[0], followers=310_000, name="Ana Fit")


def test_one_workspace_never_sees_another_workspace_catalog_or_choices(engine: Engine) -> None:
    repository = InfluencerRepository(engine)
    repository.upsert("T1", CATALOG)
    repository.upsert("T2", [creator("only_t2", ("Music",), "FR")])
    repository.set_choice("T1", ("instagram", "fit_br"), "block")

    assert [item.entry.handle for item in repository.list("T2")] == ["only_t2"]
    assert repository.count("T1") == 4
    assert repository.choices("T2").blocked == frozenset()
    with pytest.raises(UnknownCreatorError):
        repository.resolve("T2", "fit_br")


def test_list_filters_by_topic_synonym_country_and_platform(engine: Engine) -> None:
    repository = InfluencerRepository(engine)
    repository.upsert("T1", CATALOG)

    def handles(**filters: str) -> list[tuple[str, str]]:
        return [item.entry.key for item in repository.list("T1", **filters)]

    assert handles(topic="gym") == [("instagram", "fit_br"), ("instagram", "fit_us")]
    assert handles(country="Brazil") == [("instagram", "fit_br")]
    assert handles(country="usa", platform="YT") == [("youtube", "gamer_us")]
    assert handles(topic="video games", platform="tiktok") == [("tiktok", "gamer_us")]


def test_handles_resolve_case_and_at_insensitively_and_ambiguity_asks_for_the_platform(engine: Engine) -> None:
    repository = InfluencerRepository(engine)
    repository.upsert("T1", CATALOG)

    assert repository.resolve("T1", "@Fit_BR") == ("instagram", "fit_br")
    assert repository.resolve("T1", "gamer_us", "YouTube") == ("youtube", "gamer_us")
    with pytest.raises(AmbiguousHandleError, match="on tiktok, youtube; add --platform"):
        repository.resolve("T1", "gamer_us")
    with pytest.raises(UnknownCreatorError, match="No creator @nobody"):
        repository.resolve("T1", "nobody")


def test_pins_and_blocks_replace_each_other_and_can_be_undone(engine: Engine) -> None:
    repository = InfluencerRepository(engine)
    repository.upsert("T1", CATALOG)
    key = ("instagram", "fit_us")

    repository.set_choice("T1", key, "pin")
    assert repository.choices("T1").pinned == frozenset({key})
    repository.set_choice("T1", key, "block")
    assert repository.choices("T1").pinned == frozenset()
    assert repository.choices("T1").blocked == frozenset({key})
    assert repository.clear_choice("T1", key, "pin") is False
    assert repository.clear_choice("T1", key, "block") is True
    assert repository.choices("T1").blocked == frozenset()


def test_suggest_for_result_honours_blocks_and_records_with_the_run(engine: Engine) -> None:
    repository = InfluencerRepository(engine)
    repository.upsert("T1", CATALOG)
    repository.set_choice("T1", ("instagram", "fit_br"), "block")
    run = RunRepository(engine).add(NewRun("T1", "audience", "audience.csv", "f" * 64), TWO_SEGMENTS)

    found = suggest_for_result(engine, "T1", TWO_SEGMENTS, 2, run_id=run.id).suggestions

    assert [s.handle for s in found[0]] == ["fit_us"]
    assert found[1][0].handle == "gamer_us"
    stored = SuggestionRepository(engine).for_run("T1", run.id)
    assert {segment: [(s.platform, s.handle) for s in items] for segment, items in stored.items()} == {
        segment: [(s.platform, s.handle) for s in items] for segment, items in found.items() if items
    }
    assert stored[0][0].reasons == found[0][0].reasons
    assert SuggestionRepository(engine).for_run("T2", run.id) == {}


def test_an_empty_catalog_gives_empty_suggestions_and_records_nothing(engine: Engine) -> None:
    run = RunRepository(engine).add(NewRun("T1", "audience", "audience.csv", "f" * 64), TWO_SEGMENTS)

    assert suggest_for_result(engine, "T1", TWO_SEGMENTS, 3, run_id=run.id).suggestions == {0: (), 1: ()}
    assert SuggestionRepository(engine).for_run("T1", run.id) == {}


def test_a_failed_import_leaves_the_catalog_unchanged(engine: Engine) -> None:
    repository = InfluencerRepository(engine)
    repository.upsert("T1", CATALOG[:1])

    with pytest.raises(IntegrityError):  # the same creator twice in one import breaks the unique key
        repository.upsert("T1", [CATALOG[1], CATALOG[2], CATALOG[2]])

    assert [item.entry.handle for item in repository.list("T1")] == ["fit_br"]


def test_an_unknown_follower_count_is_stored_listed_last_and_never_blanks_a_known_one(engine: Engine) -> None:
    repository = InfluencerRepository(engine)
    unknown = replace(creator("unknown_reach", ("Music",), "US"), followers=None)
    repository.upsert("T1", [*CATALOG, unknown])

    listed = [item.entry for item in repository.list("T1")]
    assert listed[-1] == unknown
    assert [entry.followers for entry in listed[:-1]] == sorted((e.followers or 0 for e in CATALOG), reverse=True)

    repository.upsert("T1", [replace(CATALOG[0], followers=None, topics=("Yoga",))])
    stored = {item.entry.key: item.entry for item in repository.list("T1")}
    assert stored[("instagram", "fit_br")].followers == CATALOG[0].followers
    assert stored[("instagram", "fit_br")].topics == ("Yoga",)
