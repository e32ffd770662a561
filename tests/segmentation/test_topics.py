"""The topic vocabulary: creator categories and customer interests land on the same interest words."""

from __future__ import annotations

import pytest

from segmentation.age_bands import age_band
from segmentation.topics import interest_keys, split_topics


@pytest.mark.parametrize(
    ("topic", "interest"),
    [
        ("Sports with a ball", "sports"),
        ("soccer", "sports"),
        ("Health & Fitness", "fitness"),
        ("Fitness & Gym", "fitness"),
        ("gym", "fitness"),
        ("Cinema & Actors/actresses", "movies"),
        ("Video games", "gaming"),
        ("Science & Technology", "tech"),
        ("Food & Drinks", "cooking"),
        ("Finance & Economics", "finance"),
        ("Kids & Toys", "parenting"),
        ("Music & Dance", "music"),
        ("Humor & Fun & Happiness", "humor"),
        ("Clothing & Outfits", "fashion"),
        ("Home & Garden", "home"),
    ],
)
def test_categories_map_to_interest_words(topic: str, interest: str) -> None:
    assert interest_keys(topic) == frozenset({interest})


def test_unknown_topics_stand_for_themselves_and_blank_for_nothing() -> None:
    assert interest_keys("Knitting Circles") == frozenset({"knitting circles"})
    assert interest_keys("  ") == frozenset()


def test_compound_categories_keep_every_interest_they_name() -> None:
    assert interest_keys("Beauty & Fashion") == frozenset({"beauty", "fashion"})


@pytest.mark.parametrize("cell", ["fitness; travel", "fitness|travel", "fitness, travel", "fitness|travel|Fitness"])
def test_topic_cells_split_on_any_separator(cell: str) -> None:
    assert split_topics(cell) == ("fitness", "travel")


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("18-24", "18-24"),
        ("18–24", "18-24"),
        ("18 to 24", "18-24"),
        ("65+", "65+"),
        ("25-35", "25-34"),
        ("13-17", "13-17"),
        ("40", "35-44"),
    ],
)
def test_age_bands_as_tools_write_them(text: str, band: str) -> None:
    assert age_band(text) == band


@pytest.mark.parametrize("text", ["young", "24-18", "1-2-3", ""])
def test_things_that_are_not_age_bands(text: str) -> None:
    assert age_band(text) is None
