"""`segbot segment --chunked`: fit on a sample of a large table, then write every row's segment chunk by chunk.

Two passes over the file, each holding one chunk at a time: the first draws the sample
(`segmentation.streaming.SampleDraw`), the second assigns every row and writes `row,segment` (0-based file
row) as it goes. Peak memory is the sample's fit plus one chunk, whatever the number of rows.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd

from bot.bulk.chunks import CHUNK_ROWS, TableFile, check_unchanged, file_state, read_chunks
from bot.errors import SegbotError
from bot.files import check_output_path
from segmentation.limits import ReadLimits
from segmentation.reading import DEFAULT_LIMITS
from segmentation.result import SegmentationResult
from segmentation.streaming import ChunkAssigner, SampleDraw, fit_sample, with_sizes

SAMPLE_ROWS = 100_000


@dataclass(frozen=True)
class FitOptions:
    """The shared segment options (`--k`, `--seed`, `--columns`, ...) and the size of the sample fitted on."""

    k: int | None = None
    seed: int = 0
    columns: list[str] | None = None
    exclude: list[str] | None = None
    outcomes: list[str] | None = None
    cluster_on: list[str] | None = None
    value: str | None = None
    sample_rows: int = SAMPLE_ROWS


def fit(draw: SampleDraw, options: FitOptions, *, decimal_comma: bool) -> tuple[SegmentationResult, ChunkAssigner]:
    """The sample's segmentation and the assigner for every row."""
    if draw.n_rows == 0:
        raise SegbotError("The table has no data rows; export it again with its rows included.")
    return fit_sample(
        draw.frame(),
        k=options.k,
        seed=options.seed,
        columns=options.columns,
        exclude=options.exclude,
        outcomes=options.outcomes,
        cluster_on=options.cluster_on,
        value=options.value,
        decimal_comma=decimal_comma,
    )


def segment_chunked(
    table: TableFile,
    options: FitOptions,
    *,
    labels_out: Path | None = None,
    chunk_rows: int = CHUNK_ROWS,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> SegmentationResult:
    """Segment `table` in bounded memory; write `row,segment` for every row to `labels_out` when given.

    The result's profiles come from the sample, its sizes and shares from every row (`segmentation.streaming`).
    """
    before = file_state(table.path)
    draw = SampleDraw(rows=options.sample_rows, seed=options.seed)
    for chunk in read_chunks(table, chunk_rows=chunk_rows, limits=limits):
        draw = draw.add(chunk, draw.n_rows)
    result, assigner = fit(draw, options, decimal_comma=table.decimal_comma)
    chunks = read_chunks(table, chunk_rows=chunk_rows, limits=limits)
    sizes = write_labels(labels_out, _then_unchanged(assign_chunks(assigner, chunks), table.path, before), result.k)
    return with_sizes(result, sizes)


def _then_unchanged(labels: Iterator[np.ndarray], path: Path, before: tuple[int, int]) -> Iterator[np.ndarray]:
    """`labels`, then a check that the file did not change since the first pass (before the labels take place)."""
    yield from labels
    check_unchanged(path, before)


def assign_chunks(assigner: ChunkAssigner, chunks: Iterator[pd.DataFrame]) -> Iterator[np.ndarray]:
    for chunk in chunks:
        yield assigner.labels(chunk)


def write_labels(path: Path | None, labels: Iterator[np.ndarray], k: int, *, first_row: int = 0) -> np.ndarray:
    """`row,segment` for each chunk of labels as it comes (the whole file or none of it); the segment sizes."""
    sizes = np.zeros(k, dtype=np.int64)
    if path is None:
        for part in labels:
            sizes += np.bincount(part, minlength=k)
        return sizes
    check_output_path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write("row,segment\n")
            row = first_row
            for part in labels:
                _write_rows(stream, row, part)
                row += len(part)
                sizes += np.bincount(part, minlength=k)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return sizes


def _write_rows(stream: TextIO, first_row: int, labels: np.ndarray) -> None:
    frame = pd.DataFrame({"row": np.arange(first_row, first_row + len(labels)), "segment": labels})
    frame.to_csv(stream, header=False, index=False, lineterminator="\n")
