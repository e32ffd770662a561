"""Partitioned tables on Dask: the sample drawn per partition, the fit once, the assignment one task per partition.

Each partition (a CSV or Parquet file that every worker can read: a shared volume or mount) is one task: the
first round returns its sample draw (the rows with the smallest seeded hash, at most the sample size), the
client merges them into the sample of the whole table and fits; the second round ships the fitted
`ChunkAssigner` to every worker, and each task writes its partition's `row,segment` (0-based row within the
partition) to `part-NNNNN.csv` in the labels folder and returns its segment sizes.

With `client=None` the same tasks run one after the other in this process: the single-process run the
Dask run is checked against (tests/bulk/test_dask_run.py).
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import reduce
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.bulk.chunked_run import FitOptions, assign_chunks, fit, write_labels
from bot.bulk.chunks import (
    CHUNK_ROWS,
    TableFile,
    check_same_columns,
    check_unchanged,
    file_state,
    naming_partition,
    read_chunks,
)
from bot.errors import SegbotError
from segmentation.limits import ReadLimits
from segmentation.near_names import closest_name
from segmentation.reading import DEFAULT_LIMITS
from segmentation.result import SegmentationResult
from segmentation.streaming import ChunkAssigner, SampleDraw, with_sizes

if TYPE_CHECKING:
    from distributed import Client


def draw_partition(table: TableFile, rows: int, seed: int, chunk_rows: int, limits: ReadLimits) -> SampleDraw:
    """One partition's sample draw (a task)."""
    draw = SampleDraw(rows=rows, seed=seed)
    with naming_partition(table.path):
        for chunk in read_chunks(table, chunk_rows=chunk_rows, limits=limits):
            draw = draw.add(chunk, draw.n_rows)
    return draw


def assign_partition(
    table: TableFile, labels_path: Path, assigner: ChunkAssigner, chunk_rows: int, limits: ReadLimits
) -> np.ndarray:
    """One partition's labels written to `labels_path` (a task); its segment sizes."""
    with naming_partition(table.path):
        chunks = read_chunks(table, chunk_rows=chunk_rows, limits=limits)
        return write_labels(labels_path, assign_chunks(assigner, chunks), assigner.k)


def labels_path(labels_dir: Path, position: int) -> Path:
    return labels_dir / f"part-{position:05d}.csv"


def segment_partitions(
    tables: Sequence[TableFile],
    options: FitOptions,
    *,
    labels_dir: Path,
    client: Client | None = None,
    chunk_rows: int = CHUNK_ROWS,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> SegmentationResult:
    """Segment the partitions `tables` as one table; labels per partition in `labels_dir` (see the module)."""
    check_partitions(tables, labels_dir)
    before = [file_state(table.path) for table in tables]
    per_partition = [(table,) for table in tables]
    draws = _run(client, draw_partition, per_partition, options.sample_rows, options.seed, chunk_rows, limits)
    draw = reduce(SampleDraw.merge, draws)
    result, assigner = fit(draw, options, decimal_comma=tables[0].decimal_comma)
    shipped: Any = client.scatter(assigner, broadcast=True) if client is not None else assigner
    # Every partition's labels go to a name of this run first and take their place only when all are written:
    # a run that fails part-way leaves the folder as it was, not some partitions labelled and the rest stale.
    run = secrets.token_hex(4)
    pending = [labels_dir / f".{labels_path(labels_dir, i).name}.{run}.pending" for i in range(len(tables))]
    try:
        sizes = _run(client, assign_partition, list(zip(tables, pending, strict=True)), shipped, chunk_rows, limits)
        for table, state in zip(tables, before, strict=True):
            check_unchanged(table.path, state)
        for i, written in enumerate(pending):
            os.replace(written, labels_path(labels_dir, i))
        _remove_stale_labels(labels_dir, len(tables))
    finally:
        for written in pending:
            written.unlink(missing_ok=True)
    return with_sizes(result, np.sum(sizes, axis=0))


def _remove_stale_labels(labels_dir: Path, count: int) -> None:
    """The part files of an earlier run over more partitions: left in place, they would be read with this run's."""
    for path in labels_dir.glob("part-*.csv"):
        number = path.name.removeprefix("part-").removesuffix(".csv")
        if len(number) == 5 and number.isdigit() and int(number) >= count:
            path.unlink(missing_ok=True)


def check_partitions(tables: Sequence[TableFile], labels_dir: Path) -> None:
    """What can be refused before any work (and before a Dask cluster starts): the labels folder, the columns."""
    if labels_dir.exists() and not labels_dir.is_dir():
        raise SegbotError(
            f"{labels_dir} is a file: for a folder of partitions, --labels-out names a folder, which gets one "
            "part-NNNNN.csv per partition."
        )
    if not labels_dir.is_dir():
        raise SegbotError(f"The labels folder {labels_dir} does not exist; create it (one file per partition).")
    if any(labels_dir.resolve() == table.path.parent.resolve() for table in tables):
        raise SegbotError(
            f"The labels folder {labels_dir} is the folder of partitions: the labels would be read as partitions "
            "the next time; give another folder."
        )
    blocking = [labels_path(labels_dir, i) for i in range(len(tables)) if labels_path(labels_dir, i).is_dir()]
    if blocking:
        raise SegbotError(
            f"The labels folder holds a folder named {blocking[0].name}, where this run writes that partition's "
            "labels; move it away or give another labels folder."
        )
    check_same_columns(list(tables))


def _run(
    client: Client | None, task: Callable[..., Any], per_partition: list[tuple[Any, ...]], *shared: Any
) -> list[Any]:
    """One task per partition (its own arguments, then the shared ones), on Dask or here; results in order."""
    if client is None:
        return [task(*own, *shared) for own in per_partition]
    futures = [client.submit(task, *own, *shared, pure=False) for own in per_partition]
    return list(client.gather(futures))


@contextmanager
def dask_client(address: str | None) -> Iterator[Client | None]:
    """A Dask client for the scheduler at `address` (tcp://host:8786), a cluster of this machine's cores for
    "local", or None (partitions run in this process) when no address is set; closed, with its cluster, at exit."""
    if not address:
        yield None
        return
    address = _scheduler_address(address)
    from distributed import Client, LocalCluster

    # distributed logs its start and stop at INFO whatever the root level: follow Segbot's (SEGBOT_LOG_LEVEL).
    level = logging.getLogger().getEffectiveLevel()
    logging.getLogger("distributed").setLevel(level)
    if address == "local":
        with (
            LocalCluster(processes=True, dashboard_address=None, silence_logs=level) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = Client(address, timeout=30)
    except OSError as error:
        raise SegbotError(
            f"Segbot could not reach the Dask scheduler at {address} (SEGBOT_DASK_SCHEDULER): {error}; start it, or "
            "unset the setting to run in this process."
        ) from error
    with client:
        yield client


def _scheduler_address(address: str) -> str:
    """SEGBOT_DASK_SCHEDULER as Dask takes it ("local", or tcp://host:port); one sentence for anything else."""
    cleaned = address.strip()
    if cleaned.lower() == "local":
        return "local"
    if re.fullmatch(r"((tcp|tls)://)?\[?[\w.:-]+\]?:\d{1,5}", cleaned):  # host:port is taken as tcp://
        return cleaned
    close = closest_name(cleaned, ["local"])
    hint = " (did you mean 'local'?)" if close else ""
    raise SegbotError(
        f"SEGBOT_DASK_SCHEDULER={address!r} is not a Dask scheduler address{hint}: set it to tcp://HOST:PORT (a "
        "scheduler listens on port 8786 by default), to local for a cluster of this machine's cores, or unset it to "
        "run in this process."
    )
