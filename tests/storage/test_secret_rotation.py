"""Secrets at rest: the 0005 migration seals tokens an older Segbot stored in plain text; `segbot db rekey`
re-encrypts every token and source URL with the new first key of SEGBOT_SECRET_KEY."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Engine

from bot.cli import main
from bot.errors import ConfigurationError
from bot.slack.installations import EncryptedInstallationStore
from bot.storage.database import create_database_engine, current_revision, head_revision, upgrade
from bot.storage.datasets import CipherFactory, DatasetRepository, SourceSpec
from bot.storage.token_secrets import TokenCipher

TOKEN = "xoxb-1234-5678-plaintextsecret"
REFRESH = "xoxe-1-refreshsecret"


def install(store: object, team: str = "T0OLD") -> None:
    store.save(  # type: ignore[attr-defined]
        Installation(
            app_id="A0APP",
            team_id=team,
            bot_token=TOKEN,
            bot_id="B0",
            bot_user_id="U0BOT",
            bot_refresh_token=REFRESH,
            user_id="U0ADMIN",
            user_token="xoxp-user-secret",
            installed_at=time.time(),
        )
    )


def dump(engine: Engine) -> str:
    with engine.connect() as connection:
        return "\n".join(
            str(value)
            for table in sa.inspect(connection).get_table_names()
            for row in connection.execute(sa.text(f'SELECT * FROM "{table}"'))
            for value in row
        )


def test_the_migration_seals_tokens_slack_sdk_stored_in_plain_text(tmp_path: Path) -> None:
    engine = create_database_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0004_digests")
    old_store = SQLAlchemyInstallationStore(client_id="111.222", engine=engine)
    old_store.create_tables()  # what Segbot did before 0005
    install(old_store)
    assert TOKEN in dump(engine)

    key = Fernet.generate_key().decode()
    upgrade(engine, token_cipher=TokenCipher(key))

    assert current_revision(engine) == head_revision()
    text = dump(engine)
    assert TOKEN not in text and REFRESH not in text and "xoxp-user-secret" not in text
    store = EncryptedInstallationStore(
        SQLAlchemyInstallationStore(client_id="111.222", engine=engine), TokenCipher(key)
    )
    bot = store.find_bot(enterprise_id=None, team_id="T0OLD")
    assert bot is not None and bot.bot_token == TOKEN and bot.bot_refresh_token == REFRESH
    found = store.find_installation(enterprise_id=None, team_id="T0OLD")
    assert found is not None and found.user_token == "xoxp-user-secret"


def test_rekey_moves_every_secret_to_the_new_key(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    install(
        EncryptedInstallationStore(SQLAlchemyInstallationStore(client_id="111.222", engine=engine), TokenCipher(old))
    )
    datasets = DatasetRepository(engine)
    datasets.ensure("T0OLD", "newsletter")
    url = "https://user:pw@example.com/export.csv?sig=abc"
    datasets.set_source("T0OLD", "newsletter", SourceSpec(kind="url", location=url), CipherFactory(old))

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SEGBOT_SECRET_KEY", f"{new},{old}")
    assert main(["db", "rekey"]) == 0
    assert capsys.readouterr().out == (
        "Re-encrypted 5 Slack token(s) and 1 source URL(s) with the first key of SEGBOT_SECRET_KEY; "
        "older keys can now be removed from it.\n"
    )

    store = EncryptedInstallationStore(
        SQLAlchemyInstallationStore(client_id="111.222", engine=engine), TokenCipher(new)
    )
    bot = store.find_bot(enterprise_id=None, team_id="T0OLD")
    assert bot is not None and bot.bot_token == TOKEN
    source = datasets.source("T0OLD", "newsletter", CipherFactory(new))
    assert source is not None and source.location == url
    stale = EncryptedInstallationStore(
        SQLAlchemyInstallationStore(client_id="111.222", engine=engine), TokenCipher(old)
    )
    with pytest.raises(ConfigurationError, match="cannot be decrypted"):
        stale.find_bot(enterprise_id=None, team_id="T0OLD")


def test_rekey_without_a_key_is_one_sentence(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("SEGBOT_SECRET_KEY", raising=False)
    assert main(["db", "rekey"]) == 2
    assert capsys.readouterr().err.startswith(
        "segbot: Re-encrypting needs SEGBOT_SECRET_KEY: the new key first, then the old ones, separated by commas;"
    )
