"""The engine's TaskMap: column decisions and the fits of the choice of k find the same, run anywhere, any order."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest

from segmentation import clustering, segment
from segmentation.clustering import SCAN_FIRST, SELECT_ROWS, CandidateSearch, assign
from segmentation.engine import fit_table
from segmentation.prepared import PreparedColumn
from segmentation.synthetic import planted_audience
from segmentation.task_map import PARALLEL_MIN_ROWS, serial_map


class Backwards:
    """A TaskMap that records its calls and runs the tasks last first (as a pool may finish them)."""

    def __init__(self) -> None:
        self.calls: list[Sequence[Any]] = []

    def __call__(self, function: Callable[[Any], Any], tasks: Sequence[Any], /) -> list[Any]:
        self.calls.append(tasks)
        return [function(task) for task in reversed(tasks)][::-1]


def _table(n_rows: int, seed: int) -> pd.DataFrame:
    table, _ = planted_audience(k=4, n_rows=n_rows, seed=seed)
    return table


def _csv(n_rows: int, seed: int) -> bytes:
    return _table(n_rows, seed).to_csv(index=False).encode()


def test_the_searches_go_to_the_task_map_and_give_the_serial_result() -> None:
    table = _table(1_500, seed=5)
    data = table.to_csv(index=False).encode()
    backwards = Backwards()
    mapped = segment(io.BytesIO(data), task_map=backwards)
    serial = segment(io.BytesIO(data))
    columns, *rounds, described = backwards.calls
    # The columns' decisions, one task per column; then the scan of k, a round per step; then the profiles' columns.
    assert [name for name, *_ in columns] == list(table.columns)
    tried = sorted(mapped.k_scores)
    steps = [list(range(1, SCAN_FIRST + 1)), *([k] for k in tried[SCAN_FIRST:])]
    assert tried[-1] < 12
    # Each step is one task per search: the step's k from their own starts, then the search's chains.
    assert [[step for _, _, step in tasks] for tasks in rounds] == [[step] * 4 for step in steps]
    for tasks in rounds:
        searches = [search for search, _, _ in tasks]
        assert all(isinstance(search, CandidateSearch) for search in searches)
        assert [search.rows is None for search in searches] == [True, False, False, False]
        assert len({search.seed for search in searches}) == 4  # a seed per task, not per process
    assert described and all(isinstance(column, PreparedColumn) and column.used for column in described)
    assert np.array_equal(mapped.labels, serial.labels)
    assert mapped.to_dict() == serial.to_dict()


def test_below_the_threshold_the_searches_run_in_turn_whatever_the_task_map() -> None:
    assert PARALLEL_MIN_ROWS <= SELECT_ROWS
    backwards = Backwards()
    segment(io.BytesIO(_csv(PARALLEL_MIN_ROWS - 1, seed=6)), task_map=backwards)
    assert backwards.calls == []
    result = segment(io.BytesIO(_csv(PARALLEL_MIN_ROWS, seed=6)), task_map=backwards)
    # The columns' round, a round for k 1 to SCAN_FIRST and one for each larger k tried, the profiles' columns.
    assert len(backwards.calls) == 2 + (1 + max(result.k_scores) - SCAN_FIRST)


def test_every_row_is_assigned_in_chunks_that_the_task_map_may_run(monkeypatch: pytest.MonkeyPatch) -> None:
    fitted = fit_table(_table(1_500, seed=7))
    assert fitted.clustering.model is not None
    serial = assign(fitted.space, fitted.clustering.model)
    monkeypatch.setattr(clustering, "CHUNK_ROWS", 100)
    backwards = Backwards()
    chunked = assign(fitted.space, fitted.clustering.model, backwards)
    assert [list(tasks) for tasks in backwards.calls] == [list(range(0, 1_500, 100))]
    assert np.array_equal(chunked, serial)


def test_the_serial_map_keeps_the_order_and_raises_what_a_task_raises() -> None:
    assert serial_map(lambda n: n * n, [3, 1, 2]) == [9, 1, 4]
    with pytest.raises(ZeroDivisionError):
        serial_map(lambda n: 1 / n, [1, 0])
