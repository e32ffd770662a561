"""Tiny files with few distinct values: `segment()` returns a result (k=1 "no distinct segments" included),
or, when every column is constant, the one sentence saying there is nothing to segment on.

A fit on such a file can leave a component with no row; splitting that empty segment to start the next k
crashed inside k-means ("Found array with 0 sample(s)"). These are the reported shapes, then a sweep.
"""

from __future__ import annotations

import io
import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segmentation import segment
from segmentation.errors import UnusableDataError


def _csv(header: list[str], rows: list[list[int]], sep: str = ",") -> io.BytesIO:
    lines = [sep.join(header), *(sep.join(str(v) for v in row) for row in rows)]
    return io.BytesIO(("\n".join(lines) + "\n").encode())


def _random_scores() -> list[list[int]]:
    rng = random.Random(1)
    return [[rng.randint(0, 2)] for _ in range(100)]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_csv(["score"], _random_scores()), id="100 rows of random 0-2"),
        pytest.param(_csv(["score"], [[i % 3] for i in range(60)]), id="60 rows of i%3"),
        pytest.param(_csv(["score"], [[i % 5] for i in range(100)]), id="100 rows of i%5"),
        pytest.param(_csv(["a", "b"], [[i, i % 3] for i in range(100)], sep=";"), id="a;b with b=i%3"),
    ],
)
def test_reported_shapes_give_a_report(data: io.BytesIO) -> None:
    result = segment(data)
    assert result.k >= 1
    assert sum(s.size for s in result.segments) == result.n_rows


@settings(
    max_examples=int(os.environ.get("SEGBOT_FEW_VALUES_EXAMPLES", "25")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    n_columns=st.integers(1, 3),
    n_rows=st.integers(20, 200),
    n_values=st.integers(1, 5),
    seed=st.integers(0, 2**16),
)
def test_tiny_files_with_few_values_give_a_result(n_columns: int, n_rows: int, n_values: int, seed: int) -> None:
    rng = random.Random(seed)
    rows = [[rng.randrange(n_values) for _ in range(n_columns)] for _ in range(n_rows)]
    data = _csv([f"c{i}" for i in range(n_columns)], rows)
    if all(len({row[c] for row in rows}) == 1 for c in range(n_columns)):
        with pytest.raises(UnusableDataError, match="nothing to segment on"):  # the sentence meant for people
            segment(data)
        return
    result = segment(data)
    assert result.k == len(result.segments) >= 1
    assert sum(s.size for s in result.segments) == n_rows
