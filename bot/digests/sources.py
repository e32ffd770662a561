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

from bot.digests import https_source
from bot.digests.addresses import AddressPolicy, HostLookupError, Resolver, system_resolver
from bot.digests.https_source import CHUNK, FetchLimits, megabytes
from bot.digests.source_errors import SourceError
from bot.digests.sql_query_check import check_read_query
from bot.digests.sql_source import SqlLimits, read_query, refuse_own_database, source_url
from bot.files import open_input
from bot.settings import Settings
from bot.storage.datasets import SourceSpec
from bot.storage.source_secrets import masked_url

__all__ = ["PulledData", "SourceError", "check_sql_source", "check_url", "pull"]


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
    return _pull_sql(spec.location, spec.query or "", settings)


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


def check_sql_source(url: str, query: str, settings: Settings) -> str:
    """`url` when Segbot may run `query` on it: a supported database that is not the bot's own, one SELECT."""
    parsed = source_url(url)
    check_read_query(query, parsed.get_backend_name())
    refuse_own_database(parsed, settings.database_url, masked_url(url))
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


def _pull_sql(database_url: str, query: str, settings: Settings) -> PulledData:
    limits = SqlLimits(settings.source_timeout_seconds, settings.max_rows, int(settings.source_max_mb * 2**20))
    frame = read_query(database_url, query, own_database_url=settings.database_url, limits=limits)
    digest = hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    digest.update("\x1f".join(map(str, frame.columns)).encode())
    url = source_url(database_url)
    return PulledData(frame, f"query on {url.database or url.host or 'database'}", digest.hexdigest())
