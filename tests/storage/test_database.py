"""Opening `DATABASE_URL`: every wrong URL is one plain sentence (ConfigurationError), never a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.errors import ConfigurationError
from bot.storage.database import create_database_engine, open_database, upgrade


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("notaurl", "is not a database URL"),
        ("mysql://someone@db.internal/shop", "cannot use (mysql)"),
        ("postgresql+asyncpg://someone@db.internal/shop", "cannot use (postgresql+asyncpg)"),
        ("postgresql://postgres@127.0.0.1:1/x", "Could not reach the database"),
    ],
)
def test_unusable_urls_are_a_configuration_error(url: str, expected: str) -> None:
    with pytest.raises(ConfigurationError, match=re.escape(expected)):
        open_database(url)


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    not_a_database = tmp_path / "export.csv"
    not_a_database.write_text("a,b\n1,2\n" * 200)
    url = f"sqlite:///{not_a_database}"
    with pytest.raises(ConfigurationError, match=r"\(file is not a database\); check DATABASE_URL\.$"):
        open_database(url)
    with pytest.raises(ConfigurationError, match="file is not a database"):
        upgrade(create_database_engine(url))
    assert not_a_database.read_text() == "a,b\n1,2\n" * 200


@pytest.mark.parametrize("command", [["db", "upgrade"], ["digest", "list"], ["influencers", "list"]])
def test_cli_says_one_sentence_for_an_unsupported_database(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://someone@db.internal/shop")
    assert main(command) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().splitlines() == [
        "segbot: DATABASE_URL names a database Segbot cannot use (mysql); use SQLite (sqlite:///segbot.db) "
        "or PostgreSQL (postgresql://user@host/dbname)."
    ]
