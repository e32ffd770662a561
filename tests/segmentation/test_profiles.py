"""Segment profiles on hand-built tables: effect sizes, lifts, ranking, audience mix, confidence notes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from segmentation.effects import strength
from segmentation.prepared import PreparedColumn, PreparedTable
from segmentation.profiles import ABSENCE_DISCOUNT, confidence_note, profile_segments
from tests.segmentation.prepared_tables import boolean, categorical, multilabel, numeric, table

LABELS = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 1])


def _feature(profile_features: tuple, column: str, value: str | None = None):  # type: ignore[no-untyped-def]
    return next(f for f in profile_features if f.column == column and (value is None or f.value == value))


def test_numeric_effect_is_the_standardized_difference_of_means_with_medians_shown() -> None:
    spend = np.array([10, 12, 11, 13, 9, 10, 100, 120, 80, 300], dtype=float)
    profiles = profile_segments(table(numeric("total_spend", spend)), LABELS, {0: 0.9, 1: 0.8})
    big = _feature(profiles[1].features, "total_spend")
    assert big.kind == "numeric"
    assert big.effect == pytest.approx((spend[6:].mean() - spend.mean()) / spend.std())
    assert big.segment_value == pytest.approx(np.median(spend[6:]))
    assert big.overall_value == pytest.approx(np.median(spend))
    assert _feature(profiles[0].features, "total_spend").effect < 0


def test_missing_numbers_are_left_out_of_means_and_medians() -> None:
    values = np.array([1, 2, np.nan, 1, 2, 1, 9, 8, np.nan, 9], dtype=float)
    profiles = profile_segments(table(numeric("orders", values)), LABELS, {})
    known = values[~np.isnan(values)]
    effect = _feature(profiles[1].features, "orders")
    assert effect.effect == pytest.approx((np.nanmean(values[6:]) - known.mean()) / known.std())
    assert effect.segment_value == pytest.approx(np.nanmedian(values[6:]))


def test_category_effect_is_the_lift_of_the_share_in_the_segment() -> None:
    device = ["desktop"] * 5 + ["mobile"] + ["mobile"] * 4
    profiles = profile_segments(table(categorical("device", device)), LABELS, {})
    mobile = _feature(profiles[1].features, "device")
    assert (mobile.kind, mobile.value, mobile.label) == ("category", "mobile", "device: mobile")
    assert mobile.segment_value == 1.0
    assert mobile.overall_value == pytest.approx(0.5)
    assert mobile.effect == pytest.approx(2.0)
    assert _feature(profiles[0].features, "device").value == "desktop"


def test_countries_are_compared_as_countries_whatever_the_spelling() -> None:
    country = ["US", "USA", "United States", "US", "usa", "Brazil", "Brasil", "BR", "Brazil", "brasil"]
    profiles = profile_segments(table(categorical("country", country, semantic="country")), LABELS, {})
    brazil = _feature(profiles[1].features, "country")
    assert brazil.value == "Brazil"
    assert (brazil.segment_value, brazil.overall_value) == (1.0, 0.5)
    assert profiles[1].audience.countries == (("BR", 1.0),)


def test_label_effect_is_the_lift_of_the_share_among_known_rows() -> None:
    cells = ["travel", "", "travel", None, "", "music", "fitness", "fitness|travel", "fitness", "fitness"]
    profiles = profile_segments(table(multilabel("interests", cells)), LABELS, {})
    fitness = _feature(profiles[1].features, "interests", "fitness")
    assert fitness.kind == "label"
    assert fitness.segment_value == 1.0
    assert fitness.overall_value == pytest.approx(4 / 9)
    assert fitness.effect == pytest.approx(9 / 4)


def test_a_boolean_shows_the_answer_the_segment_leans_to() -> None:
    opt_in = [0, 0, 0, 0, 1, 0, 1, 1, 1, 1]
    profiles = profile_segments(table(boolean("newsletter_opt_in", opt_in)), LABELS, {})
    yes = _feature(profiles[1].features, "newsletter_opt_in")
    assert (yes.value, yes.segment_value, yes.overall_value) == ("yes", 1.0, 0.5)
    assert _feature(profiles[0].features, "newsletter_opt_in").value == "no"


def test_strength_puts_numbers_and_shares_on_one_scale() -> None:
    profiles = profile_segments(table(categorical("device", ["a"] * 6 + ["b"] * 4)), LABELS, {})
    b = _feature(profiles[1].features, "device")
    # The share of "b" is an indicator variable: its standardized mean difference.
    indicator = np.array([0] * 6 + [1] * 4, dtype=float)
    assert strength(b) == pytest.approx((indicator[6:].mean() - indicator.mean()) / indicator.std())


def _planted(n: int = 600, seed: int = 1) -> tuple[PreparedTable, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = np.repeat([0, 1, 2], [300, 200, 100])
    prepared = table(
        numeric("age", np.where(labels == 0, rng.normal(22, 3, n), rng.normal(50, 8, n)), semantic="age"),
        numeric("noise", rng.normal(0, 1, n)),
        numeric("total_spend", np.where(labels == 2, rng.lognormal(8, 0.3, n), rng.lognormal(5, 0.5, n))),
        categorical("device", np.where(labels == 0, "mobile", rng.choice(["desktop", "mobile"], n)).tolist()),
        multilabel("interests", np.where(labels == 0, "gaming", rng.choice(["news", "travel", ""], n)).tolist()),
        categorical("id_like", [f"x{i}" for i in range(n)]),
    )
    return prepared, labels


def test_features_are_ranked_by_strength_capped_and_one_per_column() -> None:
    prepared, labels = _planted()
    profiles = profile_segments(prepared, labels, {0: 0.9, 1: 0.9, 2: 0.9})
    for profile in profiles:
        # An under-represented value ranks a little lower than an over-represented one of the same strength.
        ranks = [
            strength(f) * (ABSENCE_DISCOUNT if f.kind != "numeric" and f.effect < 1 else 1) for f in profile.features
        ]
        assert ranks == sorted(ranks, reverse=True)
        assert 1 <= len(profile.features) <= 6
        single = [f.column for f in profile.features if f.kind != "label"]
        assert len(single) == len(set(single))
        assert "noise" not in single
    assert profiles[0].features[0].column in {"age", "interests"}
    assert profiles[2].features[0].column == "total_spend"


def test_profiles_carry_size_share_stability_and_their_audience() -> None:
    prepared, labels = _planted()
    profiles = profile_segments(prepared, labels, {0: 0.95, 1: 0.7, 2: 0.4})
    assert [p.id for p in profiles] == [0, 1, 2]
    assert [p.size for p in profiles] == [300, 200, 100]
    assert [p.share for p in profiles] == pytest.approx([0.5, 1 / 3, 1 / 6])
    assert [p.stability for p in profiles] == [0.95, 0.7, 0.4]
    assert profiles[0].audience.interests[0] == ("gaming", 1.0)
    assert profiles[0].audience.age_bands["18-24"] > 0.5
    assert profiles[0].confidence_note is None
    note = profiles[2].confidence_note
    assert note is not None and "Unstable segment (stability 0.40)" in note
    assert len({p.name for p in profiles}) == 3


@pytest.mark.parametrize(
    ("size", "rows", "stability", "note"),
    [
        (18, 1000, 0.9, "Small segment (18 people): treat its profile as a hint."),
        (1, 1000, 0.9, "Small segment (1 person): treat its profile as a hint."),
        (150, 10_000, 0.9, "Small segment (150 people, 1.5% of the audience): treat its profile as a hint."),
        (
            500,
            1000,
            0.45,
            "Unstable segment (stability 0.45): it changes when the data is resampled, "
            "so check it before acting on it.",
        ),
        (500, 1000, 0.6, None),
        (30, 1000, 0.9, None),
    ],
)
def test_confidence_notes(size: int, rows: int, stability: float, note: str | None) -> None:
    assert confidence_note(size, rows, stability) == note


def test_a_small_unstable_segment_gets_both_notes() -> None:
    note = confidence_note(12, 5000, 0.3)
    assert note is not None and note.startswith("Small segment (12 people)") and "Unstable segment" in note


def test_columns_not_used_for_clustering_do_not_appear_as_features() -> None:
    spend = [1, 1, 1, 1, 1, 1, 9, 9, 9, 9]
    prepared = table(numeric("total_spend", spend), numeric("ignored", spend, used=False))
    profiles = profile_segments(prepared, LABELS, {})
    assert {f.column for p in profiles for f in p.features} == {"total_spend"}


def test_a_large_table_with_many_categories_is_profiled() -> None:
    # Speed is measured in `make bench` (bench_speed, end to end); this checks the results at scale.
    rng = np.random.default_rng(0)
    n, k = 200_000, 8
    labels = rng.integers(0, k, n)
    noise = rng.random(n)
    columns = [numeric(f"metric {i}", labels * (i % 3) + np.roll(noise, i)) for i in range(6)]
    columns.append(numeric("age", rng.integers(13, 90, n), semantic="age"))
    codes = rng.integers(0, 6, n)
    countries = pd.Categorical.from_codes(codes, ["US", "USA", "Brazil", "DE", "France", "Japan"])
    columns.append(PreparedColumn("country", "categorical", semantic="country", categories=countries))
    columns.append(
        PreparedColumn(
            "city",
            "categorical",
            categories=pd.Categorical.from_codes(rng.integers(0, 400, n), [f"city {i}" for i in range(400)]),
        )
    )
    columns.append(boolean("newsletter", rng.random(n) < 0.3))
    topics = rng.integers(0, 25, n)
    interests = sparse.csr_matrix((np.ones(n), (np.arange(n), topics)), shape=(n, 25))
    columns.append(
        PreparedColumn(
            "interests",
            "multilabel",
            semantic="interests",
            labels=interests,
            vocabulary=tuple(f"topic {i}" for i in range(25)),
            labels_known=np.ones(n, bool),
        )
    )
    prepared = table(*columns)
    profiles = profile_segments(prepared, labels, {})
    assert len(profiles) == k
    assert sum(profile.size for profile in profiles) == n
    assert all(profile.name for profile in profiles)


def test_a_mean_pulled_by_outliers_against_the_median_is_not_a_trait() -> None:
    # Segment 1's typical member spends less than the audience, but one huge order lifts its mean.
    spend = np.array([50, 60, 55, 52, 58, 61, 10, 12, 11, 5000], dtype=float)
    profiles = profile_segments(table(numeric("MntDeli", spend)), LABELS, {})
    assert np.median(spend[6:]) < np.median(spend)
    assert (spend[6:].mean() - spend.mean()) > 0
    assert profiles[0].features == profiles[1].features == ()
    assert [p.name for p in profiles] == ["Typical customers", "Mainstream customers"]


def test_numeric_features_carry_the_unit_to_show_them_in() -> None:
    spend = [10, 12, 11, 13, 9, 10, 100, 120, 80, 300]
    profiles = profile_segments(table(numeric("total_spend", spend, unit="currency")), LABELS, {})
    assert _feature(profiles[1].features, "total_spend").unit == "currency"
    assert _feature(profiles[1].features, "total_spend").to_dict()["unit"] == "currency"


def test_keyword_count_columns_are_described_as_shares_mentioning_them() -> None:
    rng = np.random.default_rng(5)
    labels = np.repeat([0, 1], [150, 50])
    counts = {name: rng.poisson(0.3, 200) for name in ("music", "dance", "church", "shopping")}
    counts["band"] = np.where(labels == 1, rng.poisson(3, 200) + 1, 0)
    profiles = profile_segments(table(*(numeric(name, values) for name, values in counts.items())), labels, {})
    band = _feature(profiles[1].features, "band")
    assert (band.kind, band.value, band.label) == ("label", "band", "interest: band")
    assert (band.segment_value, band.overall_value, band.effect) == (1.0, 0.25, 4.0)
    assert profiles[1].name == "Band members"


def test_average_ranks_match_scipy_and_do_not_depend_on_the_row_order() -> None:
    from scipy.stats import rankdata

    from segmentation.profiles import average_ranks

    rng = np.random.default_rng(3)
    values = rng.integers(0, 6, 500).astype(np.float64)  # many ties
    np.testing.assert_allclose(average_ranks(values), rankdata(values, method="average") - 1)
    order = rng.permutation(len(values))
    np.testing.assert_allclose(average_ranks(values[order]), average_ranks(values)[order])
    assert average_ranks(np.zeros(0)).shape == (0,)


def test_average_ranks_of_a_long_column_of_few_values_match_scipy() -> None:
    """Past a few thousand rows of few distinct values (ages, counts) the ranks are looked up, not sorted out."""
    from scipy.stats import rankdata

    from segmentation.profiles import RANK_PROBE, average_ranks

    rng = np.random.default_rng(4)
    values = rng.integers(18, 90, 3 * RANK_PROBE).astype(np.float64)
    values[::7] = -0.0
    np.testing.assert_array_equal(average_ranks(values), rankdata(values, method="average") - 1)
    values[::11] = np.nan  # each NaN keeps a rank of its own, as in the sorted path
    ranks = average_ranks(values)
    assert len(np.unique(ranks[np.isnan(values)])) == int(np.isnan(values).sum())


def test_pair_counts_are_the_counts_of_each_pair() -> None:
    from segmentation.profiles import pair_counts

    rows = np.array([0, 1, 1, 2, 2, 2], dtype=np.int32)
    columns = np.array([1, 0, 0, 2, 1, 2], dtype=np.int8)
    expected = np.zeros((3, 3))
    np.add.at(expected, (rows, columns), 1)
    np.testing.assert_array_equal(pair_counts(rows, columns, (3, 3)), expected)
