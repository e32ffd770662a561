"""SQL sources are truly read-only: one parsed SELECT, a read-only session, a deadline, caps, never the bot's DB.

Run against real SQLite files, a scratch schema on the local PostgreSQL server and a scratch database on the
local MariaDB server. Each write is tried twice: through `pull` (the parser refuses it) and with the parser
switched off (the read-only session refuses it); either way the source's tables are unchanged afterwards.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
import pytest
import sqlalchemy as sa

from bot.digests import sql_source
from bot.digests.sources import SourceError, check_sql_source, pull
from bot.digests.sql_query_check import check_read_query
from bot.settings import Settings
from bot.storage.datasets import SourceSpec
from tests.digests.helpers import digest_settings
from tests.postgres import DEFAULT_POSTGRES_URL

MARIADB_URL = os.environ.get("SEGBOT_TEST_MARIADB_URL", "mysql://root@127.0.0.1:3306")
ROWS = [(30, "DE"), (40, "FR"), (50, "US")]


def _settings(own_database: str = "sqlite://", **overrides: Any) -> Settings:
    return digest_settings(own_database, "http://127.0.0.1:9/api/", **{"SEGBOT_SOURCE_TIMEOUT": 20, **overrides})


def _pull(url: str, query: str, settings: Settings | None = None) -> pd.DataFrame:
    data = pull(SourceSpec("sql", url, query), settings or _settings()).data
    assert isinstance(data, pd.DataFrame)
    return data


class Source:
    """A scratch source database with table `t(age, country)` holding ROWS, and a way to look inside it."""

    def __init__(self, url: str, admin_url: str, backend: str) -> None:
        self.url, self.backend = url, backend
        self.admin = sa.create_engine(admin_url, poolclass=sa.pool.NullPool)

    def tables(self) -> set[str]:
        return set(sa.inspect(self.admin).get_table_names())

    def rows(self) -> list[tuple[Any, ...]]:
        with self.admin.connect() as connection:
            return [tuple(r) for r in connection.execute(sa.text("select age, country from t order by age"))]

    def unchanged(self) -> bool:
        return self.tables() == {"t"} and self.rows() == ROWS


def _fill(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text("create table t (age integer, country varchar(8))"))
        connection.execute(sa.text("insert into t values (30, 'DE'), (40, 'FR'), (50, 'US')"))


@pytest.fixture
def sqlite_source(tmp_path: Path) -> Iterator[Source]:
    path = tmp_path / "crm.db"
    url = f"sqlite:///{path}"
    source = Source(url, url, "sqlite")
    _fill(source.admin)
    yield source
    source.admin.dispose()


@pytest.fixture
def postgres_source() -> Iterator[Source]:
    base = os.environ.get("SEGBOT_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    admin = sa.create_engine(base, poolclass=sa.pool.NullPool)
    schema = f"segbot_src_{uuid.uuid4().hex[:10]}"
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as error:
        if os.environ.get("SEGBOT_REQUIRE_SERVICES") == "1":
            pytest.fail(f"PostgreSQL not reachable at {base}: {error.orig}")
        pytest.skip(f"PostgreSQL not reachable at {base}")
    url = f"{base}?options={quote(f'-csearch_path={schema}')}"
    source = Source(url.replace("postgresql+psycopg://", "postgresql://"), url, "postgresql")
    _fill(source.admin)
    yield source
    source.admin.dispose()
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def mariadb_source() -> Iterator[Source]:
    base = MARIADB_URL.replace("mysql://", "mysql+pymysql://")
    admin = sa.create_engine(base, poolclass=sa.pool.NullPool)
    name = f"segbot_src_{uuid.uuid4().hex[:10]}"
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f"CREATE DATABASE {name}"))
    except sa.exc.OperationalError as error:
        pytest.skip(f"MariaDB/MySQL not reachable at {MARIADB_URL}: {error.orig}")
    source = Source(f"{MARIADB_URL}/{name}", f"{base}/{name}", "mysql")
    _fill(source.admin)
    yield source
    source.admin.dispose()
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP DATABASE {name}"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def source(request: pytest.FixtureRequest) -> Source:
    fixture = {"sqlite": "sqlite_source", "postgresql": "postgres_source", "mariadb": "mariadb_source"}
    result: Source = request.getfixturevalue(fixture[request.param])
    return result


WRITES = [
    "commit; drop table t; select 1",
    "drop table t",
    "create table z (a integer)",
    "insert into t values (60, 'NL')",
    "delete from t",
    "update t set age = 0",
    "select 1; drop table t",
]
WRITES_BY_BACKEND = {
    "sqlite": ["attach database 'planted.db' as p", "pragma query_only = off", "vacuum into 'copy.db'"],
    "postgresql": [
        "with gone as (delete from t returning *) select * from gone",
        "select * into z from t",
        "select * from t for update",
        "set transaction read write",
        "copy t to '/tmp/segbot_copy.csv'",
    ],
    "mysql": [
        "select * from t into outfile '/tmp/segbot_out.csv'",
        "select 1 into @x",
        "lock tables t write",
        "select age from t /*!50000 into outfile '/tmp/segbot_out.csv' */",
        "select age /*M! , load_file('/etc/passwd') */ from t",
    ],
}
FILE_READS = {
    "postgresql": ["select pg_read_file('/etc/passwd')", "select pg_catalog.pg_read_file('/etc/hostname')",
                   "select query_to_xml('select pg_read_file(''/etc/passwd'')', true, true, '')",
                   "select lo_import('/etc/passwd')", "select pg_ls_dir('/')"],
    "mysql": ["select load_file('/etc/passwd')"],
    "sqlite": ["select load_extension('/tmp/evil.so')"],
}  # fmt: skip


def test_a_select_is_read_on_every_backend(source: Source) -> None:
    frame = _pull(source.url, "select age, country from t order by age")
    assert frame["age"].tolist() == [30, 40, 50] and frame["country"].tolist() == ["DE", "FR", "US"]
    assert source.unchanged()


def test_writes_are_refused_by_the_parser_and_nothing_persists(source: Source) -> None:
    for query in WRITES + WRITES_BY_BACKEND[source.backend] + FILE_READS[source.backend]:
        with pytest.raises(SourceError) as raised:
            _pull(source.url, query)
        assert "source query" in str(raised.value), query
        assert source.unchanged(), query


def test_with_the_parser_switched_off_the_read_only_session_still_refuses_writes(
    source: Source, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sql_source, "check_read_query", lambda query, _backend: query)
    monkeypatch.chdir(tmp_path)
    # INTO OUTFILE is left out: MySQL writes that file on its server even in a read-only transaction when the
    # role has the FILE privilege (root here), so only the parser stops it; docs/security.md says so.
    bypassed = WRITES + [q for q in WRITES_BY_BACKEND[source.backend] if "outfile" not in q.lower()]
    for query in bypassed:
        try:
            _pull(source.url, query)
        except SourceError as error:
            assert "hunter" not in str(error)
        assert source.unchanged(), query
    assert not (tmp_path / "planted.db").exists() and not (tmp_path / "copy.db").exists()


def test_the_read_only_lock_itself_names_the_write_it_stopped(source: Source, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sql_source, "check_read_query", lambda query, _backend: query)
    query, expected = {
        "sqlite": ("insert into t values (60, 'NL')", "not authorized"),
        "postgresql": ("select * from t for update", "cannot execute SELECT FOR UPDATE in a read-only transaction"),
        "mysql": ("insert into t values (60, 'NL')", "READ ONLY transaction"),
    }[source.backend]
    with pytest.raises(SourceError, match=rf"The query on .* failed \(.*{expected}"):
        _pull(source.url, query)
    assert source.unchanged()


def test_a_slow_query_is_stopped_at_the_deadline(source: Source) -> None:
    slow = {
        "sqlite": "with recursive c(n) as (select 1 union all select n + 1 from c) select count(*) from c",
        "postgresql": "select count(*) from generate_series(1, 2000000000)",
        "mysql": "select count(*) from information_schema.columns a, information_schema.columns b, "
        "information_schema.columns c, information_schema.columns d",
    }[source.backend]
    with pytest.raises(SourceError, match=r"did not finish in the time allowed \(SEGBOT_SOURCE_TIMEOUT\)"):
        _pull(source.url, slow, _settings(SEGBOT_SOURCE_TIMEOUT=1))


def test_the_row_cap_holds(source: Source) -> None:
    with pytest.raises(SourceError, match=r"returned more than 2 rows \(SEGBOT_MAX_ROWS\)"):
        _pull(source.url, "select * from t", _settings(SEGBOT_MAX_ROWS=2))
    assert len(_pull(source.url, "select * from t", _settings(SEGBOT_MAX_ROWS=3))) == 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("select 1", None),
        ("select a, count(*) from t where b like 'x%' group by a order by 2 desc;", None),
        ("with x as (select 1 as a) select a from x union all select 2", None),
        ("select age::int from t", None),
        ("commit; drop table t; select 1", "holds 3 statements"),
        ("select 1; select 2", "holds 2 statements"),
        ("drop table t", "runs DROP"),
        ("explain analyze delete from t", "runs EXPLAIN"),
        ("with d as (delete from t returning *) select * from d", "contains DELETE"),
        ("select * into z from t", "contains SELECT ... INTO"),
        ("select \"pg_read_file\"('/etc/passwd')", "calls pg_read_file()"),
        ("select pg_advisory_lock(1)", "calls pg_advisory_lock()"),
        ("select set_config('default_transaction_read_only', 'off', false)", "calls set_config()"),
        ("select from where", "could not be read as SQL"),
    ],
)
def test_the_query_is_parsed_not_string_matched(query: str, expected: str | None) -> None:
    if expected is None:
        assert check_read_query(query, "postgresql") == query.rstrip(";")
    else:
        with pytest.raises(SourceError, match=expected.replace("(", r"\(").replace(")", r"\)")):
            check_read_query(query, "postgresql")


def test_a_column_or_string_named_like_a_write_is_fine(sqlite_source: Source) -> None:
    with sqlite3.connect(sqlite_source.url.removeprefix("sqlite:///")) as connection:
        connection.execute("create view drop_table as select 'delete from t; drop table t' as note")
    frame = _pull(sqlite_source.url, 'select note as "create" from drop_table')
    assert frame["create"].tolist() == ["delete from t; drop table t"]


def test_sqlite_sources_never_create_or_open_non_databases(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    cases: list[tuple[str, str]] = [
        (f"sqlite:///{missing}", "There is no SQLite database at"),
        ("sqlite:////etc/passwd", "/etc/passwd is not an SQLite database"),
        (f"sqlite:///{tmp_path}", "There is no SQLite database at"),
        ("sqlite://", "names no database file"),
        (f"sqlite:///file:{missing}?mode=rwc&uri=true", "names no database file"),
    ]
    for url, expected in cases:
        with pytest.raises(SourceError, match=expected):
            _pull(url, "select 1")
    assert not missing.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def _own_sqlite_database(tmp_path: Path) -> str:
    own = tmp_path / "segbot.db"
    sqlite3.connect(own).execute("create table workspace_tokens (token text)").connection.commit()
    return str(own)


def test_the_bots_own_sqlite_database_is_refused_by_any_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own = _own_sqlite_database(tmp_path)
    (tmp_path / "alias.db").symlink_to(own)
    monkeypatch.chdir(tmp_path)
    settings = _settings(own_database=f"sqlite:///{own}")
    for url in (f"sqlite:///{own}", "sqlite:///segbot.db", f"sqlite:///{tmp_path / 'alias.db'}"):
        with pytest.raises(SourceError, match="is Segbot's own database"):
            check_sql_source(url, "select * from workspace_tokens", settings)
        with pytest.raises(SourceError, match="is Segbot's own database"):
            _pull(url, "select * from workspace_tokens", settings)


def test_the_bots_own_postgresql_database_is_refused_by_url_and_by_identity(
    postgres_source: Source, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = os.environ.get("SEGBOT_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    settings = _settings(own_database=own)
    alias = postgres_source.url.replace("127.0.0.1", "localhost")
    for url in (postgres_source.url, alias):
        with pytest.raises(SourceError, match="is Segbot's own database"):
            check_sql_source(url, "select 1", settings)
    # A name the URL check cannot tell apart (another alias, a proxy): the server's own answer still can.
    no_url_check: Callable[..., None] = lambda *_args: None  # noqa: E731
    monkeypatch.setattr(sql_source, "refuse_own_database", no_url_check)
    with pytest.raises(SourceError, match="is Segbot's own database"):
        _pull(alias, "select * from t", settings)
    assert postgres_source.unchanged()


def test_another_database_on_the_same_server_is_allowed(postgres_source: Source) -> None:
    settings = _settings(own_database=f"{DEFAULT_POSTGRES_URL.rsplit('/', 1)[0]}/segbot_elsewhere")
    assert len(_pull(postgres_source.url, "select * from t", settings)) == 3
