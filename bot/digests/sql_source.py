"""Running a SQL source query read-only: one checked SELECT, a read-only session, a deadline and caps.

Three locks, each enough for writes on its own: the query is parsed and must be one plain SELECT
(`sql_query_check`); the driver runs a single statement only; the session and the transaction are read-only
(PostgreSQL `default_transaction_read_only` and `SET TRANSACTION READ ONLY`, SQLite opened with a `mode=ro` URI
and `PRAGMA query_only`, MySQL/MariaDB `SET SESSION TRANSACTION READ ONLY` and `START TRANSACTION READ ONLY`),
and is rolled back at the end. The bot's own database is refused, by its URL before connecting and by the
identity the server reports after. Operators should still give sources a read-only role (docs/security.md).
"""

from __future__ import annotations

import contextlib
import math
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.pool import NullPool

from bot.digests.source_errors import SourceError
from bot.digests.sql_query_check import check_read_query, forbidden_function
from bot.storage.source_secrets import masked_url

BATCH = 1000
SQLITE_HEADER = b"SQLite format 3\x00"
_DRIVERS = {"postgresql": "postgresql+psycopg", "mysql": "mysql+pymysql", "mariadb": "mariadb+pymysql"}


@dataclass(frozen=True)
class SqlLimits:
    timeout: float
    max_rows: int
    max_bytes: int


def read_query(database_url: str, query: str, *, own_database_url: str, limits: SqlLimits) -> pd.DataFrame:
    """The query's result as a table, or a `SourceError` saying in one sentence why not."""
    shown = masked_url(database_url)
    url = source_url(database_url)
    backend = url.get_backend_name()
    checked = check_read_query(query, backend)
    refuse_own_database(url, own_database_url, shown)
    end = time.monotonic() + limits.timeout
    with _session(url, shown, end) as session:
        identity = session.identity()
        if identity is not None and identity == _own_identity(url, own_database_url, end):
            raise SourceError(_own_database_message(shown))
        return session.fetch(checked, limits, end)


def source_url(database_url: str) -> URL:
    """The parsed URL with the driver Segbot uses for its backend; a `SourceError` for anything else."""
    shown = masked_url(database_url)
    try:
        url = make_url(database_url)
    except ArgumentError as error:
        raise SourceError(f"{shown} is not a database URL; use e.g. postgresql://user:password@host/dbname.") from error
    backend = url.get_backend_name()
    if backend == "sqlite":
        return url.set(drivername="sqlite")
    if backend not in _DRIVERS:
        raise SourceError(f"Segbot has no database driver for {shown}; use PostgreSQL, MySQL/MariaDB or SQLite.")
    return url.set(drivername=_DRIVERS[backend])


def refuse_own_database(url: URL, own_database_url: str, shown: str) -> None:
    """A `SourceError` when `url` names the bot's own database (same file, or same server and database)."""
    try:
        own = make_url(own_database_url)
    except ArgumentError:
        return
    if url.get_backend_name() != own.get_backend_name():
        return
    if url.get_backend_name() == "sqlite":
        same = _sqlite_path(url) is not None and _same_file(_sqlite_path(url), _sqlite_path(own))
    else:
        same = (
            _host(url) == _host(own)
            and (url.port or 0) == (own.port or 0)
            and (url.database or "") == (own.database or "")
        )
    if same:
        raise SourceError(_own_database_message(shown))


def _own_database_message(shown: str) -> str:
    return (
        f"{shown} is Segbot's own database; a dataset source must read another database (the bot's holds every "
        "workspace's data and tokens)."
    )


def _host(url: URL) -> str:
    host = (url.host or "localhost").lower().strip("[]")
    return "localhost" if host in ("127.0.0.1", "::1", "localhost", "") else host


def _sqlite_path(url: URL) -> Path | None:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def _same_file(first: Path | None, second: Path | None) -> bool:
    if first is None or second is None:
        return False
    try:
        return first.exists() and second.exists() and first.samefile(second)
    except OSError:
        return False


class _Session:
    """A read-only DBAPI connection and how to ask its server who it is."""

    def __init__(self, connection: Any, shown: str, identity_sql: str | None) -> None:
        self.connection, self.shown, self._identity_sql = connection, shown, identity_sql

    def identity(self) -> tuple[Any, ...] | None:
        if self._identity_sql is None:
            return None
        cursor = self.connection.cursor()
        cursor.execute(self._identity_sql)
        row = cursor.fetchone()
        cursor.close()
        return tuple(row) if row is not None else None

    def fetch(self, query: str, limits: SqlLimits, end: float) -> pd.DataFrame:
        cursor = self._cursor()
        cursor.execute(query)
        names = [str(column[0]) for column in cursor.description or ()]
        rows: list[tuple[Any, ...]] = []
        size = 0
        while batch := cursor.fetchmany(BATCH):
            if time.monotonic() > end:
                raise TimeoutError
            rows.extend(batch)
            size += sum(_cell_bytes(value) for row in batch for value in row)
            if len(rows) > limits.max_rows:
                raise SourceError(
                    f"The query on {self.shown} returned more than {limits.max_rows:,} rows (SEGBOT_MAX_ROWS); "
                    "narrow the query or raise the setting."
                )
            if size > limits.max_bytes:
                raise SourceError(
                    f"The query on {self.shown} returned more than {limits.max_bytes / 2**20:g} MB "
                    "(SEGBOT_SOURCE_MAX_MB); narrow the query or raise the setting."
                )
        return pd.DataFrame.from_records(rows, columns=names, coerce_float=True)

    def _cursor(self) -> Any:
        if type(self.connection).__module__.startswith("psycopg"):
            # A server-side cursor: rows come in batches instead of the whole result at once.
            return self.connection.cursor(name="segbot_source")
        if type(self.connection).__module__.startswith("pymysql"):
            import pymysql.cursors

            return self.connection.cursor(pymysql.cursors.SSCursor)
        return self.connection.cursor()


def _cell_bytes(value: object) -> int:
    return len(value) if isinstance(value, str | bytes | bytearray | memoryview) else 8


@contextmanager
def _session(url: URL, shown: str, end: float) -> Iterator[_Session]:
    opener = _OPENERS[url.get_backend_name() if url.get_backend_name() in _OPENERS else "mysql"]
    try:
        connection, identity_sql = opener(url, shown, end)
    except SourceError:
        raise
    except Exception as error:
        raise SourceError(_failure(shown, error)) from error
    try:
        yield _Session(connection, shown, identity_sql)
    except SourceError:
        raise
    except TimeoutError as error:
        raise SourceError(_too_slow(shown)) from error
    except Exception as error:
        if _is_timeout(error):
            raise SourceError(_too_slow(shown)) from error
        raise SourceError(_failure(shown, error)) from error
    finally:
        _close(connection)


def _too_slow(shown: str) -> str:
    return (
        f"The query on {shown} did not finish in the time allowed (SEGBOT_SOURCE_TIMEOUT); make it faster or "
        "raise the setting."
    )


def _failure(shown: str, error: BaseException) -> str:
    detail = (str(getattr(error, "orig", None) or error).strip().splitlines() or [type(error).__name__])[0]
    return f"The query on {shown} failed ({detail}); check the query and the database."


def _is_timeout(error: BaseException) -> bool:
    text = str(error).lower()
    return any(
        marker in text
        for marker in ("statement timeout", "canceling statement", "interrupted", "max_statement_time",
                       "maximum statement execution time", "timed out")
    )  # fmt: skip


def _close(connection: Any) -> None:
    with contextlib.suppress(Exception):  # after a failure the rollback may fail too
        connection.rollback()
    connection.close()


def _left(end: float) -> float:
    remaining = end - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    return remaining


def _driver_arguments(url: URL) -> tuple[list[Any], dict[str, Any]]:
    try:
        dialect = sa.create_engine(url, poolclass=NullPool).dialect
    except (NoSuchModuleError, ImportError) as error:
        raise SourceError(f"Segbot has no database driver for {masked_url(str(url))}.") from error
    cargs, cparams = dialect.create_connect_args(url)
    return list(cargs), dict(cparams)


def _open_postgresql(url: URL, shown: str, end: float) -> tuple[Any, str]:
    import psycopg

    cargs, cparams = _driver_arguments(url)
    milliseconds = max(1, int(_left(end) * 1000))
    ours = (
        f"-c default_transaction_read_only=on -c statement_timeout={milliseconds} -c lock_timeout={milliseconds} "
        f"-c idle_in_transaction_session_timeout={milliseconds}"
    )
    cparams["options"] = f"{cparams.get('options', '')} {ours}".strip()  # ours last: they win
    cparams["connect_timeout"] = max(1, math.ceil(_left(end)))
    cparams.pop("client_encoding", None)
    connection = psycopg.connect(*cargs, **cparams)
    connection.execute("SET TRANSACTION READ ONLY")
    if connection.execute("SHOW transaction_read_only").fetchone() != ("on",):
        connection.close()
        raise SourceError(f"Segbot could not make the session on {shown} read-only, so it does not run the query.")
    identity = "SELECT current_database(), inet_server_port(), pg_postmaster_start_time()"
    return connection, identity


def _open_mysql(url: URL, shown: str, end: float) -> tuple[Any, str]:
    import pymysql

    cargs, cparams = _driver_arguments(url)
    seconds = max(1, math.ceil(_left(end)))
    # The server stops the statement at `seconds`; the client's own timeout is only the backstop.
    cparams.update(connect_timeout=seconds, read_timeout=seconds + 2, write_timeout=seconds + 2)
    cparams.pop("client_flag", None)  # never CLIENT.MULTI_STATEMENTS
    connection = pymysql.connect(*cargs, **cparams)
    cursor = connection.cursor()
    cursor.execute("SELECT VERSION()")
    mariadb = "mariadb" in str(cursor.fetchone()[0]).lower()
    if mariadb:
        cursor.execute(f"SET SESSION max_statement_time = {seconds}")
    else:
        cursor.execute(f"SET SESSION max_execution_time = {seconds * 1000}")
    cursor.execute("SET SESSION TRANSACTION READ ONLY")
    cursor.execute("START TRANSACTION READ ONLY")
    cursor.execute("SELECT @@session.tx_read_only" if mariadb else "SELECT @@session.transaction_read_only")
    if cursor.fetchone() != (1,):
        connection.close()
        raise SourceError(f"Segbot could not make the session on {shown} read-only, so it does not run the query.")
    cursor.close()
    return connection, "SELECT @@hostname, @@port, @@datadir, DATABASE()"


def _open_sqlite(url: URL, shown: str, end: float) -> tuple[Any, None]:
    path = _sqlite_path(url)
    if path is None:
        raise SourceError(f"{shown} names no database file; give sqlite:////absolute/path/to/file.db.")
    path = path.resolve()
    if not path.is_file():
        raise SourceError(f"There is no SQLite database at {path}; check the path (Segbot never creates one).")
    try:
        with path.open("rb") as stream:
            header = stream.read(len(SQLITE_HEADER))
    except OSError as error:
        raise SourceError(f"Segbot may not read {path}; check the file's permissions.") from error
    if header != SQLITE_HEADER:
        raise SourceError(f"{path} is not an SQLite database; check the path.")
    connection = sqlite3.connect(
        f"file:{quote(str(path))}?mode=ro", uri=True, timeout=_left(end), check_same_thread=False
    )
    connection.execute("PRAGMA query_only = ON")
    connection.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    connection.set_authorizer(_sqlite_reads_only)
    connection.set_progress_handler(_stop_after(end), 10_000)
    return connection, None


_SQLITE_READS = frozenset({sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE})


def _sqlite_reads_only(action: int, first: str | None, _second: str | None, _db: str | None, _by: str | None) -> int:
    """SQLite's authorizer: reading tables and calling ordinary functions only (no ATTACH, PRAGMA or writes)."""
    if action in _SQLITE_READS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_FUNCTION and not forbidden_function((first or "").lower()):
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def _stop_after(end: float) -> Callable[[], int]:
    return lambda: int(time.monotonic() > end)


def _own_identity(url: URL, own_database_url: str, end: float) -> tuple[Any, ...] | None:
    """What the bot's own database server reports for the query `url`'s session answers, if same backend."""
    try:
        own = source_url(own_database_url)
    except SourceError:
        return None
    backend = url.get_backend_name()
    if backend == "sqlite" or own.get_backend_name() != backend:
        return None
    try:
        with _session(own, masked_url(own_database_url), end) as session:
            return session.identity()
    except SourceError:
        return None


_OPENERS: dict[str, Callable[[URL, str, float], tuple[Any, str | None]]] = {
    "postgresql": _open_postgresql,
    "sqlite": _open_sqlite,
    "mysql": _open_mysql,
    "mariadb": _open_mysql,
}
