"""Serving the Bolt app over HTTP: `POST /slack/events`, `GET /healthz`, and the OAuth pages when enabled.

A WSGI app on the standard library's threading server: one thread per request, so a slow request never holds
up the acknowledgement of another (Bolt acks before the listener's work continues on its own executor).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine, text

from bot.errors import ConfigurationError

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
LISTEN_BACKLOG = 256

StartResponse = Callable[..., Any]


def wsgi_app(app: App, engine: Engine) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """The WSGI callable: the health check here, everything else to Bolt's handler."""
    bolt = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            status, body = health(engine)
            payload = json.dumps(body).encode()
            start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
            return [payload]
        return bolt(environ, start_response)

    return application


def health(engine: Engine) -> tuple[str, dict[str, str]]:
    """200 when the database answers; 503 with the reason otherwise."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        log.warning("health check: database unavailable: %s", error)
        return "503 Service Unavailable", {"status": "unavailable", "reason": "the database is not reachable"}
    return "200 OK", {"status": "ok"}


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG


class QuietRequestHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)


def make_http_server(app: App, engine: Engine, host: str, port: int) -> ThreadingWSGIServer:
    """A server bound to host:port (port 0 picks a free one: see `server.server_port`); call serve_forever()."""
    try:
        server = make_server(
            host, port, wsgi_app(app, engine), server_class=ThreadingWSGIServer, handler_class=QuietRequestHandler
        )
    except (OSError, OverflowError) as error:
        reason = (error.strerror if isinstance(error, OSError) and error.strerror else str(error)).rstrip(".")
        raise ConfigurationError(
            f"Segbot cannot listen on {host}:{port} ({reason}); choose another --port or --host."
        ) from error
    assert isinstance(server, ThreadingWSGIServer)
    return server


def serve_in_thread(server: ThreadingWSGIServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, name="segbot-http", daemon=True)
    thread.start()
    return thread
