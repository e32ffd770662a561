"""`segbot segment --chunked`: a file read twice in chunks, every row labelled, the report sized over all rows."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bot.bulk.chunked_run import FitOptions, segment_chunked
from bot.bulk.chunks import read_chunks, table_file
from bot.cli import main
from bot.errors import SegbotError
from segmentation.errors import UnreadableFileError
from segmentation.streaming import fit_sample
from segmentation.synthetic import planted_audience


@pytest.fixture(scope="module")
def audience_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    table, _ = planted_audience(k=4, n_rows=4_000, seed=8)
    path = tmp_path_factory.mktemp("chunked") / "audience.csv"
    table.to_csv(path, index=False)
    return path


def read_labels(path: Path) -> np.ndarray:
    frame = pd.read_csv(path)
    assert list(frame.columns) == ["row", "segment"]
    assert np.array_equal(frame["row"].to_numpy(), np.arange(len(frame)))
    return np.asarray(frame["segment"].to_numpy())


def test_labels_do_not_depend_on_the_chunk_size_and_sizes_count_every_row(audience_csv: Path, tmp_path: Path) -> None:
    table = table_file(audience_csv)
    options = FitOptions(seed=0, sample_rows=1_500)

    small = segment_chunked(table, options, labels_out=tmp_path / "small.csv", chunk_rows=333)
    large = segment_chunked(table, options, labels_out=tmp_path / "large.csv", chunk_rows=10_000)

    labels = read_labels(tmp_path / "small.csv")
    assert len(labels) == small.n_rows == 4_000
    assert np.array_equal(labels, read_labels(tmp_path / "large.csv"))
    assert [s.size for s in small.segments] == [int((labels == s.id).sum()) for s in small.segments]
    assert [s.size for s in small.segments] == [s.size for s in large.segments]


def test_a_sample_as_large_as_the_file_gives_the_labels_of_one_fit(audience_csv: Path, tmp_path: Path) -> None:
    """With every row in the sample, chunked labels are the single fit's labels, row for row.

    On the file's first 2,000 rows (four chunks of 500): the two fits of all 4,000 cost about 14 CPU seconds,
    and the size is not what is checked."""
    path = tmp_path / "first_rows.csv"
    pd.read_csv(audience_csv, nrows=2_000).to_csv(path, index=False)
    table = table_file(path)
    whole = pd.concat(list(read_chunks(table, chunk_rows=10_000)), ignore_index=True)
    assert len(whole) == 2_000
    expected, _ = fit_sample(whole, seed=2)

    result = segment_chunked(
        table, FitOptions(seed=2, sample_rows=2_000), labels_out=tmp_path / "l.csv", chunk_rows=500
    )

    assert result.k == expected.k
    assert np.array_equal(read_labels(tmp_path / "l.csv"), expected.labels)


def test_the_cli_writes_labels_and_a_json_report(
    audience_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels_path = tmp_path / "labels.csv"

    code = main(["segment", str(audience_csv), "--chunked", "--format", "json", "--labels-out", str(labels_path)])

    assert code == 0
    report = json.loads(capsys.readouterr().out)
    labels = read_labels(labels_path)
    assert report["rows"] == len(labels) == 4_000
    assert {s["id"]: s["size"] for s in report["segments"]} == {
        int(i): int(n) for i, n in zip(*np.unique(labels, return_counts=True), strict=True)
    }


def test_an_excel_file_is_refused_in_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    pd.DataFrame({"a": [1, 2]}).to_excel(path, index=False)

    with pytest.raises(SegbotError, match="save the sheet as CSV"):
        table_file(path)


@pytest.mark.parametrize(
    ("broken", "sentence"),
    [
        ('1,2,"never closed\n', r"^Row 4002 of the file opens a quote that is not closed"),
        (",".join(map(str, range(24))) + "\n", r"^Line 4002 of the file has 24 fields but the header has 16"),
    ],
)
def test_a_broken_row_deep_in_the_file_is_the_whole_file_readers_sentence(
    audience_csv: Path, tmp_path: Path, broken: str, sentence: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The chunked reader let pandas' ParserError through: "something went wrong on our side"."""
    path = tmp_path / "broken.csv"
    path.write_text(audience_csv.read_text(encoding="utf-8") + broken, encoding="utf-8")
    assert main(["segment", str(path), "--chunked"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("segbot: ")
    assert re.search(sentence, err.removeprefix("segbot: "))


def test_a_gzip_file_cut_short_is_one_sentence(audience_csv: Path, tmp_path: Path) -> None:
    whole = gzip.compress(audience_csv.read_bytes())
    for cut in (20, len(whole) // 2):  # within the sniffed head, then in the middle of the rows
        path = tmp_path / f"cut-{cut}.csv.gz"
        path.write_bytes(whole[:cut])
        with pytest.raises(UnreadableFileError, match=r"^The gzip file is damaged or incomplete"):
            table = table_file(path)
            for _ in read_chunks(table, chunk_rows=500):
                pass


def test_a_parquet_file_is_read_in_chunks_without_the_flag(
    audience_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --chunked, a Parquet file went to the whole-file reader: "The file is binary data"."""
    path = tmp_path / "audience.parquet"
    pd.read_csv(audience_csv).to_parquet(path)
    labels = tmp_path / "labels.csv"
    assert main(["segment", str(path), "--labels-out", str(labels), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 4_000
    assert len(read_labels(labels)) == 4_000


def test_a_damaged_parquet_file_is_one_sentence(audience_csv: Path, tmp_path: Path) -> None:
    whole = tmp_path / "whole.parquet"
    pd.read_csv(audience_csv).to_parquet(whole, row_group_size=500)
    data = whole.read_bytes()
    scrambled = bytearray(data)
    scrambled[len(data) // 4 : len(data) // 2] = bytes(b ^ 0x55 for b in scrambled[len(data) // 4 : len(data) // 2])
    for name, content in (
        ("cut.parquet", data[: len(data) // 2]),  # no footer
        ("csv.parquet", audience_csv.read_bytes()),  # another format under the name
        ("scrambled.parquet", bytes(scrambled)),  # a sound footer, damaged row groups
    ):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(UnreadableFileError, match=r"^The file is not a readable Parquet file"):
            for _ in read_chunks(table_file(path), chunk_rows=500):
                pass


@pytest.mark.parametrize("interruption", [KeyboardInterrupt(), OSError(5, "Input/output error")])
def test_what_interrupts_a_read_is_not_blamed_on_the_file(
    audience_csv: Path, monkeypatch: pytest.MonkeyPatch, interruption: BaseException
) -> None:
    """pandas' parser can report Ctrl-C or an I/O error during a read as a ParserError; it was told as "its lines
    have different numbers of fields" (outside review: Ctrl-C during --chunked at some moments)."""
    from bot.bulk import chunks

    def interrupted_reader(*args: object, **kwargs: object) -> object:
        class Reader:
            def __enter__(self) -> Reader:
                return self

            def __exit__(self, *exc: object) -> None:
                return None

            def __iter__(self) -> Reader:
                return self

            def __next__(self) -> pd.DataFrame:
                try:
                    raise interruption
                except BaseException:  # the interruption is the parser error's context, as pandas leaves it
                    raise pd.errors.ParserError("C error: Calling read(nbytes) on source failed")  # noqa: B904

        return Reader()

    monkeypatch.setattr(chunks.pd, "read_csv", interrupted_reader)
    with pytest.raises(type(interruption)):
        list(read_chunks(table_file(audience_csv)))


@pytest.fixture(scope="module")
def first_rows_csv(audience_csv: Path) -> Path:
    """The planted audience's first 1,200 rows (16 columns, 19,200 cells): over both limits of the size-limit test,
    and its --chunked run fits 1,200 rows instead of 4,000."""
    path = audience_csv.with_name("first_rows.csv")
    pd.read_csv(audience_csv, nrows=1_200).to_csv(path, index=False)
    return path


@pytest.mark.parametrize(("setting", "value"), [("SEGBOT_MAX_ROWS", "1000"), ("SEGBOT_MAX_CELLS", "15000")])
def test_a_file_over_a_size_limit_is_pointed_to_chunked(
    first_rows_csv: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, setting: str, value: str
) -> None:
    """The command line's size limits told a user to upload fewer rows, never that --chunked reads any number."""
    path = first_rows_csv
    monkeypatch.setenv(setting, value)
    assert main(["segment", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"({setting}); add --chunked, which reads any number of rows in bounded memory, or raise {setting}." in err
    assert err.count("\n") == 1
    assert main(["segment", str(path), "--chunked", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 1_200


def test_a_file_that_changes_between_the_two_passes_gets_no_labels(
    audience_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file still being written (or cut) between the sample pass and the labelling pass was labelled as if
    nothing happened: labels for rows the segments were never fitted on (outside review)."""
    from bot.bulk import chunked_run

    path = tmp_path / "growing.csv"
    path.write_bytes(audience_csv.read_bytes())
    real = chunked_run.assign_chunks

    def appending(assigner: object, chunks: object) -> object:
        with path.open("a", encoding="utf-8") as stream:
            stream.write(path.read_text(encoding="utf-8").splitlines()[1] + "\n")
        return real(assigner, chunks)  # type: ignore[arg-type]

    monkeypatch.setattr(chunked_run, "assign_chunks", appending)
    labels = tmp_path / "labels.csv"
    with pytest.raises(SegbotError, match=r"^growing.csv changed while Segbot was reading it .* no labels were"):
        segment_chunked(table_file(path), FitOptions(sample_rows=600), labels_out=labels, chunk_rows=700)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["growing.csv"]
