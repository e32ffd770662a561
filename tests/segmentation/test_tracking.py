"""Tracking segments across runs on seeded audiences with exactly one planted change each."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from segmentation.result import SegmentationResult
from segmentation.tracking import track_segments
from tests.segmentation.tracking_fixtures import BASE, LOYAL, QUIET, SPENDERS, YOUNG, Group, audience


def _by_name(result: SegmentationResult) -> dict[str, int]:
    return {s.name: s.id for s in result.segments}


def test_first_run_has_nothing_to_compare_with() -> None:
    tracking = track_segments(None, audience(BASE))
    assert tracking.first_run
    assert [s.status for s in tracking.segments] == ["new"] * 4
    assert tracking.meaningful


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_same_audience_again_keeps_every_id_and_name_and_is_no_change(seed: int) -> None:
    before = audience(BASE, seed=0)
    # The engine numbers and names segments its own way each run.
    again = audience([replace(g, name=f"Segment {i}") for i, g in enumerate(BASE)], seed=seed, order=[2, 0, 3, 1])
    tracking = track_segments(before, again)
    assert {s.status for s in tracking.segments} == {"continuing"}
    assert {s.name: s.id for s in tracking.segments} == _by_name(before)
    assert tracking.gone == () and tracking.merges == () and tracking.splits == ()
    assert not tracking.meaningful
    assert _by_name(tracking.result) == _by_name(before)


def test_labels_follow_the_tracked_ids() -> None:
    before = audience(BASE)
    again = audience(BASE, seed=4, order=[3, 2, 1, 0])
    tracking = track_segments(before, again)
    young = next(s for s in tracking.segments if s.name == "Young Germans")
    assert young.engine_id == 3 and young.id == 0
    assert np.count_nonzero(tracking.result.labels == 0) == YOUNG.size


def test_a_segment_that_grows_keeps_its_identity_and_reports_the_change() -> None:
    grown = [replace(YOUNG, size=800), SPENDERS, LOYAL, QUIET]
    tracking = track_segments(audience(BASE), audience(grown, seed=5))
    young = next(s for s in tracking.segments if s.name == "Young Germans")
    assert young.status == "continuing"
    assert young.size_change == 400
    assert young.share_change == pytest.approx(800 / 1600 - 400 / 1200, abs=1e-9)
    spenders = next(s for s in tracking.segments if s.name == "Big spenders")
    assert spenders.size_change == 0 and spenders.share_change is not None and spenders.share_change < -0.05
    assert tracking.meaningful and tracking.new == () and tracking.gone == ()


def test_a_shifted_profile_is_the_same_segment_with_what_moved() -> None:
    shifted = [YOUNG, SPENDERS, replace(LOYAL, countries=(0.35, 0.55, 0.1)), QUIET]
    tracking = track_segments(audience(BASE), audience(shifted, seed=6))
    loyal = next(s for s in tracking.segments if s.name == "Loyal French")
    assert loyal.status == "continuing"
    moved = {shift.value: (shift.before, shift.after) for shift in loyal.shifts}
    assert moved["DE"][0] == pytest.approx(0.1, abs=0.05) and moved["DE"][1] == pytest.approx(0.35, abs=0.05)
    assert moved["FR"][1] < moved["FR"][0] - 0.15
    others = [s for s in tracking.segments if s.name != "Loyal French"]
    assert all(s.shifts == () for s in others)
    assert tracking.meaningful


def test_a_numeric_shift_reports_medians_before_and_after() -> None:
    shifted = [YOUNG, replace(SPENDERS, means=(0.0, 0.5, 1.5)), LOYAL, QUIET]
    tracking = track_segments(audience(BASE), audience(shifted, seed=7))
    spenders = next(s for s in tracking.segments if s.name == "Big spenders")
    spend = next(shift for shift in spenders.shifts if shift.column == "spend")
    assert spend.kind == "numeric"
    assert spend.before == pytest.approx(65, abs=1) and spend.after == pytest.approx(55, abs=1)


def test_a_new_group_is_new_with_a_fresh_id() -> None:
    newcomers = Group("Students", 250, (-1.5, -2.0, -2.0), (0.3, 0.3, 0.4), genders=(0.8, 0.2))
    tracking = track_segments(audience(BASE), audience([*BASE, newcomers], seed=8))
    (new,) = tracking.new
    assert new.name == "Students" and new.id == 4 and new.previous == ()
    assert {s.name for s in tracking.continuing} == {g.name for g in BASE}
    assert tracking.gone == ()


def test_a_group_that_left_is_gone() -> None:
    tracking = track_segments(audience(BASE), audience([YOUNG, SPENDERS, QUIET], seed=9))
    assert [(g.id, g.name) for g in tracking.gone] == [(2, "Loyal French")]
    assert {s.name for s in tracking.segments} == {"Young Germans", "Big spenders", "Quiet Americans"}
    assert tracking.new == ()


def test_two_groups_that_became_one_are_a_merge() -> None:
    near_a = Group("Weekend buyers", 300, (0.0, 1.0, 1.0), (0.5, 0.3, 0.2))
    near_b = Group("Evening buyers", 300, (0.0, 2.0, 2.0), (0.3, 0.5, 0.2))
    merged = Group("Regular buyers", 600, (0.0, 1.5, 1.5), (0.4, 0.4, 0.2))
    before = audience([YOUNG, near_a, near_b, QUIET])
    tracking = track_segments(before, audience([YOUNG, merged, QUIET], seed=10))
    (merge,) = tracking.merges
    assert {s.name for s in merge.sources} == {"Weekend buyers", "Evening buyers"}
    into = next(s for s in tracking.segments if s.id == merge.into)
    assert into.status == "merged" and into.name == "Regular buyers" and into.id == 4
    assert into.previous_size == 600 and into.size_change == 0
    assert tracking.gone == () and tracking.new == ()
    assert {s.name for s in tracking.continuing} == {"Young Germans", "Quiet Americans"}


def test_two_merges_in_one_run_are_both_merges() -> None:
    weekend = Group("Weekend buyers", 300, (0.0, 1.0, 1.0), (0.5, 0.3, 0.2))
    evening = Group("Evening buyers", 300, (0.0, 2.0, 2.0), (0.3, 0.5, 0.2))
    regular = Group("Regular buyers", 600, (0.0, 1.5, 1.5), (0.4, 0.4, 0.2))
    students = Group("Students", 400, (1.0, -1.0, -2.0), (0.2, 0.2, 0.6))
    pensioners = Group("Pensioners", 100, (2.2, -1.0, -2.0), (0.2, 0.2, 0.6))
    # The engine names the merged group after its bigger source; the first pass pairs the two one-to-one.
    savers = Group("Students", 500, (1.24, -1.0, -2.0), (0.2, 0.2, 0.6))
    before = audience([YOUNG, weekend, evening, students, pensioners])
    tracking = track_segments(before, audience([YOUNG, regular, savers], seed=20))
    assert len(tracking.merges) == 2
    assert [(s.name, s.status, s.shifts) for s in tracking.segments] == [
        ("Young Germans", "continuing", ()),
        ("Regular buyers", "merged", ()),
        ("Students", "merged", ()),
    ]
    merged = next(m for m in tracking.merges if len({s.name for s in m.sources} & {"Students", "Pensioners"}) == 2)
    assert merged.into == tracking.segments[2].id
    assert tracking.gone == () and tracking.continuing == (tracking.segments[0],)


def test_one_group_that_became_two_is_a_split() -> None:
    whole = Group("Regular buyers", 600, (0.0, 1.5, 1.5), (0.4, 0.4, 0.2))
    part_a = Group("Weekend buyers", 320, (0.0, 1.0, 1.0), (0.5, 0.3, 0.2))
    part_b = Group("Evening buyers", 280, (0.0, 2.0, 2.0), (0.3, 0.5, 0.2))
    tracking = track_segments(audience([YOUNG, whole, QUIET]), audience([YOUNG, part_a, part_b, QUIET], seed=11))
    (split,) = tracking.splits
    assert split.source.name == "Regular buyers" and split.source.id == 1
    parts = [s for s in tracking.segments if s.id in split.into]
    assert {s.name for s in parts} == {"Weekend buyers", "Evening buyers"}
    assert all(s.status == "split" and s.previous_size == 600 for s in parts)
    assert tracking.gone == () and tracking.new == ()


def test_identities_carry_over_a_chain_of_runs() -> None:
    first = track_segments(None, audience(BASE)).result
    second = track_segments(first, audience([YOUNG, SPENDERS, QUIET], seed=12)).result
    newcomers = Group("Students", 250, (-1.5, -2.0, -2.0), (0.3, 0.3, 0.4))
    third = track_segments(second, audience([YOUNG, SPENDERS, QUIET, newcomers], seed=13, order=[1, 2, 3, 0]))
    assert {s.name: s.id for s in third.segments} == {
        "Young Germans": 0,
        "Big spenders": 1,
        "Quiet Americans": 3,
        "Students": 4,
    }


def test_stored_results_compare_like_live_ones() -> None:
    before = SegmentationResult.from_dict(audience(BASE).to_dict())
    tracking = track_segments(before, audience([replace(YOUNG, size=200), SPENDERS, LOYAL, QUIET], seed=14))
    young = next(s for s in tracking.segments if s.name == "Young Germans")
    assert young.status == "continuing" and young.size_change == -200


def test_a_new_segment_never_takes_a_kept_name() -> None:
    twin = Group("Young Germans", 250, (-1.5, -2.0, -2.0), (0.3, 0.3, 0.4))
    tracking = track_segments(audience(BASE), audience([*BASE, twin], seed=15))
    names = [s.name for s in tracking.segments]
    assert len(set(names)) == len(names)
    assert "Young Germans (4)" in names
