"""The demo audience: seeded, messy in the documented ways, and shipped exactly as the generator writes it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from segmentation import segment
from segmentation.countries import country_code
from segmentation.genders import gender_group
from segmentation.sample_audience import COLUMNS, PLANTED, planted_segments, sample_audience, sample_audience_csv

SHIPPED = Path(__file__).resolve().parents[2] / "bot" / "samples" / "sample_audience.csv"


def test_the_shipped_csv_is_the_generator_output() -> None:
    assert SHIPPED.read_text(encoding="utf-8") == sample_audience_csv(), (
        "bot/samples/sample_audience.csv is stale: run `python -m bot.samples.regenerate`"
    )
    assert SHIPPED.stat().st_size < 500_000


def test_the_same_seed_gives_the_same_audience_and_another_seed_another() -> None:
    first = sample_audience(seed=3, n_rows=400)
    pd.testing.assert_frame_equal(first, sample_audience(seed=3, n_rows=400))
    assert not first.equals(sample_audience(seed=4, n_rows=400))
    assert list(first.columns) == list(COLUMNS)
    assert len(first) == 400


def test_planted_segments_have_the_planted_sizes_and_traits() -> None:
    audience = sample_audience()
    planted = planted_segments()
    assert np.bincount(planted).tolist() == [round(p.share * 3000) for p in PLANTED]
    brazil = planted == [p.name for p in PLANTED].index("Brazil-based fitness fans")
    codes = audience.loc[brazil, "country"].map(lambda value: country_code(value) if value else None)
    assert (codes == "BR").mean() > 0.75
    assert audience.loc[brazil, "interests"].str.contains("fitness").mean() > 0.85
    older = planted == [p.name for p in PLANTED].index("Older newsletter readers")
    ages = pd.to_numeric(audience.loc[older, "age"], errors="coerce")
    assert ages.median() > 60
    assert (audience.loc[older, "newsletter_opt_in"] == "yes").mean() > 0.85


def test_the_file_is_as_messy_as_a_real_export() -> None:
    audience = sample_audience()
    assert {"US", "USA", "United States", "Brasil", "Brazil"} <= set(audience["country"])
    assert {"F", "female", "Woman", "M", "Man", "non-binary"} <= set(audience["gender"])
    assert {gender_group(value) for value in audience["gender"]} == {"female", "male", "other", None}
    assert audience["total_spend"].str.fullmatch(r"\$\d{1,3}(,\d{3})*\.\d\d").all()
    assert audience["last_purchase_date"].str.fullmatch(r"\d\d/\d\d/\d{4}|NA|n/a|").all()
    assert audience["signup_date"].str.fullmatch(r"\d{4}-\d\d-\d\d").all()
    assert audience["interests"].str.contains("|", regex=False).any()
    assert set(audience["newsletter_opt_in"]) == {"yes", "no"}
    assert {"", "NA"} <= set(audience["annual_income"])
    assert {"3", "106"} <= set(audience["age"])
    assert audience["customer_id"].is_unique and audience["email"].is_unique


def test_purchases_never_come_before_signup() -> None:
    audience = sample_audience(n_rows=500)
    purchased = pd.to_datetime(audience["last_purchase_date"], format="%d/%m/%Y", errors="coerce")
    signed_up = pd.to_datetime(audience["signup_date"], format="%Y-%m-%d")
    assert (purchased.dropna() >= signed_up[purchased.notna()]).all()


def _segment_of(result_labels: np.ndarray, planted: np.ndarray, name: str) -> int:
    """The found segment holding most of the rows of one planted segment."""
    members = planted == [p.name for p in PLANTED].index(name)
    return int(np.bincount(result_labels[members]).argmax())


def test_segmenting_the_sample_finds_the_planted_segments_with_recognisable_profiles() -> None:
    result = segment(SHIPPED.read_bytes(), seed=0)
    planted = planted_segments()
    assert adjusted_rand_score(planted, result.labels) > 0.9
    profiles = {p.name: result.segments[_segment_of(result.labels, planted, p.name)] for p in PLANTED}
    assert len({profile.id for profile in profiles.values()}) == len(PLANTED)

    brazil = profiles["Brazil-based fitness fans"]
    assert brazil.audience.countries[0][0] == "BR"
    assert brazil.audience.interests[0][0] == "fitness"
    assert brazil.name == "Brazil-based fitness fans"

    gamers = profiles["Young mobile gamers"]
    assert gamers.audience.interests[0][0] == "gaming"
    assert max(gamers.audience.age_bands, key=gamers.audience.age_bands.__getitem__) == "18-24"
    assert gamers.audience.gender["male"] > 0.6
    assert gamers.name == "Young mobile gamers"

    older = profiles["Older newsletter readers"]
    assert older.audience.age_bands["55-64"] + older.audience.age_bands["65+"] > 0.95
    assert older.name == "Older newsletter readers"

    assert profiles["High-income lapsed buyers"].name == "High-income lapsed buyers"
    assert "Frequent" in profiles["Loyal big spenders"].name
    assert all(profile.confidence_note is None for profile in profiles.values())
    # Ages 3, 0, 106 and 117 were planted: they count as unknown, like the blanks.
    assert 0.95 < result.audience.age_known < 0.99
