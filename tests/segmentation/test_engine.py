"""`segment()` end to end: bytes in, a complete result out, and one plain sentence for unusable input."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from segmentation import InvalidOptionError, SegmentationResult, UnusableDataError, segment
from segmentation.synthetic import planted_audience


@pytest.fixture(scope="module")
def planted() -> tuple[pd.DataFrame, np.ndarray, SegmentationResult]:
    table, truth = planted_audience(k=3, n_rows=900, seed=8)
    csv = table.to_csv(index=False).encode()
    return table, truth, segment(io.BytesIO(csv))


def test_csv_bytes_to_segments(planted: tuple[pd.DataFrame, np.ndarray, SegmentationResult]) -> None:
    table, truth, result = planted
    assert result.k == 3 and result.n_rows == len(table)
    assert adjusted_rand_score(truth, result.labels) >= 0.9
    assert len(result.labels) == len(table) and set(np.unique(result.labels)) == {0, 1, 2}
    assert [s.id for s in result.segments] == [0, 1, 2]
    assert [s.size for s in result.segments] == list(np.bincount(result.labels))
    assert sum(s.share for s in result.segments) == pytest.approx(1.0)
    assert all(s.name and s.features for s in result.segments)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["k"] == 3 and len(data["columns"]) == len(table.columns)


def test_roles_carry_weights_and_noise_weighs_little(
    planted: tuple[pd.DataFrame, np.ndarray, SegmentationResult],
) -> None:
    _, _, result = planted
    roles = {role.name: role for role in result.columns}
    assert roles["customer_id"].role == "identifier" and roles["customer_id"].weight == 0.0
    noise = [roles[name].weight for name in ("favorite_color", "survey_score", "session_minutes")]
    signal = [roles[name].weight for name in ("age", "annual_income", "total_spend")]
    assert max(noise) < 0.1 < min(signal)
    assert max(role.weight for role in result.columns) == pytest.approx(1.0)
    assert roles["signup_date"].weight > 0


def test_dataframe_input_and_seed_repeatability(planted: tuple[pd.DataFrame, np.ndarray, SegmentationResult]) -> None:
    table, _, result = planted
    again = segment(table, seed=0)
    assert np.array_equal(again.labels, result.labels)
    assert again.k_reason == result.k_reason


def test_too_few_rows() -> None:
    table = pd.DataFrame({"age": range(19), "spend": range(19)})
    with pytest.raises(UnusableDataError, match=r"^The table has only 19 rows; segmenting needs at least 20"):
        segment(table)


def test_only_ids_emails_and_free_text() -> None:
    n = 40
    table = pd.DataFrame(
        {
            "user_id": [f"U{i:05d}" for i in range(n)],
            "email": [f"someone{i}@example.org" for i in range(n)],
            "feedback": [f"Order {i} arrived late but the support team was helpful and kind" for i in range(n)],
        }
    )
    with pytest.raises(UnusableDataError, match=r"^No column can be used for segmenting \(only ids, emails, free"):
        segment(table)


def test_every_column_constant() -> None:
    table = pd.DataFrame({"id": range(30), "plan": ["pro"] * 30, "country": ["US"] * 30})
    expected = r"^Every column holds the same value in every row, so there is nothing to segment on; export columns "
    with pytest.raises(UnusableDataError, match=expected):
        segment(table)


def test_unknown_column_and_k_out_of_range(planted: tuple[pd.DataFrame, np.ndarray, SegmentationResult]) -> None:
    table, _, _ = planted
    with pytest.raises(InvalidOptionError, match=r"There is no column 'totl_spend' in --columns; did you mean 'total_"):
        segment(table, columns=["age", "totl_spend"])
    with pytest.raises(InvalidOptionError, match=r"^k must be between 1 and 12 for 900 rows"):
        segment(table, k=13)
    with pytest.raises(InvalidOptionError, match=r"^k must be between 1 and 6 for 30 rows"):
        segment(table.head(30), k=7)


def test_any_integer_seed_works(planted: tuple[pd.DataFrame, np.ndarray, SegmentationResult]) -> None:
    table, truth, _ = planted
    for seed in (-5, 2**40):
        result = segment(table, seed=seed)
        assert result.seed == seed and adjusted_rand_score(truth, result.labels) >= 0.9


def test_chosen_columns_that_cannot_be_used() -> None:
    table = pd.DataFrame({"plan": ["pro"] * 30, "age": range(30)})
    with pytest.raises(UnusableDataError, match=r"^None of the chosen columns can be used for segmenting \(plan: "):
        segment(table, columns=["plan"])
