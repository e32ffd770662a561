"""Reading creator exports: canonical headers, values as people type them, rejected rows, real exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog.errors import UnusableCatalogError
from bot.catalog.reading import read_catalog
from segmentation.errors import UnreadableFileError

CANONICAL = (
    (
        b"platform,handle,followers,engagement_rate,topics,audience_country,"
        b"name,audience_age,audience_female_pct,avg_likes,avg_views,price\n"
    )
    + b"""Instagram,@FitAna,3.3k,1.39%,Fitness; Travel,Brasil,Ana,25-34,62%,120,,150
tiktok,gamer_joe,475.8m,0.0139,Video games|Tech,USA,Joe,18-24,0.3,,"1,200,000",
youtube,chef.lu,"1,200,000",2.5%,"Food & Cooking, Family",united states,,35-44,55,,,
"""
)


def test_canonical_headers_and_values_as_people_type_them() -> None:
    reading = read_catalog(CANONICAL)

    assert reading.rejected == ()
    ana, joe, lu = reading.entries
    assert (ana.platform, ana.handle, ana.name) == ("instagram", "fitana", "Ana")
    assert ana.followers == 3_300
    assert ana.engagement_rate == pytest.approx(0.0139)
    assert ana.topics == ("Fitness", "Travel")
    assert (ana.audience_country, ana.audience_age, ana.audience_female_pct) == ("BR", "25-34", 62)
    assert (ana.avg_likes, ana.price) == (120, 150)
    assert joe.followers == 475_800_000
    assert joe.engagement_rate == pytest.approx(0.0139)
    assert joe.topics == ("Video games", "Tech")
    assert (joe.audience_country, joe.audience_female_pct, joe.avg_views) == ("US", 30, 1_200_000)
    assert lu.followers == 1_200_000
    assert lu.engagement_rate == pytest.approx(0.025)
    assert lu.topics == ("Food & Cooking", "Family")
    assert lu.audience_country == "US"


def test_a_column_of_plain_numbers_above_one_holds_percentages() -> None:
    data = b"handle,followers,engagement_rate\na,1000,1.39\nb,1000,0.8\nc,1000,12\n"
    rates = [entry.engagement_rate for entry in read_catalog(data, platform="instagram").entries]
    assert rates == pytest.approx([0.0139, 0.008, 0.12])


def test_each_bad_row_is_rejected_with_its_row_number_and_reason() -> None:
    data = (
        b"""platform,handle,followers,engagement_rate,topics,audience_country,audience_age,audience_female_pct
instagram,good,10k,2%,Music,US,,
instagram,,10k,2%,Music,US,,
instagram,nofollowers,,2%,Music,US,,
instagram,wordy,lots,2%,Music,US,,
instagram,atlantis,10k,2%,Music,Atlantis,,
instagram,badage,10k,2%,Music,US,young,
instagram,badfemale,10k,2%,Music,US,,140%
instagram,badrate,10k,high,Music,US,,
,noplatform,10k,2%,Music,US,,
instagram,GOOD,20k,2%,Music,US,,
instagram,"""
        + b"x" * 256
        + b""",10k,2%,Music,US,,
"""
    )
    reading = read_catalog(data)

    # A blank follower count is unknown, not an error: the creator is imported without one.
    assert [(entry.handle, entry.followers) for entry in reading.entries] == [("good", 10_000), ("nofollowers", None)]
    assert [(r.row, r.reason) for r in reading.rejected] == [
        (3, "no handle"),
        (5, "followers 'lots' is not a number"),
        (6, "audience country 'Atlantis' is not a country"),
        (7, "audience age 'young' is not an age band like 18-24"),
        (8, "audience female share '140%' is not between 0% and 100%"),
        (9, "engagement rate 'high' is not a number"),
        (10, "no platform (fill the platform cell or pass --platform)"),
        (11, "repeats @good on instagram from row 2; the first one was kept"),
        (12, "handle is longer than 255 characters"),
    ]
    assert reading.rows == 11


def test_platform_comes_from_the_option_the_headers_or_the_file_name() -> None:
    data = b"handle,followers\nana,1000\n"
    assert read_catalog(data, platform="IG").entries[0].platform == "instagram"
    assert read_catalog(data, source_name="tiktok creators.csv").entries[0].platform == "tiktok"
    with_hint = b"youtuber name,Subscribers\nana,1000\n"
    assert read_catalog(with_hint).entries[0].platform == "youtube"


def test_files_that_cannot_be_catalogs_say_what_to_do() -> None:
    with pytest.raises(UnusableCatalogError, match="no followers column"):
        read_catalog(b"handle,topics\nana,fitness\nbo,music\n", platform="instagram")
    with pytest.raises(UnusableCatalogError, match="pass --platform"):
        read_catalog(b"handle,followers\nana,1000\n")
    with pytest.raises(UnreadableFileError):
        read_catalog(b"")


def test_engagement_is_derived_from_average_interactions_when_no_rate_is_given() -> None:
    data = b"handle,followers,avg likes,avg comments\nana,100000,1900,100\n"
    entry = read_catalog(data, platform="youtube").entries[0]
    assert entry.engagement_rate == pytest.approx(0.02)
    assert entry.avg_likes == 1900


SOCIAL_2022 = [
    ("social media influencers - instagram.csv", "instagram", 997, 3),
    ("social media influencers - tiktok.csv", "tiktok", 987, 13),
    ("social media influencers - youtube.csv", "youtube", 998, 2),
    ("social media influencers-INSTAGRAM - -DEC 2022.csv", "instagram", 991, 9),
    ("social media influencers-TIKTOK - ---DEC 2022.csv", "tiktok", 999, 1),
    ("social media influencers-YOUTUBE - --DEC 2022.csv", "youtube", 999, 4),
]


@pytest.mark.shared_data
@pytest.mark.parametrize(("file_name", "platform", "kept", "repeats"), SOCIAL_2022)
def test_every_social_media_influencers_2022_file_is_read_by_its_headers(
    shared_datasets: Path, file_name: str, platform: str, kept: int, repeats: int
) -> None:
    path = shared_datasets / "social_media_influencers_2022" / file_name
    reading = read_catalog(path.read_bytes(), source_name=path.name)

    assert len(reading.entries) == kept
    assert len(reading.rejected) == repeats
    assert all(r.reason.startswith("repeats @") for r in reading.rejected)
    assert {entry.platform for entry in reading.entries} == {platform}
    assert all(entry.followers > 0 for entry in reading.entries)
    with_rate = [entry for entry in reading.entries if entry.engagement_rate is not None]
    assert len(with_rate) > 0.9 * kept


@pytest.mark.shared_data
def test_instagram_2022_columns_land_in_the_right_fields(shared_datasets: Path) -> None:
    path = shared_datasets / "social_media_influencers_2022" / "social media influencers-INSTAGRAM - -DEC 2022.csv"
    messi = read_catalog(path.read_bytes(), source_name=path.name).entries[0]

    assert (messi.handle, messi.name) == ("leomessi", "Leo Messi")
    assert messi.followers == 409_800_000
    assert messi.topics == ("Sports with a ball", "Family")
    assert messi.audience_country == "AR"
    assert messi.engagement_rate == pytest.approx(23_400_000 / 409_800_000)


@pytest.mark.shared_data
def test_youtube_files_use_the_channel_as_handle_in_either_layout(shared_datasets: Path) -> None:
    folder = shared_datasets / "social_media_influencers_2022"
    early = read_catalog((folder / "social media influencers - youtube.csv").read_bytes(), source_name="youtube")
    late = read_catalog((folder / "social media influencers-YOUTUBE - --DEC 2022.csv").read_bytes())

    assert (early.entries[0].handle, early.entries[0].name) == ("tseries", "T-Series")
    assert (late.entries[0].handle, late.entries[0].name) == ("tseries", "T-Series")
    assert late.entries[0].topics == ("Music & Dance",)
    assert late.entries[3].topics == ("Video games", "Humor")


@pytest.mark.shared_data
def test_top_instagram_influencers_with_suffixes_percentages_and_mojibake(shared_datasets: Path) -> None:
    path = shared_datasets / "top_instagram_influencers" / "top_insta_influencers_data.csv"
    reading = read_catalog(path.read_bytes(), source_name=path.name)

    assert len(reading.entries) == 200
    assert reading.rejected == ()
    by_handle = {entry.handle: entry for entry in reading.entries}
    cristiano = by_handle["cristiano"]
    assert (cristiano.platform, cristiano.followers, cristiano.audience_country) == ("instagram", 475_800_000, "ES")
    assert cristiano.engagement_rate == pytest.approx(0.0139)
    assert by_handle["rkive"].engagement_rate is None  # "NaN%" in the file
    assert by_handle["hrithikroshan"].audience_country == "CI"  # "CÃ´te d'Ivoire"
    assert sum(entry.audience_country is None for entry in reading.entries) == 62


def test_rejected_rows_count_the_report_lines_above_the_header() -> None:
    # A tool export with a title line and a blank line above the header: the header is spreadsheet row 3.
    data = (
        "Report generated 2026-12-01\n\nUsername;Platform;Followers\n"
        "@mia.cooks;TikTok;12500\nbo;TikTok;lots\nhttps://www.tiktok.com/@MIA.COOKS;TikTok;13000\n"
    ).encode("utf-16")

    reading = read_catalog(data)

    assert [(rejected.row, rejected.reason.split(":")[0]) for rejected in reading.rejected] == [
        (5, reading.rejected[0].reason.split(":")[0]),
        (6, "repeats @mia.cooks on tiktok from row 4; the first one was kept"),
    ]
