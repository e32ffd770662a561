"""Pulling a dataset from its source: a file path, an HTTPS URL (bounded, public addresses only) or a SQL query.

Errors say what failed in one sentence and never show a URL's password or query values. What a URL source may
reach is decided in `addresses`, how it is downloaded in `https_source`; both are checked again at every pull,
not only when the source is saved.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from bot.digests import https_source
from bot.digests.addresses import AddressPolicy, HostLookupError, Resolver, system_resolver
from bot.digests.https_source import CHUNK, FetchLimits, megabytes
from bot.digests.source_errors import SourceError
from bot.files import open_input
from bot.settings import Settings
from bot.storage.datasets import SourceSpec
from bot.storage.source_secrets import masked_url

__all__ = ["PulledData", "SourceError", "check_database_url", "check_url", "pull"]


@dataclass(frozen=True)
class PulledData:
    """What a source gave: file bytes or a query's table, a name to show, and a hash to spot unchanged data."""

    data: bytes | pd.DataFrame
    file_name: str
    file_hash: str


def pull(spec: SourceSpec, settings: Settings, *, resolver: Resolver = system_resolver) -> PulledData:
    limit = int(settings.source_max_mb * 1024 * 1024)
    if spec.kind == "path":
        return _pull_path(Path(spec.location), limit)
    if spec.kind == "url":
        return _pull_url(spec.location, settings, resolver)
    return _pull_sql(spec.location, spec.query or "", settings.source_timeout_seconds)


def address_policy(settings: Settings, resolver: Resolver = system_resolver) -> AddressPolicy:
    return AddressPolicy.from_setting(settings.source_allowed_hosts.split(","), resolver)


def check_url(url: str, settings: Settings, *, resolver: Resolver = system_resolver) -> str:
    """`url` when Segbot may fetch it now: https://, and a host on an allowed address.

    A host name that does not resolve from here is accepted (the pull checks again and says so then).
    """
    parts = https_source.check_https(url)
    host = parts.hostname or ""
    with contextlib.suppress(HostLookupError):
        address_policy(settings, resolver).checked_addresses(
            host, parts.port or 443, shown=masked_url(url), timeout=settings.source_timeout_seconds
        )
    return url


def check_database_url(url: str) -> str:
    """`url` when SQLAlchemy can parse it (the driver is checked when the source is pulled)."""
    try:
        make_url(url)
    except ArgumentError as error:
        raise SourceError(
            f"{masked_url(url)} is not a database URL; use e.g. postgresql://user:password@host/dbname."
        ) from error
    return url


def _pull_path(path: Path, limit: int) -> PulledData:
    with open_input(path) as stream:
        content = _read_capped(stream, limit, str(path))
    return PulledData(content, path.name, hashlib.sha256(content).hexdigest())


def _pull_url(url: str, settings: Settings, resolver: Resolver) -> PulledData:
    limits = FetchLimits(int(settings.source_max_mb * 1024 * 1024), settings.source_timeout_seconds)
    content = https_source.fetch(
        url,
        policy=address_policy(settings, resolver),
        limits=limits,
        context=https_source.ssl_context(settings.source_ca_file),
    )
    return PulledData(content, https_source.file_name(url), hashlib.sha256(content).hexdigest())


def _read_capped(stream: BinaryIO, limit: int, shown: str) -> bytes:
    chunks, total = [], 0
    while chunk := stream.read(CHUNK):
        total += len(chunk)
        if total > limit:
            raise SourceError(f"{shown} is larger than the {megabytes(limit)} limit (SEGBOT_SOURCE_MAX_MB).")
        chunks.append(chunk)
    return b"".join(chunks)


def _pull_sql(database_url: str, query: str, timeout: float) -> PulledData:
    shown = masked_url(database_url)
    url = make_url(check_database_url(database_url))
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    try:
        engine = sa.create_engine(url, connect_args=_timeout_args(url.get_backend_name(), timeout))
    except (NoSuchModuleError, ArgumentError) as error:
        raise SourceError(f"Segbot has no database driver for {shown}; use PostgreSQL or SQLite.") from error
    try:
        with engine.connect() as connection, connection.begin() as transaction:
            frame = pd.read_sql_query(sa.text(query), connection)
            transaction.rollback()  # a digest only reads
    except (SQLAlchemyError, pd.errors.DatabaseError) as error:
        cause = error.__cause__ if isinstance(error, pd.errors.DatabaseError) else error
        detail = str(getattr(cause, "orig", None) or cause).strip().splitlines()[0]
        raise SourceError(f"The query on {shown} failed ({detail}); check the query and the database.") from error
    finally:
        engine.dispose()
    digest = hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    digest.update("\x1f".join(map(str, frame.columns)).encode())
    return PulledData(frame, f"query on {url.database or url.host or 'database'}", digest.hexdigest())


def _timeout_args(backend: str, timeout: float) -> dict[str, object]:
    if backend == "postgresql":
        return {"connect_timeout": max(1, int(timeout))}
    if backend == "sqlite":
        return {"timeout": timeout}
    return {}
