"""Pulling a dataset from its source: a file path, an HTTPS URL (timeout and size cap) or a SQL query.

Errors say what failed in one sentence and never show a URL's password or query values.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit, urlunsplit

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from bot.errors import SegbotError
from bot.files import open_input
from bot.settings import Settings
from bot.storage.datasets import SourceSpec
from bot.storage.source_secrets import masked_url

CHUNK = 1 << 16


class SourceError(SegbotError):
    """A dataset's source could not be read (missing file, unreachable URL, failing query)."""


@dataclass(frozen=True)
class PulledData:
    """What a source gave: file bytes or a query's table, a name to show, and a hash to spot unchanged data."""

    data: bytes | pd.DataFrame
    file_name: str
    file_hash: str


def pull(spec: SourceSpec, settings: Settings) -> PulledData:
    limit = int(settings.source_max_mb * 1024 * 1024)
    if spec.kind == "path":
        return _pull_path(Path(spec.location), limit)
    if spec.kind == "url":
        return _pull_url(spec.location, limit, settings.source_timeout_seconds)
    return _pull_sql(spec.location, spec.query or "", settings.source_timeout_seconds)


def check_url(url: str) -> str:
    """`url` when Segbot may fetch it: HTTPS anywhere, plain HTTP only on this machine (local tests)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname and _is_loopback(parts.hostname):
        return url
    raise SourceError(f"{masked_url(url)} is not an HTTPS URL; give an https:// address of a CSV file.")


def check_database_url(url: str) -> str:
    """`url` when SQLAlchemy can parse it (the driver is checked when the source is pulled)."""
    try:
        make_url(url)
    except ArgumentError as error:
        raise SourceError(
            f"{masked_url(url)} is not a database URL; use e.g. postgresql://user:password@host/dbname."
        ) from error
    return url


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _pull_path(path: Path, limit: int) -> PulledData:
    with open_input(path) as stream:
        content = _read_capped(stream, limit, str(path))
    return PulledData(content, path.name, hashlib.sha256(content).hexdigest())


def _pull_url(url: str, limit: int, timeout: float) -> PulledData:
    check_url(url)
    shown = masked_url(url)
    request = _request(url)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise SourceError(f"{shown} is larger than the {_megabytes(limit)} limit (SEGBOT_SOURCE_MAX_MB).")
            if "text/html" in (response.headers.get("Content-Type") or ""):
                raise SourceError(f"{shown} returned a web page, not a data file; check the address.")
            content = _read_capped(response, limit, shown)
    except urllib.error.HTTPError as error:
        raise SourceError(f"{shown} answered HTTP {error.code}; check the address and its access rights.") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise SourceError(f"Could not download {shown} ({reason}); check the address and try again.") from error
    name = Path(urlsplit(url).path).name or urlsplit(url).hostname or "download"
    return PulledData(content, name, hashlib.sha256(content).hexdigest())


def _request(url: str) -> urllib.request.Request:
    """A GET for `url`, with user:password in the URL turned into a Basic Authorization header."""
    parts = urlsplit(url)
    headers = {"User-Agent": "Segbot digest"}
    if parts.username is not None:
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    return urllib.request.Request(url, headers=headers)


def _read_capped(stream: BinaryIO, limit: int, shown: str) -> bytes:
    chunks, total = [], 0
    while chunk := stream.read(CHUNK):
        total += len(chunk)
        if total > limit:
            raise SourceError(f"{shown} is larger than the {_megabytes(limit)} limit (SEGBOT_SOURCE_MAX_MB).")
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


def _megabytes(limit: int) -> str:
    return f"{round(limit / (1024 * 1024), 3):g} MB"
