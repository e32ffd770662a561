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

from bot.slack.app import build_slack_runtime, create_app
from tests.slack.fake_slack import FakeSlack
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
