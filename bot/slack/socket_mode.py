"""Socket Mode for `segbot serve`: the app-level token checked, and a connection that cannot hold gives up.

slack_sdk's client reconnects on its own, forever, logging each failure. Here the process watches it: when no
connection has been up for `give_up_after` seconds, it stops with one sentence that sums up the attempts, so a
supervisor (Docker, Kubernetes, systemd) restarts it or an admin sees why.
"""

from __future__ import annotations

import logging
import threading
import time

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient

from bot.errors import ConfigurationError

log = logging.getLogger(__name__)

GIVE_UP_SECONDS = 120.0
CHECK_SECONDS = 0.5
OTHER_TOKEN_KINDS = {"xoxb-": "a bot token", "xoxp-": "a user token", "xoxe": "a rotating or refresh token"}
CREATE_ONE = (
    "create an app-level token with the connections:write scope under Basic Information > App-Level Tokens "
    "(it starts with xapp-)"
)


def check_app_token(token: str) -> None:
    """A `ConfigurationError` for a token that is plainly not an app-level token (without showing it)."""
    if token.startswith("xapp-"):
        return
    kind = next((name for prefix, name in OTHER_TOKEN_KINDS.items() if token.startswith(prefix)), None)
    what = f"holds {kind}" if kind else "is not an app-level token"
    raise ConfigurationError(f"SLACK_APP_TOKEN {what}; {CREATE_ONE}.")


def run_socket_mode(
    app: App,
    app_token: str,
    *,
    give_up_after: float = GIVE_UP_SECONDS,
    stop: threading.Event | None = None,
    connected: threading.Event | None = None,
) -> None:
    """Serve `app` over Socket Mode until `stop` is set (or the process is interrupted); `connected` is kept set
    while the connection is up (the heartbeat reads it)."""
    check_app_token(app_token)
    handler = SocketModeHandler(app, app_token)
    failures = _Failures(handler.client)
    try:
        try:
            handler.connect()
        except SlackApiError as error:
            code = error.response.get("error", "an error")
            raise ConfigurationError(
                f"Slack refused SLACK_APP_TOKEN ({code}); copy the app-level token (xapp-..., with the "
                "connections:write scope) from Basic Information > App-Level Tokens again."
            ) from error
        _watch(handler.client, failures, give_up_after, stop or threading.Event(), connected or threading.Event())
    finally:
        handler.close()


class _Failures:
    """Counts the client's connection errors and keeps the last one, for the summary."""

    def __init__(self, client: SocketModeClient) -> None:
        self.count = 0
        self.last = "no answer"
        self.ever_connected = False
        client.on_error_listeners.append(self._record)

    def _record(self, error: Exception) -> None:
        self.count += 1
        self.last = f"{type(error).__name__}: {error}"


def _watch(
    client: SocketModeClient,
    failures: _Failures,
    give_up_after: float,
    stop: threading.Event,
    connected: threading.Event,
) -> None:
    down_since: float | None = None
    while not stop.wait(CHECK_SECONDS):
        if client.is_connected():
            connected.set()
            if down_since is not None or not failures.ever_connected:
                log.info("Socket Mode connection to Slack is up")
            down_since, failures.ever_connected, failures.count = None, True, 0
            continue
        connected.clear()
        down_since = down_since or time.monotonic()
        if time.monotonic() - down_since >= give_up_after:
            verb = "keep" if failures.ever_connected else "open"
            raise ConfigurationError(
                f"Segbot could not {verb} its Socket Mode connection to Slack for {give_up_after:.0f} s "
                f"({failures.count} failed attempts; last: {failures.last}); check that this machine reaches "
                "Slack's websocket servers (wss://wss-primary.slack.com, port 443) through any proxy or firewall."
            )
