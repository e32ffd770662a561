"""The shipped synthetic sample catalog: what the generator writes, readable, varied, with suspicious accounts."""

from __future__ import annotations

from collections import Counter

from bot.catalog.reading import read_catalog
from bot.catalog.sample_catalog import SAMPLE_PATH, SAMPLE_SIZE, sample_catalog
from bot.catalog.writing import catalog_csv
from segmentation.catalog_index import build_catalog_index
from segmentation.topics import interest_keys


def test_the_shipped_csv_is_the_generator_output() -> None:
    assert SAMPLE_PATH.read_text(encoding="utf-8") == catalog_csv(sample_catalog())


def test_the_sample_reads_back_to_the_same_creators() -> None:
    reading = read_catalog(SAMPLE_PATH.read_bytes(), source_name=SAMPLE_PATH.name)

    assert reading.rejected == ()
    assert reading.entries == tuple(sample_catalog())


def test_the_sample_covers_the_demo_audience_and_has_suspicious_accounts() -> None:
    entries = sample_catalog()
    interests = Counter(key for entry in entries for topic in entry.topics for key in interest_keys(topic))

    assert len(entries) == SAMPLE_SIZE
    assert len({entry.key for entry in entries}) == SAMPLE_SIZE
    assert {
        "fitness",
        "travel",
        "gaming",
        "tech",
        "beauty",
        "cooking",
        "finance",
        "parenting",
        "fashion",
        "music",
        "sports",
        "movies",
        "news",
        "books",
        "home",
        "wine",
    } <= set(interests)
    assert {"US", "BR", "GB", "DE", "FR", "MX", "CA"} <= {entry.audience_country for entry in entries}
    assert {entry.platform for entry in entries} == {"instagram", "tiktok", "youtube"}
    flagged = int((build_catalog_index(entries).flags > 0).sum())
    assert 0.08 * SAMPLE_SIZE <= flagged <= 0.2 * SAMPLE_SIZE


def test_the_same_seed_gives_the_same_catalog_and_another_seed_another() -> None:
    assert sample_catalog(seed=3, size=50) == sample_catalog(seed=3, size=50)
    assert sample_catalog(seed=3, size=50) != sample_catalog(seed=4, size=50)
