"""A warehouse table (real SQLite, and PostgreSQL when it runs): sample drawn in the database, rows streamed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from bot.bulk.chunked_run import FitOptions
from bot.bulk.sql_table import SqlTable, segment_sql_table
from bot.errors import SegbotError
from segmentation.reading import clean_frame
from segmentation.streaming import fit_sample
from segmentation.synthetic import planted_audience

# Rows of the warehouse table: enough for three chunks of 400 and a sample above the 1,000 rows from which the
# engine forks; the two fits of 2,500 rows the labels test used to make cost about 9 CPU seconds per database.
ROWS = 1_200


def audience() -> pd.DataFrame:
    table, _ = planted_audience(k=3, n_rows=ROWS, seed=21)
    table.insert(0, "person_id", np.random.default_rng(0).permutation(ROWS) * 7 + 3)
    return table.drop(columns=["customer_id"])


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    url = (
        f"sqlite:///{tmp_path / 'warehouse.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    engine = sa.create_engine(url)
    audience().to_sql("audience", engine, index=False, if_exists="replace")
    yield url
    # The PostgreSQL schema is shared by the whole session: other tests expect exactly Segbot's own tables in it.
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS audience"))
    engine.dispose()


def test_the_sql_run_labels_every_row_in_key_order(warehouse: str, tmp_path: Path) -> None:
    labels_path = tmp_path / "labels.csv"
    source = SqlTable(warehouse, "audience", "person_id")

    result = segment_sql_table(source, FitOptions(seed=0, sample_rows=ROWS), labels_out=labels_path, chunk_rows=400)

    engine = sa.create_engine(warehouse)
    whole = clean_frame(pd.read_sql_query("SELECT * FROM audience ORDER BY person_id", engine))
    engine.dispose()
    expected, _ = fit_sample(whole, seed=0)
    labels = pd.read_csv(labels_path)
    assert list(labels.columns) == ["row", "segment"]
    assert np.array_equal(labels["row"].to_numpy(), np.arange(ROWS))
    assert result.k == expected.k > 1
    assert np.array_equal(labels["segment"].to_numpy(), expected.labels)
    assert [s.size for s in result.segments] == [int((labels["segment"] == s.id).sum()) for s in result.segments]


def test_the_database_sample_is_seeded(warehouse: str) -> None:
    source = SqlTable(warehouse, "audience", "person_id")
    first = segment_sql_table(source, FitOptions(seed=4, sample_rows=600))
    again = segment_sql_table(source, FitOptions(seed=4, sample_rows=600))

    assert first.n_rows == ROWS
    assert [s.size for s in first.segments] == [s.size for s in again.segments]


def test_a_wrong_key_or_table_is_one_sentence(warehouse: str) -> None:
    with pytest.raises(SegbotError, match="no column 'id' for --key"):
        segment_sql_table(SqlTable(warehouse, "audience", "id"), FitOptions())
    with pytest.raises(SegbotError, match=r"no column 'person_di' for --key; did you mean 'person_id'\?$"):
        segment_sql_table(SqlTable(warehouse, "audience", "person_di"), FitOptions())
    with pytest.raises(SegbotError, match="is not an integer column"):
        segment_sql_table(SqlTable(warehouse, "audience", "email"), FitOptions())
    with pytest.raises(SegbotError, match="no table 'people'"):
        segment_sql_table(SqlTable(warehouse, "people", "person_id"), FitOptions())


def test_the_cli_asks_for_the_key_in_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    code = main(["segment", "sqlite:///warehouse.db", "--table", "audience", "--chunked"])

    assert code == 2
    assert "--table needs --key COLUMN" in capsys.readouterr().err


def test_keys_as_large_as_bigint_allows_are_sampled_without_overflow(warehouse: str) -> None:
    """Snowflake-style ids (about 1e18) overflowed PostgreSQL's bigint in the sample order: "something went wrong"."""
    engine = sa.create_engine(warehouse)
    table = audience().assign(person_id=lambda frame: frame["person_id"] * 1_000_000_000_000_000 // 7)
    table.to_sql("audience", engine, index=False, if_exists="replace")
    engine.dispose()
    source = SqlTable(warehouse, "audience", "person_id")
    first = segment_sql_table(source, FitOptions(seed=2, sample_rows=600))
    again = segment_sql_table(source, FitOptions(seed=2, sample_rows=600))
    assert first.n_rows == ROWS
    assert [s.size for s in first.segments] == [s.size for s in again.segments]
