"""Multi-workspace install through OAuth: install page, redirect, tokens from slack_sdk's SQLAlchemy store.

SQLite only: the store's tables are not Segbot's (they are created by the store at start-up), and the
PostgreSQL test schema is shared with the migration tests, which expect exactly Segbot's tables.
"""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from bot.slack.app import build_slack_runtime, create_app
from bot.slack.oauth import SignedOAuthStateStore
from bot.slack.server import make_http_server, serve_in_thread
from bot.storage.database import open_database
from tests.slack.conftest import make_settings
from tests.slack.fake_slack import INSTALLED_TEAM, INSTALLED_TOKEN, FakeSlack


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
        return None


@pytest.fixture
def oauth_server(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[tuple[str, object]]:
    url = f"sqlite:///{tmp_path / 'oauth.db'}"
    engine = open_database(url)
    settings = make_settings(
        url,
        fake_slack.api_url,
        SLACK_BOT_TOKEN=None,
        SLACK_CLIENT_ID="111.222",
        SLACK_CLIENT_SECRET="client-secret",
        SLACK_STATE_SECRET="state-secret",
    )
    runtime = build_slack_runtime(settings, engine)
    server = make_http_server(create_app(settings, engine, runtime=runtime), engine, "127.0.0.1", 0)
    serve_in_thread(server)
    yield f"http://127.0.0.1:{server.server_port}", (runtime, engine)
    server.shutdown()
    server.server_close()
    engine.dispose()


def test_install_and_redirect_store_the_workspace_bot_token(oauth_server: tuple[str, object]) -> None:
    base, (runtime, engine) = oauth_server  # type: ignore[misc]
    assert {"slack_installations", "slack_bots", "slack_oauth_states"} <= set(inspect(engine).get_table_names())

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
    assert runtime.tokens.for_workspace(INSTALLED_TEAM) == INSTALLED_TOKEN


def test_signed_states_refuse_forgeries(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'states.db'}")
    store = SignedOAuthStateStore("state-secret", engine)
    store.create_tables()
    state = store.issue()
    raw = state.rpartition(".")[0]
    assert not store.consume(raw + ".forged")
    assert not store.consume(raw)
    assert store.consume(state)
    assert not store.consume(state), "a state is good once"
