"""Pulling dataset sources: files and SQL queries, and digests that pull them (URL sources: test_url_sources.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Engine

from bot.digests.compose import make_digest
from bot.digests.sources import SourceError, pull
from bot.settings import Settings
from bot.storage.datasets import CipherFactory, DatasetRepository, SourceSpec
from segmentation.synthetic import planted_audience
from tests.digests.helpers import WORKSPACE, digest_settings
from tests.digests.https_servers import Answer, HTTPSServer, LocalCA, make_ca


def _settings(**overrides: object) -> Settings:
    return digest_settings("sqlite://", "http://127.0.0.1:9/api/", **overrides)


def _audience_csv(seed: int, n_rows: int = 400) -> bytes:
    table, _truth = planted_audience(k=3, n_rows=n_rows, seed=seed)
    return table.to_csv(index=False).encode()


def test_a_sql_source_becomes_a_table(tmp_path: Path) -> None:
    database = tmp_path / "crm.db"
    with sqlite3.connect(database) as connection:
        pd.DataFrame({"age": [30, 40, 50], "country": ["DE", "FR", "US"]}).to_sql("people", connection)
    pulled = pull(SourceSpec("sql", f"sqlite:///{database}", "select age, country from people"), _settings())
    assert isinstance(pulled.data, pd.DataFrame) and pulled.data["age"].tolist() == [30, 40, 50]
    again = pull(SourceSpec("sql", f"sqlite:///{database}", "select age, country from people"), _settings())
    assert again.file_hash == pulled.file_hash
    with pytest.raises(SourceError, match=r"The query on sqlite:///.* failed \(no such table: nowhere\)"):
        pull(SourceSpec("sql", f"sqlite:///{database}", "select * from nowhere"), _settings())


def test_a_missing_file_source_says_so(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="There is no file at"):
        pull(SourceSpec("path", str(tmp_path / "gone.csv")), _settings())


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[tuple[HTTPSServer, LocalCA]]:
    ca = make_ca(tmp_path)
    server = HTTPSServer(ca)
    yield server, ca
    server.stop()


def test_each_digest_pulls_the_source_and_adds_a_version_only_when_the_data_changed(
    engine: Engine, https_server: tuple[HTTPSServer, LocalCA], database_url: str
) -> None:
    server, ca = https_server
    key = Fernet.generate_key().decode()
    settings = digest_settings(
        database_url,
        "http://127.0.0.1:9/api/",
        SEGBOT_SECRET_KEY=key,
        SEGBOT_SOURCE_ALLOWED_HOSTS="127.0.0.1",
        SEGBOT_SOURCE_CA_FILE=str(ca.ca_file),
    )
    repository = DatasetRepository(engine)
    url = server.url("/exports/newsletter.csv")
    repository.set_source(WORKSPACE, "newsletter", SourceSpec("url", url), CipherFactory(key))
    server.answers["/exports/newsletter.csv"] = Answer(body=_audience_csv(seed=3))
    first = make_digest(settings, engine, WORKSPACE, "newsletter", now=datetime(2026, 3, 2, 8, tzinfo=UTC))
    assert first.view.kind == "first" and first.view.version == 1
    unchanged = make_digest(
        settings, engine, WORKSPACE, "newsletter", now=datetime(2026, 3, 9, 8, tzinfo=UTC), last_run_id=first.run_id
    )
    assert unchanged.view.kind == "stale" and unchanged.run_id == first.run_id
    server.answers["/exports/newsletter.csv"] = Answer(body=_audience_csv(seed=3, n_rows=600))
    changed = make_digest(
        settings, engine, WORKSPACE, "newsletter", now=datetime(2026, 3, 16, 8, tzinfo=UTC), last_run_id=first.run_id
    )
    assert changed.view.version == 2 and changed.view.previous_version == 1
    assert changed.view.rows == 600 and changed.view.rows_change == 200
    assert [v.origin for v in repository.versions(WORKSPACE, "newsletter")] == ["url", "url"]
