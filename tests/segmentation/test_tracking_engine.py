"""Tracking on the real engine's output: planted audiences resampled with exactly one change each."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from segmentation import SegmentationResult, segment
from segmentation.synthetic import planted_audience
from segmentation.tracking import SegmentTracking, TrackedSegment, track_segments

BASE = {0: 300, 1: 300, 2: 300, 3: 300}


class Audience:
    """A pool of planted people to draw runs from: same segments, chosen sizes."""

    def __init__(self) -> None:
        self.pool, self.truth = planted_audience(k=4, n_rows=6000, seed=7)
        self.rng = np.random.default_rng(0)

    def draw(self, sizes: dict[int, int]) -> tuple[pd.DataFrame, np.ndarray]:
        rows = np.concatenate(
            [self.rng.choice(np.flatnonzero(self.truth == s), n, replace=False) for s, n in sizes.items()]
        )
        return self.pool.iloc[rows].reset_index(drop=True), self.truth[rows]


@dataclass(frozen=True)
class Planted:
    audience: Audience
    table: pd.DataFrame
    before: SegmentationResult
    names: dict[int, str]


@pytest.fixture(scope="module")
def planted() -> Planted:
    audience = Audience()
    table, truth = audience.draw(BASE)
    result = segment(table)
    return Planted(audience, table, result, _names_by_truth(result, truth))


def _names_by_truth(result: SegmentationResult, truth: np.ndarray) -> dict[int, str]:
    """The engine's segment name for each planted segment (the segment most of its people landed in)."""
    names = {s.id: s.name for s in result.segments}
    return {t: names[int(np.bincount(result.labels[truth == t]).argmax())] for t in np.unique(truth)}


def _by_name(tracking: SegmentTracking) -> dict[str, TrackedSegment]:
    return {s.name: s for s in tracking.segments}


def test_a_fresh_sample_of_the_same_people_changes_nothing(planted: Planted) -> None:
    audience, before = planted.audience, planted.before
    tracking = track_segments(before, segment(audience.draw(BASE)[0]))
    assert {s.status for s in tracking.segments} == {"continuing"}
    assert {s.name for s in tracking.segments} == {s.name for s in before.segments}
    assert not tracking.meaningful


def test_a_planted_segment_that_doubles_grows(planted: Planted) -> None:
    audience, before, names = planted.audience, planted.before, planted.names
    tracking = track_segments(before, segment(audience.draw({**BASE, 2: 600})[0]))
    grown = _by_name(tracking)[names[2]]
    assert grown.status == "continuing" and grown.size_change == 300
    assert tracking.new == () and tracking.gone == () and tracking.meaningful


def test_a_planted_segment_that_leaves_is_gone(planted: Planted) -> None:
    audience, before, names = planted.audience, planted.before, planted.names
    tracking = track_segments(before, segment(audience.draw({0: 300, 1: 300, 2: 300})[0]))
    assert [g.name for g in tracking.gone] == [names[3]]
    assert {s.status for s in tracking.segments} == {"continuing"}


def test_a_planted_segment_that_arrives_is_new(planted: Planted) -> None:
    audience, before, names = planted.audience, planted.before, planted.names
    three = segment(audience.draw({0: 300, 1: 300, 2: 300})[0])
    tracking = track_segments(three, before)
    assert [s.name for s in tracking.new] == [names[3]]
    assert tracking.gone == ()


def test_people_five_years_older_in_one_segment_are_a_shift_of_that_segment(planted: Planted) -> None:
    audience, before, names = planted.audience, planted.before, planted.names
    table, truth = audience.draw(BASE)
    table.loc[truth == 2, "age"] += 5
    tracking = track_segments(before, segment(table))
    aged = _by_name(tracking)[names[2]]
    assert aged.status == "continuing" and aged.shifts
    assert {s.name for s in tracking.continuing} == {s.name for s in before.segments}
    assert all(not s.shifts for s in tracking.segments if s.name != names[2])


def test_fewer_segments_are_a_merge_and_more_are_a_split(planted: Planted) -> None:
    four, three = planted.before, segment(planted.table, k=3)
    merging = track_segments(four, three)
    (merge,) = merging.merges
    assert len(merge.sources) == 2 and merging.gone == () and merging.new == ()
    splitting = track_segments(three, four)
    (split,) = splitting.splits
    assert len(split.into) == 2 and splitting.gone == () and splitting.new == ()
