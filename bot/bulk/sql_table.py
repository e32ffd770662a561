"""A warehouse table as a source too large to copy: the sample drawn in the database, rows streamed in chunks.

`segbot segment URL --table NAME --key COLUMN --chunked`: NAME must exist and COLUMN must be one of its integer
columns (a unique id). The sample is the `sample_rows` rows with the smallest seeded hash of the key, computed
and ordered by the database (`ORDER BY (key * A + seed) % P LIMIT n`), so only the sample crosses the network
for the fit; then every row is streamed in key order (a server-side cursor, `chunk_rows` at a time) and
assigned. Labels are `row,segment` with `row` the 0-based position in key order. Segbot only builds these two
SELECTs from the reflected table (no SQL text from the user); still give it a read-only role (docs/security.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from bot.bulk.chunked_run import FitOptions, assign_chunks, fit, write_labels
from bot.bulk.chunks import CHUNK_ROWS
from bot.errors import SegbotError
from segmentation.near_names import closest_name
from segmentation.reading import clean_frame
from segmentation.result import SegmentationResult
from segmentation.streaming import SampleDraw, with_sizes

# The sample order is (key * factor + seed) mod a prime, computed on the key reduced mod that prime first, so the
# product stays inside 64 bits for any BIGINT key (snowflake or timestamp ids overflowed PostgreSQL's bigint).
HASH_FACTOR = 1_000_003
HASH_MODULUS = 2_147_483_647


@dataclass(frozen=True)
class SqlTable:
    """A table of a database (SQLAlchemy URL), read in the order of its integer key column."""

    url: str
    table: str
    key: str


def segment_sql_table(
    source: SqlTable, options: FitOptions, *, labels_out: Path | None = None, chunk_rows: int = CHUNK_ROWS
) -> SegmentationResult:
    """The table segmented in bounded memory: fit on the database's sample, every row assigned in key order."""
    engine = _engine(source.url)
    try:
        table = _reflect(engine, source)
        key = table.c[source.key]
        with engine.connect() as connection:
            total = int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
            order = ((key % HASH_MODULUS) * HASH_FACTOR + options.seed % HASH_MODULUS) % HASH_MODULUS
            sampled = sa.select(table).order_by(order, key).limit(options.sample_rows)
            sample = clean_frame(pd.read_sql_query(sampled, connection))
        draw = SampleDraw(rows=options.sample_rows, seed=options.seed, parts=(sample,), n_rows=total)
        result, assigner = fit(draw, options, decimal_comma=False)
        with engine.connect() as connection:
            chunks = _chunks(connection, sa.select(table).order_by(key), chunk_rows)
            sizes = write_labels(labels_out, assign_chunks(assigner, chunks), result.k)
    finally:
        engine.dispose()
    return with_sizes(result, np.asarray(sizes))


def _chunks(connection: sa.Connection, query: sa.Select[tuple[object, ...]], chunk_rows: int) -> Iterator[pd.DataFrame]:
    streaming = connection.execution_options(stream_results=True, max_row_buffer=chunk_rows)
    for chunk in pd.read_sql_query(query, streaming, chunksize=chunk_rows):
        yield clean_frame(chunk)


def _engine(url: str) -> sa.Engine:
    try:
        return sa.create_engine(url, poolclass=sa.pool.NullPool)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as error:
        raise SegbotError(
            f"{url.split('://', maxsplit=1)[0]}:// is not a database URL Segbot can open; give one such as "
            "postgresql+psycopg://user@host/warehouse."
        ) from error


def _reflect(engine: sa.Engine, source: SqlTable) -> sa.Table:
    try:
        table = sa.Table(source.table, sa.MetaData(), autoload_with=engine)
    except sa.exc.NoSuchTableError as error:
        raise SegbotError(f"There is no table '{source.table}' in that database; check --table.") from error
    except sa.exc.OperationalError as error:
        raise SegbotError(f"Segbot could not read the database: {error.orig}; check the URL.") from error
    if source.key not in table.c:
        close = closest_name(source.key, table.c.keys())
        hint = f"did you mean '{close}'?" if close else f"its columns: {', '.join(table.c.keys()[:12])}."
        raise SegbotError(f"The table '{source.table}' has no column '{source.key}' for --key; {hint}")
    if not isinstance(table.c[source.key].type, sa.Integer):
        raise SegbotError(
            f"--key {source.key} is not an integer column of '{source.table}'; give its integer id column, so the "
            "database can draw the sample and order the rows."
        )
    return table
