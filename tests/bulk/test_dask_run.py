"""Partitions on Dask: a `distributed.LocalCluster` run writes the same labels as the run in this process."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bot.bulk.chunked_run import FitOptions
from bot.bulk.chunks import TableFile, check_same_columns, partition_files, table_file
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
    with pytest.raises(
        SegbotError, match=r"The partition d.csv does not have the columns of a.csv and 2 other partitions \(it lacks"
    ):
        segment_partitions(tables, FitOptions(sample_rows=600), labels_dir=labels)
    assert list(labels.iterdir()) == []


def test_the_stray_partition_is_named_even_when_it_sorts_first(partitions: Path, tmp_path: Path) -> None:
    """The columns most partitions share are the reference: a stray 0.csv is named, not a.csv, b.csv ..."""
    folder = tmp_path / "parts"
    folder.mkdir()
    for part in partition_files(partitions):
        (folder / part.name).write_bytes(part.read_bytes())
    (folder / "0.csv").write_text("x,y\n1,2\n", encoding="utf-8")
    tables = [table_file(path) for path in partition_files(folder)]
    with pytest.raises(SegbotError) as raised:
        check_same_columns(tables)
    assert str(raised.value).startswith(
        "The partition 0.csv does not have the columns of a.csv and 2 other partitions (it lacks "
    )
    assert "it has x, y as well" in str(raised.value)


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

    b.write_bytes(b"")  # "upload the export" is for one file, not a file of a folder
    assert main(["segment", str(folder), "--chunked", "--labels-out", str(labels)]) == 2
    assert capsys.readouterr().err == (
        "segbot: The partition b.csv is empty; remove it from the folder, or export it again with its rows.\n"
    )


def test_a_local_cluster_follows_segbots_log_level(client: object) -> None:
    """distributed logged its cluster's start and stop at INFO under the default WARNING (a page of lines)."""
    assert logging.getLogger().getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("distributed").getEffectiveLevel() == logging.WARNING
    assert not logging.getLogger("distributed.scheduler").isEnabledFor(logging.INFO)


def _copy_partitions(partitions: Path, folder: Path) -> Path:
    folder.mkdir()
    for part in partition_files(partitions):
        (folder / part.name).write_bytes(part.read_bytes())
    return folder


def test_upper_case_extensions_are_partitions_too(partitions: Path, tmp_path: Path) -> None:
    """A.CSV and C.PARQUET were skipped without a word, and their rows were missing from the run."""
    folder = _copy_partitions(partitions, tmp_path / "parts")
    (folder / "a.csv").rename(folder / "A.CSV")
    (folder / "c.parquet").rename(folder / "C.PARQUET")
    assert [path.name for path in partition_files(folder)] == ["A.CSV", "C.PARQUET", "b.csv"]


def test_the_labels_folder_is_neither_the_partitions_folder_nor_a_file(partitions: Path, tmp_path: Path) -> None:
    folder = _copy_partitions(partitions, tmp_path / "parts")
    tables = [table_file(path) for path in partition_files(folder)]
    with pytest.raises(SegbotError, match="is the folder of partitions: the labels would be read as partitions"):
        segment_partitions(tables, FitOptions(sample_rows=600), labels_dir=folder / ".." / "parts")
    assert sorted(path.name for path in folder.iterdir()) == ["a.csv", "b.csv", "c.parquet"]
    (tmp_path / "labels" / "part-00001.csv").mkdir(parents=True)  # os.replace onto it: "something went wrong"
    with pytest.raises(SegbotError, match=r"holds a folder named part-00001\.csv, where this run writes"):
        segment_partitions(tables, FitOptions(sample_rows=600), labels_dir=tmp_path / "labels")
    (tmp_path / "labels.csv").write_text("", encoding="utf-8")
    with pytest.raises(SegbotError, match=r"labels.csv is a file: for a folder of partitions, --labels-out names a"):
        segment_partitions(tables, FitOptions(sample_rows=600), labels_dir=tmp_path / "labels.csv")


def test_labels_of_an_earlier_run_over_more_partitions_are_removed(partitions: Path, tmp_path: Path) -> None:
    """part-00003.csv .. part-00005.csv of a six-partition run stayed beside this run's three."""
    labels = tmp_path / "labels"
    labels.mkdir()
    for number in range(6):
        (labels / f"part-{number:05d}.csv").write_text("row,segment\n0,0\n", encoding="utf-8")
    (labels / "part-notes.csv").write_text("mine\n", encoding="utf-8")
    tables = [table_file(path) for path in partition_files(partitions)]
    segment_partitions(tables, FitOptions(sample_rows=600), labels_dir=labels, chunk_rows=700)
    names = sorted(path.name for path in labels.iterdir())
    assert names == ["part-00000.csv", "part-00001.csv", "part-00002.csv", "part-notes.csv"]
    assert sum(len(frame) for frame in labels_of(labels)) == 6_000


@pytest.mark.parametrize("address", ["locl", "http://127.0.0.1:8786", "tcp://scheduler"])
def test_a_mistyped_scheduler_address_is_one_sentence(
    partitions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    """It was "something went wrong on our side" (distributed's ValueError: missing port number)."""
    from bot.cli import main

    monkeypatch.setenv("SEGBOT_DASK_SCHEDULER", address)
    (tmp_path / "labels").mkdir()
    assert main(["segment", str(partitions), "--chunked", "--labels-out", str(tmp_path / "labels")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"segbot: SEGBOT_DASK_SCHEDULER={address!r} is not a Dask scheduler address")
    assert ("did you mean 'local'?" in err) == (address == "locl")
    assert "tcp://HOST:PORT" in err


def test_a_partition_that_changes_during_the_run_leaves_the_labels_folder_as_it_was(
    partitions: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.bulk import dask_run

    folder = _copy_partitions(partitions, tmp_path / "parts")
    tables = [table_file(path) for path in partition_files(folder)]
    labels = tmp_path / "labels"
    labels.mkdir()
    real = dask_run.assign_partition

    def appending_to_b(table: TableFile, path: Path, *rest: object) -> np.ndarray:
        sizes = real(table, path, *rest)  # type: ignore[arg-type]
        if table.path.name == "b.csv":
            with table.path.open("a", encoding="utf-8") as stream:
                stream.write(table.path.read_text(encoding="utf-8").splitlines()[1] + "\n")
        return sizes

    monkeypatch.setattr(dask_run, "assign_partition", appending_to_b)
    with pytest.raises(SegbotError, match=r"^b.csv changed while Segbot was reading it"):
        segment_partitions(tables, FitOptions(sample_rows=600), labels_dir=labels, chunk_rows=700)
    assert list(labels.iterdir()) == []
