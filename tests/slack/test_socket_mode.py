"""Socket Mode: the same Bolt app behind a local fake of Slack's websocket, acking envelopes."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from sqlalchemy import Engine
from websockets.sync.server import Server, ServerConnection, serve

from bot.cli import main
from bot.errors import ConfigurationError
from bot.slack.app import build_slack_runtime, create_app
from bot.slack.socket_mode import run_socket_mode
from tests.slack.fake_slack import FAKE_APP_TOKEN, FakeSlack
from tests.slack.harness import make_settings
from tests.slack.sender import command_form, event_envelope


class FakeSocketModeServer:
    """Sends hello, then each envelope put on `outgoing`; collects every message the app sends back."""

    def __init__(self) -> None:
        self.outgoing: queue.Queue[dict[str, Any]] = queue.Queue()
        self.received: queue.Queue[dict[str, Any]] = queue.Queue()
        self.stopping = threading.Event()
        self.server: Server = serve(self._handle, "127.0.0.1", 0)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/link"

    def _handle(self, connection: ServerConnection) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"}}))
        threading.Thread(target=self._read, args=(connection,), daemon=True).start()
        while not self.stopping.is_set():
            try:
                envelope = self.outgoing.get(timeout=0.1)
            except queue.Empty:
                continue
            try:
                connection.send(json.dumps(envelope))
            except Exception:
                return

    def _read(self, connection: ServerConnection) -> None:
        try:
            for message in connection:
                self.received.put(json.loads(message))
        except Exception:
            return

    def ack_for(self, envelope_id: str, timeout: float = 10) -> dict[str, Any]:
        while True:
            message = self.received.get(timeout=timeout)
            if message.get("envelope_id") == envelope_id:
                return message

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()


@pytest.fixture
def socket_server() -> Iterator[FakeSocketModeServer]:
    server = FakeSocketModeServer()
    yield server
    server.stop()


def test_socket_mode_acks_commands_and_events(
    fake_slack: FakeSlack, socket_server: FakeSocketModeServer, database_url: str, engine: Engine
) -> None:
    fake_slack.websocket_url = socket_server.url
    settings = make_settings(database_url, fake_slack.api_url, SLACK_APP_TOKEN="xapp-fake", SLACK_SIGNING_SECRET=None)
    runtime = build_slack_runtime(settings, engine)
    handler = SocketModeHandler(create_app(settings, engine, runtime=runtime), settings.slack_app_token)
    handler.connect()
    try:
        form = command_form("/segment", "help", channel="C0CHAN", response_url=fake_slack.response_url("socket"))
        socket_server.outgoing.put(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": form,
            }
        )
        assert socket_server.ack_for("env-1")["envelope_id"] == "env-1"
        [answer] = fake_slack.wait_for("response_url")
        assert "/segment last" in answer.params["text"]

        mention = {"type": "app_mention", "channel": "C0CHAN", "user": "U0USER", "text": "<@U0BOT>", "ts": "7.0"}
        for envelope_id, attempt in (("env-2", 0), ("env-3", 1)):
            socket_server.outgoing.put(
                {
                    "envelope_id": envelope_id,
                    "type": "events_api",
                    "accepts_response_payload": False,
                    "retry_attempt": attempt,
                    "retry_reason": "timeout" if attempt else "",
                    "payload": event_envelope(mention, "EvSock"),
                }
            )
            assert socket_server.ack_for(envelope_id)["envelope_id"] == envelope_id
        [reply] = fake_slack.wait_for("chat.postMessage")
        assert reply.params["thread_ts"] == "7.0"
        time.sleep(0.3)
        assert len(fake_slack.calls_to("chat.postMessage")) == 1, "the retried envelope was handled once"
    finally:
        handler.close()
    assert fake_slack.calls_to("apps.connections.open")


def socket_app(fake_slack: FakeSlack, database_url: str, engine: Engine) -> Any:
    settings = make_settings(
        database_url, fake_slack.api_url, SLACK_APP_TOKEN=FAKE_APP_TOKEN, SLACK_SIGNING_SECRET=None
    )
    return create_app(settings, engine, runtime=build_slack_runtime(settings, engine))


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("xoxb-1-2-3", "SLACK_APP_TOKEN holds a bot token; create an app-level token with the connections:write"),
        ("xoxp-1-2-3", "SLACK_APP_TOKEN holds a user token; create an app-level token"),
        ("not-a-token", "SLACK_APP_TOKEN is not an app-level token; create an app-level token"),
    ],
)
def test_a_wrong_type_of_app_token_is_one_sentence_before_any_call(
    fake_slack: FakeSlack, database_url: str, engine: Engine, token: str, expected: str
) -> None:
    with pytest.raises(ConfigurationError, match=expected) as raised:
        run_socket_mode(socket_app(fake_slack, database_url, engine), token)
    assert token not in str(raised.value)
    assert fake_slack.calls_to("apps.connections.open") == []


def test_an_app_token_slack_refuses_is_one_sentence(fake_slack: FakeSlack, database_url: str, engine: Engine) -> None:
    with pytest.raises(ConfigurationError) as raised:
        run_socket_mode(socket_app(fake_slack, database_url, engine), "xapp-1-A0-revoked")
    assert str(raised.value) == (
        "Slack refused SLACK_APP_TOKEN (invalid_auth); copy the app-level token (xapp-..., with the "
        "connections:write scope) from Basic Information > App-Level Tokens again."
    )


def test_an_unreachable_websocket_gives_up_after_the_bound_with_a_summary(
    fake_slack: FakeSlack, database_url: str, engine: Engine
) -> None:
    fake_slack.websocket_url = "ws://127.0.0.1:1/link"  # nothing listens there
    started = time.monotonic()
    with pytest.raises(ConfigurationError) as raised:
        run_socket_mode(socket_app(fake_slack, database_url, engine), FAKE_APP_TOKEN, give_up_after=2)
    assert time.monotonic() - started < 15
    message = str(raised.value)
    assert message.startswith("Segbot could not open its Socket Mode connection to Slack for 2 s (")
    assert "failed attempts; last: ConnectionRefusedError" in message
    assert message.endswith("through any proxy or firewall.")


def test_serve_with_a_bot_token_as_app_token_exits_2_with_one_line(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xoxb-1-2-secret")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("segbot: SLACK_APP_TOKEN holds a bot token;") and len(err.splitlines()) == 1
    assert "secret" not in err


def test_run_socket_mode_serves_until_stopped(
    fake_slack: FakeSlack, socket_server: FakeSocketModeServer, database_url: str, engine: Engine
) -> None:
    fake_slack.websocket_url = socket_server.url
    stop = threading.Event()
    app = socket_app(fake_slack, database_url, engine)
    serving = threading.Thread(
        target=run_socket_mode, args=(app, FAKE_APP_TOKEN), kwargs={"stop": stop, "give_up_after": 5}, daemon=True
    )
    serving.start()
    form = command_form("/segment", "help", channel="C0CHAN", response_url=fake_slack.response_url("socket"))
    socket_server.outgoing.put(
        {"envelope_id": "env-9", "type": "slash_commands", "accepts_response_payload": True, "payload": form}
    )
    assert socket_server.ack_for("env-9")["envelope_id"] == "env-9"
    stop.set()
    serving.join(10)
    assert not serving.is_alive()
