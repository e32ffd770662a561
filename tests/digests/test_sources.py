"""Pulling dataset sources: files, HTTP(S) URLs with a size cap, SQL queries; and digests that pull them."""

from __future__ import annotations

import base64
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pandas as pd
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Engine

from bot.digests.compose import make_digest
from bot.digests.sources import SourceError, check_url, pull
from bot.settings import Settings
from bot.storage.datasets import CipherFactory, DatasetRepository, SourceSpec
from segmentation.synthetic import planted_audience
from tests.digests.conftest import WORKSPACE, digest_settings


class FileServer:
    """A local HTTP server answering every GET with `body` (and recording the Authorization header)."""

    def __init__(self) -> None:
        self.body = b""
        self.content_type = "text/csv"
        self.status = 200
        self.authorization: str | None = None
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.authorization = self.headers.get("Authorization")
                self.send_response(owner.status)
                self.send_header("Content-Type", owner.content_type)
                self.send_header("Content-Length", str(len(owner.body)))
                self.end_headers()
                self.wfile.write(owner.body)

            def log_message(self, *_args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str = "/exports/newsletter.csv", credentials: str = "") -> str:
        return f"http://{credentials}127.0.0.1:{self.server.server_address[1]}{path}"


@pytest.fixture
def file_server() -> Iterator[FileServer]:
    server = FileServer()
    yield server
    server.server.shutdown()
    server.server.server_close()


def _settings(**overrides: object) -> Settings:
    return digest_settings("sqlite://", "http://127.0.0.1:9/api/", **overrides)


def _audience_csv(seed: int, n_rows: int = 400) -> bytes:
    table, _truth = planted_audience(k=3, n_rows=n_rows, seed=seed)
    return table.to_csv(index=False).encode()


def test_a_url_is_downloaded_with_basic_auth_from_its_credentials(file_server: FileServer) -> None:
    file_server.body = b"a,b\n1,2\n"
    pulled = pull(SourceSpec("url", file_server.url(credentials="ann:s%40cret@")), _settings())
    assert pulled.data == b"a,b\n1,2\n" and pulled.file_name == "newsletter.csv"
    assert file_server.authorization == "Basic " + base64.b64encode(b"ann:s@cret").decode()


def test_a_url_answer_over_the_size_cap_is_refused(file_server: FileServer) -> None:
    file_server.body = b"x" * 3000
    with pytest.raises(SourceError, match=r"larger than the 0\.001 MB limit \(SEGBOT_SOURCE_MAX_MB\)"):
        pull(SourceSpec("url", file_server.url()), _settings(SEGBOT_SOURCE_MAX_MB=0.001))


def test_url_failures_never_show_the_password(file_server: FileServer) -> None:
    file_server.status = 404
    with pytest.raises(SourceError) as raised:
        pull(SourceSpec("url", file_server.url(credentials="ann:hunter2@") + "?token=abc"), _settings())
    assert "HTTP 404" in str(raised.value) and "hunter2" not in str(raised.value) and "abc" not in str(raised.value)
    file_server.status, file_server.content_type, file_server.body = 200, "text/html", b"<html>sign in</html>"
    with pytest.raises(SourceError, match="returned a web page"):
        pull(SourceSpec("url", file_server.url()), _settings())


def test_only_https_urls_are_fetched_except_on_this_machine() -> None:
    assert check_url("https://data.example.com/a.csv")
    assert check_url("http://localhost:8000/a.csv")
    for refused in ("http://data.example.com/a.csv", "ftp://x/a.csv", "file:///etc/passwd"):
        with pytest.raises(SourceError, match="not an HTTPS URL"):
            check_url(refused)


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


def test_each_digest_pulls_the_source_and_adds_a_version_only_when_the_data_changed(
    engine: Engine, file_server: FileServer, database_url: str
) -> None:
    key = Fernet.generate_key().decode()
    settings = digest_settings(database_url, "http://127.0.0.1:9/api/", SEGBOT_SECRET_KEY=key)
    repository = DatasetRepository(engine)
    repository.set_source(WORKSPACE, "newsletter", SourceSpec("url", file_server.url()), CipherFactory(key))
    file_server.body = _audience_csv(seed=3)
    first = make_digest(settings, engine, WORKSPACE, "newsletter", now=datetime(2026, 3, 2, 8, tzinfo=UTC))
    assert first.view.kind == "first" and first.view.version == 1
    unchanged = make_digest(
        settings, engine, WORKSPACE, "newsletter", now=datetime(2026, 3, 9, 8, tzinfo=UTC), last_run_id=first.run_id
    )
    assert unchanged.view.kind == "stale" and unchanged.run_id == first.run_id
    file_server.body = _audience_csv(seed=3, n_rows=600)
    changed = make_digest(
        settings, engine, WORKSPACE, "newsletter", now=datetime(2026, 3, 16, 8, tzinfo=UTC), last_run_id=first.run_id
    )
    assert changed.view.version == 2 and changed.view.previous_version == 1
    assert changed.view.rows == 600 and changed.view.rows_change == 200
    assert [v.origin for v in repository.versions(WORKSPACE, "newsletter")] == ["url", "url"]
