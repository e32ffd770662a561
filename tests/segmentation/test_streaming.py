"""Fitting on a sample and assigning chunks (`segmentation.streaming`): the assigner reproduces the fit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation import segment
from segmentation.reading import read_table
from segmentation.result import SegmentationResult
from segmentation.streaming import ChunkAssigner, SampleDraw, draw_sample, fit_sample, with_sizes
from segmentation.synthetic import planted_audience


@pytest.fixture(scope="module")
def csv_bytes() -> bytes:
    table, _ = planted_audience(k=4, n_rows=3_000, seed=3)
    table["plan"] = np.where(np.arange(len(table)) % 3 == 0, "free", "paid")
    return table.to_csv(index=False).encode()


@pytest.fixture(scope="module")
def fitted(csv_bytes: bytes) -> tuple[pd.DataFrame, SegmentationResult, ChunkAssigner]:
    table = read_table(csv_bytes)
    return (table, *fit_sample(table, seed=0))


def test_fit_on_the_whole_table_gives_segment_labels_and_the_assigner_reproduces_them(
    csv_bytes: bytes, fitted: tuple[pd.DataFrame, SegmentationResult, ChunkAssigner]
) -> None:
    table, result, assigner = fitted

    assert np.array_equal(result.labels, segment(csv_bytes, seed=0).labels)
    assert result.k > 1
    assert np.array_equal(assigner.labels(table), result.labels)
    uses = {role.name for role in result.columns if role.used}
    assert {"signup_date", "interests", "country", "newsletter_opt_in", "age"} <= uses


def test_chunks_of_any_size_get_the_labels_of_the_whole(
    fitted: tuple[pd.DataFrame, SegmentationResult, ChunkAssigner],
) -> None:
    table, result, assigner = fitted

    for size in (1, 7, 1_000):
        parts = [assigner.labels(table.iloc[i : i + size].reset_index(drop=True)) for i in range(0, 40 * size, size)]
        assert np.array_equal(np.concatenate(parts), result.labels[: 40 * size])


def test_unseen_levels_and_missing_columns_are_read_as_missing_not_errors(
    fitted: tuple[pd.DataFrame, SegmentationResult, ChunkAssigner],
) -> None:
    table, _, assigner = fitted
    odd = table.head(5).copy()
    odd["country"] = "Atlantis"
    odd["interests"] = "underwater basket weaving"
    odd = odd.drop(columns=["signup_date"])

    labels = assigner.labels(odd)

    assert labels.shape == (5,)
    assert set(labels) <= set(range(assigner.k))


def test_sample_draw_is_bounded_and_the_same_whatever_the_chunk_size(csv_bytes: bytes) -> None:
    table = read_table(csv_bytes)

    def drawn(size: int) -> SampleDraw:
        return draw_sample((table.iloc[i : i + size] for i in range(0, len(table), size)), rows=500, seed=4)

    small, large = drawn(64), drawn(1_000)
    assert small.n_rows == large.n_rows == 3_000
    assert len(small.frame()) == 500
    assert list(small.frame().index) == list(large.frame().index)
    assert list(small.frame().index) == sorted(small.frame().index)
    other_seed = draw_sample([table], rows=500, seed=5).frame()
    assert list(other_seed.index) != list(small.frame().index)


def test_with_sizes_counts_every_row(fitted: tuple[pd.DataFrame, SegmentationResult, ChunkAssigner]) -> None:
    _, result, _ = fitted
    sizes = np.arange(1, result.k + 1) * 1_000_000

    counted = with_sizes(result, sizes)

    assert counted.n_rows == int(sizes.sum())
    assert [s.size for s in counted.segments] == [int(sizes[s.id]) for s in counted.segments]
    assert sum(s.share for s in counted.segments) == pytest.approx(1.0)
    assert pd.Series([s.id for s in counted.segments]).is_unique
