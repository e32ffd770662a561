"""A corpus of creator exports in the shapes agencies, creator tools and ranking sites write (tests/catalog/exports).

Each file is imported as a user would, and checked column by column (what each header was read as, or that it
was ignored) and cell by cell on a sample of rows (every field of the entry).
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from bot.catalog.mapping import parse_mapping
from bot.catalog.reading import CatalogReading, read_catalog
from segmentation.catalog_index import CatalogEntry

EXPORTS = Path(__file__).parent / "exports"
IGNORED = None


def _read(name: str, *maps: str) -> CatalogReading:
    path = EXPORTS / name
    return read_catalog(path.read_bytes(), source_name=path.name, mapping=parse_mapping(maps))


def _fields(reading: CatalogReading) -> dict[str, str | None]:
    return {use.column: use.field for use in reading.uses}


def _assert_entry(reading: CatalogReading, expected: CatalogEntry) -> None:
    found = {entry.key: entry for entry in reading.entries}[expected.key]
    actual, wanted = asdict(found), asdict(expected)
    for field, value in wanted.items():
        assert actual[field] == (pytest.approx(value) if isinstance(value, float) else value), (expected.key, field)


def _entry(platform: str, handle: str, **fields: Any) -> CatalogEntry:
    return CatalogEntry(platform=platform, handle=handle, **fields)


def test_agency_instagram_sheet_with_units_percent_headers_and_dashes() -> None:
    reading = _read("01_agency_instagram.csv")
    assert _fields(reading) == {
        "Name": "name",
        "Instagram Handle": "handle",
        "Followers (K)": "followers",
        "ER %": "engagement_rate",
        "Top Audience Country": "audience_country",
        "Category": "topics",
        "Top Audience Age": "audience_age",
        "% Female Audience": "audience_female_pct",
    }
    assert reading.rejected == ()
    _assert_entry(
        reading,
        _entry(
            "instagram",
            "ana.fit",
            name="Ana Lima",
            followers=1_250_000,
            engagement_rate=0.021,
            topics=("Fitness",),
            audience_country="BR",
            audience_age="25-34",
            audience_female_pct=62.0,
        ),
    )
    _assert_entry(
        reading,
        _entry(
            "instagram",
            "joe_games",
            name="Joe Park",
            followers=480_000,
            engagement_rate=0.008,
            topics=("Gaming",),
            audience_country="US",
            audience_age="18-24",
        ),
    )
    _assert_entry(
        reading,
        _entry(
            "instagram",
            "lu.cooks",
            name="Lu Chen",
            followers=35_500,
            topics=("Food & Drinks",),
            audience_country="US",
            audience_age="35-44",
        ),
    )
    # 0.03 under `ER %` is 0.03%, the implausible rate of the 4.1M account.
    _assert_entry(
        reading,
        _entry(
            "instagram",
            "miastyle",
            name="Mia Rossi",
            followers=4_100_000,
            engagement_rate=0.0003,
            topics=("Fashion",),
            audience_country="IT",
            audience_female_pct=81.0,
        ),
    )


def test_german_tiktok_tool_with_dot_thousands_decimal_commas_and_top_gender() -> None:
    reading = _read("02_tiktok_tool_de.csv")
    assert _fields(reading) == {
        "TikTok username": "handle",
        "Followers": "followers",
        "Eng. rate": "engagement_rate",
        "Audience location": "audience_country",
        "Niche": "topics",
        "Top Audience Gender": "audience_gender",
    }
    assert reading.rejected == ()
    _assert_entry(
        reading,
        _entry(
            "tiktok",
            "berlin.beats",
            followers=1_250_000,
            engagement_rate=0.045,
            topics=("Music",),
            audience_country="DE",
            audience_female_pct=64.0,
        ),
    )
    _assert_entry(
        reading,
        _entry(
            "tiktok",
            "kochen_mit_lea",
            followers=98_400,
            engagement_rate=0.0725,
            topics=("Kochen", "Rezepte"),
            audience_country="AT",
            audience_female_pct=71.0,
        ),
    )
    _assert_entry(
        reading,
        _entry(
            "tiktok",
            "fussball.max",
            followers=2_400_000,
            topics=("Sports",),
            audience_country="DE",
            audience_female_pct=20.0,
        ),
    )
    # `Female` without a share says only which gender is the majority: unknown, not guessed.
    _assert_entry(reading, _entry("tiktok", "quiet.one", followers=12_000))


def test_youtube_channel_links_with_subscribers_in_millions_and_engagement_from_likes_and_comments() -> None:
    reading = _read("03_youtube_channels.tsv")
    assert _fields(reading) == {
        "YouTube channel": "handle",
        "Subscribers (M)": "followers",
        "Avg. views": "avg_views",
        "Avg. likes": "avg_likes",
        "Avg. comments": "avg_comments",
        "Vertical": "topics",
        "Audience location": "audience_country",
    }
    _assert_entry(
        reading,
        _entry(
            "youtube",
            "cheflu",
            followers=1_200_000,
            engagement_rate=(12_400 + 850) / 1_200_000,
            topics=("Food & Cooking",),
            audience_country="US",
            avg_likes=12_400.0,
            avg_views=310_000.0,
        ),
    )
    _assert_entry(
        reading,
        _entry(
            "youtube",
            "techbyte",
            followers=450_000,
            engagement_rate=3_100 / 450_000,
            topics=("Science & Technology",),
            audience_country="IN",
            avg_likes=3_100.0,
            avg_views=88_000.0,
        ),
    )
    _assert_entry(
        reading,
        _entry(
            "youtube",
            "gardengrandma",
            followers=80_000,
            topics=("Home & Garden",),
            audience_country="GB",
            avg_views=9_500.0,
        ),
    )


def test_ranking_site_instagram_with_two_categories_and_engagements_per_post() -> None:
    reading = _read("04_ranking_instagram_2022.csv")
    assert _fields(reading) == {
        "Rank": IGNORED,
        "Influencer insta name": "handle",
        "instagram name": "name",
        "Category_1": "topics",
        "Category_2": "topics",
        "followers": "followers",
        "country": "audience_country",
        "Eng. (Auth.)": IGNORED,
        "Eng. (Avg.)": "engagements",
    }
    _assert_entry(
        reading,
        _entry(
            "instagram",
            "kyliejenner",
            name="Kylie 🤍",
            followers=375_900_000,
            engagement_rate=5.6e6 / 375.9e6,
            topics=("Fashion", "Modeling"),
            audience_country="US",
        ),
    )
    _assert_entry(
        reading,
        _entry(
            "instagram",
            "leomessi",
            name="Leo Messi",
            followers=373_700_000,
            engagement_rate=5.1e6 / 373.7e6,
            topics=("Sports with a ball", "Family"),
            audience_country="AR",
        ),
    )


def test_top_instagram_table_with_suffixed_numbers_a_bom_and_crlf() -> None:
    reading = _read("05_top_instagram.csv")
    read = {column for column, field in _fields(reading).items() if field}
    assert read == {"channel_info", "followers", "avg_likes", "60_day_eng_rate", "country"}
    _assert_entry(
        reading,
        _entry(
            "instagram",
            "kyliejenner",
            followers=366_200_000,
            engagement_rate=0.0162,
            audience_country="US",
            avg_likes=8_300_000.0,
        ),
    )
    _assert_entry(
        reading,
        _entry(
            "instagram",
            "leomessi",
            followers=357_300_000,
            engagement_rate=0.0124,
            avg_likes=6_800_000.0,
        ),
    )


def test_global_youtube_statistics_with_nan_cells() -> None:
    reading = _read("06_global_youtube.csv")
    fields = _fields(reading)
    assert (fields["Youtuber"], fields["subscribers"], fields["category"], fields["Title"]) == (
        "handle",
        "followers",
        "topics",
        "name",
    )
    assert fields["Country"] == "audience_country"
    assert fields["channel_type"] is IGNORED and fields["video views"] is IGNORED
    _assert_entry(
        reading,
        _entry(
            "youtube",
            "t-series",
            name="T-Series",
            followers=245_000_000,
            topics=("Music",),
            audience_country="IN",
        ),
    )
    _assert_entry(reading, _entry("youtube", "music", name="Music", followers=119_000_000))


def test_agency_roster_with_profile_links_platform_codes_and_notes() -> None:
    reading = _read("07_agency_roster.csv")
    fields = _fields(reading)
    assert fields == {
        "Creator": "name",
        "Platform": "platform",
        "Profile URL": "handle",
        "Audience Size": "followers",
        "Engagement Rate": "engagement_rate",
        "Content Category": "topics",
        "Main Audience Country": "audience_country",
        "Audience Age Group": "audience_age",
        "Female Audience %": "audience_female_pct",
        "Rate Card (USD)": "price",
        "Notes": IGNORED,
    }
    _assert_entry(
        reading,
        _entry(
            "instagram",
            "sunny.wander",
            name="Sunny Wander",
            followers=212_000,
            engagement_rate=0.032,
            topics=("Travel", "Adventure travel"),
            audience_country="CA",
            audience_age="25-34",
            audience_female_pct=58.0,
            price=2_400.0,
        ),
    )
    _assert_entry(
        reading,
        _entry(
            "tiktok",
            "pixelquest",
            name="Pixel Quest",
            followers=1_900_000,
            engagement_rate=0.098,
            topics=("Video games",),
            audience_country="GB",
            audience_age="13-17",
            audience_female_pct=22.0,
            price=6_000.0,
        ),
    )
    _assert_entry(
        reading,
        _entry(
            "youtube",
            "moneymae",
            name="Money Mae",
            followers=640_000,
            engagement_rate=0.011,
            topics=("Personal finance",),
            audience_country="US",
            audience_age="35-44",
            audience_female_pct=41.0,
        ),
    )


def test_followers_in_millions_written_in_words_and_rates_as_fractions() -> None:
    reading = _read("08_followers_in_millions.csv")
    assert _fields(reading) == {
        "Influencer": "name",
        "IG username": "handle",
        "Followers in millions": "followers",
        "Eng. rate": "engagement_rate",
        "Country": "audience_country",
        "Topics": "topics",
        "Audience Age Range": "audience_age",
    }
    _assert_entry(
        reading,
        _entry(
            "instagram",
            "dailyglow",
            name="Daily Glow",
            followers=2_350_000,
            engagement_rate=0.021,
            topics=("Beauty", "Skincare"),
            audience_country="FR",
            audience_age="18-24",
        ),
    )
    _assert_entry(
        reading,
        _entry(
            "instagram",
            "big_lift",
            name="Big Lift",
            followers=1_250_000,
            engagement_rate=0.012,
            topics=("Fitness",),
            audience_country="BR",
            audience_age="25-34",
        ),
    )


def test_avg_engagement_written_in_percent_is_the_rate() -> None:
    reading = _read("09_tiktok_avg_engagement.csv")
    assert _fields(reading)["Avg. engagement"] == "engagements"
    assert "engagement rate (the cells are percentages)" in [use.note for use in reading.uses]
    _assert_entry(
        reading,
        _entry(
            "tiktok",
            "little.bake",
            name="Little Bake",
            followers=845_200,
            engagement_rate=0.072,
            topics=("Recipes",),
            audience_country="MX",
            audience_age="25-34",
        ),
    )
    _assert_entry(
        reading,
        _entry(
            "tiktok",
            "just.reads",
            name="Just Reads",
            followers=56_000,
            topics=("BookTok",),
            audience_country="CA",
            audience_age="55-64",
        ),
    )


def test_audience_columns_written_with_their_shares() -> None:
    reading = _read("10_audience_shares.csv")
    assert _fields(reading) == {
        "Username": "handle",
        "Platform": "platform",
        "Followers count": "followers",
        "ER": "engagement_rate",
        "Niche": "topics",
        "Audience Country (%)": "audience_country",
        "Audience Age (%)": "audience_age",
        "Audience Gender": "audience_gender",
    }
    _assert_entry(
        reading,
        _entry(
            "instagram",
            "mama.kids",
            followers=310_000,
            engagement_rate=0.028,
            topics=("Parenting",),
            audience_country="US",
            audience_age="25-34",
            audience_female_pct=83.0,
        ),
    )
    _assert_entry(
        reading,
        _entry(
            "youtube",
            "the.newsbrief",
            followers=1_100_000,
            engagement_rate=0.004,
            topics=("News & Politics",),
            audience_country="GB",
            audience_age="45-54",
            audience_female_pct=45.0,
        ),
    )


def test_dutch_sheet_with_dot_thousands_under_a_thousands_header_and_map_for_a_local_header() -> None:
    recognised = _read("11_dutch_instagram.csv")
    assert _fields(recognised)["Categorie"] is IGNORED and _fields(recognised)["Land"] is IGNORED
    reading = _read("11_dutch_instagram.csv", "topics=Categorie")
    assert _fields(reading) == {
        "Instagram username": "handle",
        "Followers (K)": "followers",
        "ER %": "engagement_rate",
        "Land": IGNORED,
        "Categorie": "topics",
        "Top Audience Country": "audience_country",
    }
    _assert_entry(
        reading,
        _entry(
            "instagram",
            "mode.lotte",
            followers=1_250_000,
            engagement_rate=0.025,
            topics=("Fashion",),
            audience_country="NL",
        ),
    )
    _assert_entry(
        reading,
        _entry(
            "instagram",
            "chef.jan",
            followers=2_075_500,
            engagement_rate=0.018,
            topics=("Food & Drinks",),
            audience_country="BE",
        ),
    )


def test_french_sheet_with_space_thousands_read_after_mapping_its_handle_column() -> None:
    reading = _read("12_french_youtube.csv", 'handle="Chaîne YouTube"')
    assert _fields(reading)["Chaîne YouTube"] == "handle"
    assert "handle (set with --map)" in [use.note for use in reading.uses]
    _assert_entry(
        reading,
        _entry(
            "youtube",
            "cuisinedemarie",
            followers=1_250_000,
            engagement_rate=0.034,
            topics=("Cuisine",),
            audience_country="FR",
            audience_age="35-44",
            audience_female_pct=72.0,
        ),
    )
    _assert_entry(
        reading,
        _entry(
            "youtube",
            "velopaul",
            followers=86_500,
            engagement_rate=0.0575,
            topics=("Cyclisme",),
            audience_country="BE",
            audience_age="25-34",
            audience_female_pct=18.0,
        ),
    )
    _assert_entry(
        reading,
        _entry(
            "youtube",
            "petitgeek",
            followers=12_400_000,
            engagement_rate=0.009,
            topics=("Tech",),
            audience_country="CA",
            audience_age="18-24",
        ),
    )


def test_a_follower_count_written_as_n_a_or_a_dash_is_unknown_and_survives_export_and_matching() -> None:
    from bot.catalog.writing import catalog_csv
    from segmentation.catalog_index import build_catalog_index
    from segmentation.match_text import flag_texts

    reading = _read("01_agency_instagram.csv")
    data = b"handle,followers,topics\nana,n/a,Fitness\nbo,-,Music\ncy,\xe2\x80\x94,Travel\ndi,12k,Travel\n"
    blanks = read_catalog(data, platform="tiktok")

    assert reading.rejected == () and blanks.rejected == ()
    assert [entry.followers for entry in blanks.entries] == [None, None, None, 12_000]
    assert read_catalog(catalog_csv(blanks.entries).encode()).entries == blanks.entries
    index = build_catalog_index(blanks.entries)
    assert flag_texts(int(index.flags[0]), float(index.followers[0]), float(index.engagement[0]), "tiktok") == (
        "no engagement data, so bought followers cannot be ruled out",
        "no audience country data, so where its audience lives is unknown",
        "no follower count, so reach and engagement cannot be judged",
    )
