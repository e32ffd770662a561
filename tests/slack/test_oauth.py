"""Multi-workspace install through OAuth: install page, redirect, tokens sealed in slack_sdk's SQLAlchemy store.

On SQLite and PostgreSQL: the store's tables are created by Segbot's migrations.
"""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from sqlalchemy import Engine, inspect

from bot.errors import ConfigurationError
from bot.slack.app import build_slack_runtime, create_app
from bot.slack.oauth import SignedOAuthStateStore
from bot.slack.runtime import SlackRuntime
from bot.slack.server import make_http_server, serve_in_thread
from bot.storage.database import open_database
from bot.storage.token_secrets import TokenCipher
from tests.slack.fake_slack import INSTALLED_TEAM, INSTALLED_TOKEN, FakeSlack
from tests.slack.harness import every_stored_value, make_settings

SECRET_KEY = Fernet.generate_key().decode()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
        return None


def oauth_settings(database_url: str, api_url: str, **overrides: object) -> object:
    values = {
        "SLACK_BOT_TOKEN": None,
        "SLACK_CLIENT_ID": "111.222",
        "SLACK_CLIENT_SECRET": "client-secret",
        "SLACK_STATE_SECRET": "state-secret",
        "SEGBOT_SECRET_KEY": SECRET_KEY,
        **overrides,
    }
    return make_settings(database_url, api_url, **values)


@pytest.fixture
def oauth_server(database_url: str, engine: Engine, fake_slack: FakeSlack) -> Iterator[tuple[str, SlackRuntime]]:
    settings = oauth_settings(database_url, fake_slack.api_url)
    runtime = build_slack_runtime(settings, engine)  # type: ignore[arg-type]
    app = create_app(settings, engine, runtime=runtime)  # type: ignore[arg-type]
    server = make_http_server(app, engine, "127.0.0.1", 0, signing_secret=settings.slack_signing_secret or "")
    serve_in_thread(server)
    yield f"http://127.0.0.1:{server.server_port}", runtime
    server.shutdown()
    server.server_close()


def install(base: str) -> None:
    """Open /slack/install, then follow Slack's redirect back with a code, as a browser would."""
    with urllib.request.urlopen(f"{base}/slack/install", timeout=5) as page:
        html = page.read().decode()
        cookie = page.headers["Set-Cookie"].split(";")[0]
    authorize = re.search(r'href="(https://slack.com/oauth/v2/authorize\?[^"]+)"', html)
    assert authorize is not None and "client_id=111.222" in authorize.group(1)
    state = re.search(r"state=([^&\"]+)", authorize.group(1)).group(1)  # type: ignore[union-attr]
    request = urllib.request.Request(
        f"{base}/slack/oauth_redirect?code=the-code&state={state}", headers={"Cookie": cookie}
    )
    with urllib.request.build_opener(NoRedirects()).open(request, timeout=5) as finished:
        assert finished.status == 200


def test_install_stores_the_workspace_bot_token_sealed(oauth_server: tuple[str, SlackRuntime], engine: Engine) -> None:
    base, runtime = oauth_server
    assert {"slack_installations", "slack_bots", "slack_oauth_states"} <= set(inspect(engine).get_table_names())

    install(base)

    assert runtime.tokens.for_workspace(INSTALLED_TEAM) == INSTALLED_TOKEN
    dump = every_stored_value(engine)
    assert INSTALLED_TEAM in dump, "the install was stored"
    assert INSTALLED_TOKEN not in dump, "no token is readable in the database"
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT bot_token FROM slack_bots")).scalar_one()
    assert stored.startswith("fernet:")
    assert TokenCipher(SECRET_KEY).unseal(stored) == INSTALLED_TOKEN
    with pytest.raises(ConfigurationError, match="cannot be decrypted with SEGBOT_SECRET_KEY"):
        TokenCipher(Fernet.generate_key().decode()).unseal(stored)


def test_oauth_without_the_secret_key_is_one_sentence(database_url: str, engine: Engine, fake_slack: FakeSlack) -> None:
    settings = oauth_settings(database_url, fake_slack.api_url, SEGBOT_SECRET_KEY=None)
    with pytest.raises(ConfigurationError, match=r"\(SLACK_CLIENT_ID\) stores their Slack tokens encrypted and needs "):
        build_slack_runtime(settings, engine)  # type: ignore[arg-type]


def test_signed_states_refuse_forgeries(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'states.db'}")
    store = SignedOAuthStateStore("state-secret", engine)
    state = store.issue()
    raw = state.rpartition(".")[0]
    assert not store.consume(raw + ".forged")
    assert not store.consume(raw)
    assert store.consume(state)
    assert not store.consume(state), "a state is good once"
