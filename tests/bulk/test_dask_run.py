"""Partitions on Dask: a `distributed.LocalCluster` run writes the same labels as the run in this process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bot.bulk.chunked_run import FitOptions
from bot.bulk.chunks import partition_files, table_file
from bot.bulk.dask_run import segment_partitions
from bot.errors import SegbotError
from segmentation.synthetic import planted_audience


@pytest.fixture(scope="module")
def partitions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three partitions of one audience: two CSV files and one Parquet file."""
    table, _ = planted_audience(k=4, n_rows=6_000, seed=12)
    folder = tmp_path_factory.mktemp("parts")
    table.iloc[:2_000].to_csv(folder / "a.csv", index=False)
    table.iloc[2_000:4_500].to_csv(folder / "b.csv", index=False)
    table.iloc[4_500:].reset_index(drop=True).to_parquet(folder / "c.parquet")
    return folder


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster, distributed.Client(cluster) as connected:
        yield connected


def labels_of(folder: Path) -> list[pd.DataFrame]:
    return [pd.read_csv(path) for path in sorted(folder.glob("part-*.csv"))]


def test_dask_and_single_process_write_the_same_labels(partitions: Path, client: object, tmp_path: Path) -> None:
    tables = [table_file(path) for path in partition_files(partitions)]
    options = FitOptions(seed=1, sample_rows=1_200)  # fitted twice (here and on Dask); the size is not what is checked
    (tmp_path / "local").mkdir()
    (tmp_path / "dask").mkdir()

    here = segment_partitions(tables, options, labels_dir=tmp_path / "local", chunk_rows=700)
    there = segment_partitions(tables, options, labels_dir=tmp_path / "dask", client=client, chunk_rows=700)  # type: ignore[arg-type]

    local, remote = labels_of(tmp_path / "local"), labels_of(tmp_path / "dask")
    assert [len(part) for part in local] == [2_000, 2_500, 1_500]
    for mine, theirs in zip(local, remote, strict=True):
        assert list(mine.columns) == ["row", "segment"]
        assert mine.equals(theirs)
        assert np.array_equal(mine["row"].to_numpy(), np.arange(len(mine)))
    assert here.k == there.k > 1
    assert [s.size for s in here.segments] == [s.size for s in there.segments]
    everything = pd.concat(local)["segment"]
    assert [s.size for s in here.segments] == [int((everything == s.id).sum()) for s in here.segments]


def test_a_missing_labels_folder_is_one_sentence(partitions: Path, tmp_path: Path) -> None:
    tables = [table_file(path) for path in partition_files(partitions)]
    with pytest.raises(SegbotError, match="does not exist; create it"):
        segment_partitions(tables, FitOptions(), labels_dir=tmp_path / "nowhere")
