"""Creating the engine from `DATABASE_URL` and bringing its schema up to date with Alembic."""

from __future__ import annotations

import re
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError

from bot.errors import ConfigurationError
from bot.storage.token_secrets import TokenCipher

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_SECONDS = 30
"""How long a SQLite write waits for another process's lock before giving up."""


def create_database_engine(url: str) -> Engine:
    """An Engine for `url`; `postgresql://` URLs use psycopg 3, SQLite gets foreign keys and a busy timeout."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as error:  # ValueError: a port that is not a number
        raise ConfigurationError(
            f"DATABASE_URL {_without_password(url)!r} is not a database URL; use e.g. sqlite:///segbot.db "
            "or postgresql://user@host/dbname."
        ) from error
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        if parsed.get_backend_name() == "sqlite":
            engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_SECONDS})
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(parsed, pool_pre_ping=True)
    except (NoSuchModuleError, ImportError) as error:
        raise ConfigurationError(
            f"DATABASE_URL names a database Segbot cannot use ({parsed.drivername}); use SQLite "
            "(sqlite:///segbot.db) or PostgreSQL (postgresql://user@host/dbname)."
        ) from error


_PASSWORD = re.compile(r"^((?:[^:/@]*://)?[^:/@]*):[^@]*@")


def _without_password(url: str) -> str:
    """`url` with the password masked, even when it is too malformed to parse (a typo must not echo it)."""
    return _PASSWORD.sub(r"\1:***@", url)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the web process read while a worker writes (the default journal blocks readers).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head", *, token_cipher: TokenCipher | None = None) -> None:
    """Apply every migration up to `revision` (the `segbot db upgrade` command).

    With `token_cipher`, Slack tokens an older Segbot stored in plain text are encrypted on the way.
    """
    current_revision_safe(engine)  # an unreachable server or a file that is not a database, said plainly
    config = alembic_config(engine)
    config.attributes["token_cipher"] = token_cipher
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except OperationalError as error:
        raise ConfigurationError(
            f"Could not reach the database at {engine.url.render_as_string(hide_password=True)} "
            f"({_first_line(error.orig)}); check DATABASE_URL."
        ) from error


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_script_only_config()).get_current_head()


def _script_only_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def open_database(url: str) -> Engine:
    """The engine for `url`, migrated when it is SQLite and behind (first use creates the file's schema).

    PostgreSQL is migrated explicitly by an admin with `segbot db upgrade`; a schema that is behind is
    reported rather than changed silently.
    """
    engine = create_database_engine(url)
    if current_revision_safe(engine) == head_revision():
        return engine
    if engine.url.get_backend_name() == "sqlite":
        upgrade(engine)
        return engine
    raise ConfigurationError(
        "The database schema is not up to date; run `segbot db upgrade` (with the same DATABASE_URL) first."
    )


def current_revision_safe(engine: Engine) -> str | None:
    try:
        return current_revision(engine)
    except DatabaseError as error:
        raise ConfigurationError(
            f"Could not reach the database at {engine.url.render_as_string(hide_password=True)} "
            f"({_first_line(error.orig)}); check DATABASE_URL."
        ) from error


def _first_line(error: object) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
