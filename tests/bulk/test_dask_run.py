"""Partitions on Dask: a `distributed.LocalCluster` run writes the same labels as the run in this process."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bot.bulk.chunked_run import FitOptions
from bot.bulk.chunks import partition_files, table_file
from bot.bulk.dask_run import dask_client, segment_partitions
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
    """The cluster `SEGBOT_DASK_SCHEDULER=local` starts: this machine's cores, in worker processes."""
    with dask_client("local") as connected:
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


def test_a_partition_with_other_columns_is_one_sentence_before_any_label_is_written(
    partitions: Path, tmp_path: Path
) -> None:
    """It crashed in the engine ("something went wrong") after writing the other partitions' labels."""
    folder = tmp_path / "parts"
    folder.mkdir()
    for part in partition_files(partitions):
        (folder / part.name).write_bytes(part.read_bytes())
    (folder / "d.csv").write_text("x,y\n1,2\n", encoding="utf-8")
    labels = tmp_path / "labels"
    labels.mkdir()
    tables = [table_file(path) for path in partition_files(folder)]
    with pytest.raises(SegbotError, match=r"The partition d.csv does not have the columns of a.csv \(it lacks .*; it"):
        segment_partitions(tables, FitOptions(sample_rows=600), labels_dir=labels)
    assert list(labels.iterdir()) == []


def test_a_run_failing_part_way_leaves_the_labels_folder_as_it_was(
    partitions: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.bulk import dask_run

    tables = [table_file(path) for path in partition_files(partitions)]
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "part-00000.csv").write_text("row,segment\n0,0\n", encoding="utf-8")  # an earlier run's
    real = dask_run.assign_partition
    done: list[Path] = []

    def fails_on_the_last(table: object, path: Path, *rest: object) -> np.ndarray:
        if len(done) == len(tables) - 1:
            raise OSError("disk gone")
        done.append(path)
        return real(table, path, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(dask_run, "assign_partition", fails_on_the_last)
    with pytest.raises(OSError, match="disk gone"):
        segment_partitions(tables, FitOptions(sample_rows=600), labels_dir=labels, chunk_rows=700)
    assert sorted(path.name for path in labels.iterdir()) == ["part-00000.csv"]
    assert (labels / "part-00000.csv").read_text(encoding="utf-8") == "row,segment\n0,0\n"


def test_the_cli_refuses_a_missing_labels_folder_before_it_reaches_for_the_scheduler(
    partitions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder was checked only after the Dask cluster had started (or the scheduler been waited for)."""
    from bot.cli import main

    monkeypatch.setenv("SEGBOT_DASK_SCHEDULER", "tcp://127.0.0.1:9")  # nothing listens: reaching it would fail
    assert main(["segment", str(partitions), "--chunked", "--labels-out", str(tmp_path / "nowhere")]) == 2
    assert "The labels folder" in capsys.readouterr().err


def test_a_broken_partition_is_named_in_the_sentence(
    partitions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The readers' sentences say "the file": with a folder of partitions nobody knew which one was broken."""
    folder = tmp_path / "parts"
    folder.mkdir()
    for part in partition_files(partitions):
        (folder / part.name).write_bytes(part.read_bytes())
    labels = tmp_path / "labels"
    labels.mkdir()
    from bot.cli import main

    b = folder / "b.csv"
    b.write_text(b.read_text(encoding="utf-8") + '1,2,"never closed\n', encoding="utf-8")
    assert main(["segment", str(folder), "--chunked", "--labels-out", str(labels)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("segbot: In the partition b.csv: row 2502 of the file opens a quote that is not closed")
    assert list(labels.iterdir()) == []

    b.write_bytes(b"\x00\x01\x02binary" * 100)  # refused when the partition is first opened
    assert main(["segment", str(folder), "--chunked", "--labels-out", str(labels)]) == 2
    assert capsys.readouterr().err.startswith("segbot: In the partition b.csv: the file is binary data")


def test_a_local_cluster_follows_segbots_log_level(client: object) -> None:
    """distributed logged its cluster's start and stop at INFO under the default WARNING (a page of lines)."""
    assert logging.getLogger().getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("distributed").getEffectiveLevel() == logging.WARNING
    assert not logging.getLogger("distributed.scheduler").isEnabledFor(logging.INFO)
