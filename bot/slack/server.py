"""Serving the Bolt app over HTTP: `POST /slack/events`, the probes and /metrics, and the OAuth pages when enabled.

`wsgi_app` is the WSGI callable. `segbot serve` runs it in gunicorn (`bot.slack.web_server`); the tests, the
benchmarks and the health port of the other processes run it on the standard library's threading server below,
in process: one thread per connection, at most MAX_CONNECTIONS at once (more get 503 at once, without a
thread), IDLE_TIMEOUT_S between bytes and REQUEST_TIMEOUT_S for a whole request. Under either server the app
is open to the internet, so it bounds what an unauthenticated client can cost: `request_guard` checks headers,
size and signature before Bolt parses anything, and under gunicorn the body must arrive within the request
timeout (a watchdog cuts the connection's read side when it does not).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine, text

from bot.errors import ConfigurationError
from bot.queue.jobs import JobQueue
from bot.slack.probes import Probes, readiness_checks
from bot.slack.request_guard import (
    BAD_REQUEST,
    TIMEOUT,
    Rejection,
    check_headers,
    check_signature,
    check_text,
    read_body,
)

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
LISTEN_BACKLOG = 256
MAX_CONNECTIONS = 64
IDLE_TIMEOUT_S = 10.0
REQUEST_TIMEOUT_S = 30.0

StartResponse = Callable[..., Any]


WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def wsgi_app(
    app: App, engine: Engine, *, signing_secret: str, probes: Probes | None = None, body_timeout: float | None = None
) -> WSGIApp:
    """The WSGI callable: the health check, probes and metrics here; everything else checked, then to Bolt.

    `probes` default to the database and schema checks with the job counts of `engine`; `body_timeout` (default
    REQUEST_TIMEOUT_S) bounds the body's arrival under gunicorn.
    """
    bolt = SlackRequestHandler(app, path=EVENTS_PATH)
    probes = probes or Probes(ready=readiness_checks(engine, None), job_counts=JobQueue(engine).counts)

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method, path = environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            status, body = health(engine)
            return _answer(start_response, status, json.dumps(body).encode(), "application/json")
        probe = probes.answer(method, path)
        if probe is not None:
            status, content_type, payload = probe
            return _answer(start_response, status, payload, content_type)
        try:
            _guard(environ, signing_secret, REQUEST_TIMEOUT_S if body_timeout is None else body_timeout)
        except Rejection as rejection:
            log.info("refused %s %s: %s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), rejection.message)
            return _answer(start_response, rejection.status, rejection.message.encode() + b"\n", "text/plain")
        return bolt(environ, start_response)

    return application


def _guard(environ: dict[str, Any], signing_secret: str, body_timeout: float) -> None:
    """Headers, then the bounded body, then the signature (events) and UTF-8; the body is handed on in memory."""
    signed = environ.get("PATH_INFO") == EVENTS_PATH and environ.get("REQUEST_METHOD") == "POST"
    check_headers(environ, signed=signed)
    connection = environ.get("gunicorn.socket")
    body = read_body(environ) if connection is None else _read_body_in_time(environ, connection, body_timeout)
    if signed:
        check_signature(environ, body, signing_secret)
    check_text(body)
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ.pop("HTTP_TRANSFER_ENCODING", None)


def _read_body_in_time(environ: dict[str, Any], connection: socket.socket, timeout: float) -> bytes:
    """Under gunicorn: at most IDLE_TIMEOUT_S between bytes, and the whole body within `timeout` (a client that
    trickles bytes just fast enough has its read side shut, which ends the read at once)."""
    expired = threading.Event()

    def cut() -> None:
        expired.set()
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RD)

    connection.settimeout(min(IDLE_TIMEOUT_S, timeout))
    watchdog = threading.Timer(timeout, cut)
    watchdog.daemon = True
    watchdog.start()
    from gunicorn.http.errors import ParseException

    try:
        body = read_body(environ, unframed=True)  # gunicorn's wsgi.input has the chunk framing taken off
    except Rejection:
        if expired.is_set():
            raise Rejection(TIMEOUT, "The request body did not arrive in time.") from None
        raise
    except ParseException as error:  # gunicorn's own check of the chunk framing
        raise Rejection(BAD_REQUEST, "The chunked request body is malformed.") from error
    finally:
        watchdog.cancel()
    if expired.is_set():
        raise Rejection(TIMEOUT, "The request body did not arrive in time.")
    return body


def _answer(start_response: StartResponse, status: str, payload: bytes, content_type: str) -> list[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(payload)))])
    return [payload]


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
    """One thread per connection, at most MAX_CONNECTIONS at once; beyond that a 503 without a thread."""

    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self._last_busy_warning = 0.0

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self._answer_busy(request)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def _answer_busy(self, request: socket.socket) -> None:
        now = time.monotonic()
        if now - self._last_busy_warning > 60:
            self._last_busy_warning = now
            log.warning("HTTP server busy: %d connections open, answering 503 to new ones", MAX_CONNECTIONS)
        body = b"Segbot is busy; try again in a moment.\n"
        head = "HTTP/1.0 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: text/plain\r\n"
        head += f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        with contextlib.suppress(OSError):  # the client may be gone already
            request.settimeout(1.0)
            request.sendall(head.encode() + body)


class QuietRequestHandler(WSGIRequestHandler):
    """Reads with an idle timeout between bytes and a deadline for the whole request; logs only at debug."""

    timeout = IDLE_TIMEOUT_S

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # the plain socket file: replaced by one that keeps the deadline
        self.rfile = io.BufferedReader(_DeadlineReader(self.connection, time.monotonic() + REQUEST_TIMEOUT_S))

    def handle(self) -> None:
        try:
            super().handle()
        except (TimeoutError, ConnectionError) as error:
            # A client too slow or gone: nothing to answer and nothing worth a traceback.
            log.debug("%s: connection dropped (%s)", self.address_string(), error)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)


class _DeadlineReader(io.RawIOBase):
    """Socket reads that wait at most IDLE_TIMEOUT_S each, and never past the request's deadline."""

    def __init__(self, connection: socket.socket, deadline: float) -> None:
        self._connection, self._deadline = connection, deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request took longer than the server allows")
        self._connection.settimeout(min(IDLE_TIMEOUT_S, left))
        return self._connection.recv_into(buffer)


def make_http_server(
    app: App, engine: Engine, host: str, port: int, *, signing_secret: str, probes: Probes | None = None
) -> ThreadingWSGIServer:
    """A server bound to host:port (port 0 picks a free one: see `server.server_port`); call serve_forever()."""
    return _bound_server(wsgi_app(app, engine, signing_secret=signing_secret, probes=probes), host, port)


def health_server(probes: Probes, host: str, port: int) -> ThreadingWSGIServer:
    """The health port of `segbot worker` and Socket Mode `segbot serve` (SEGBOT_HEALTH_PORT): /livez, /readyz
    and /metrics only, served in a daemon thread."""

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        answer = probes.answer(environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""))
        status, content_type, body = answer or ("404 Not Found", "text/plain", b"Not found.\n")
        return _answer(start_response, status, body, content_type)

    server = _bound_server(application, host, port, what="another SEGBOT_HEALTH_PORT")
    serve_in_thread(server, name="segbot-health")
    return server


def _bound_server(
    application: WSGIApp, host: str, port: int, *, what: str = "another --port or --host"
) -> ThreadingWSGIServer:
    try:
        server = make_server(
            host, port, application, server_class=ThreadingWSGIServer, handler_class=QuietRequestHandler
        )
    except (OSError, OverflowError) as error:
        raise ConfigurationError(listen_error(host, port, error, what)) from error
    assert isinstance(server, ThreadingWSGIServer)
    return server


def listen_error(host: str, port: int, error: OSError | OverflowError, what: str) -> str:
    """One sentence for an address that cannot be had: in use, out of range, not an address of this machine."""
    reason = (error.strerror if isinstance(error, OSError) and error.strerror else str(error)).rstrip(".")
    return f"Segbot cannot listen on {host}:{port} ({reason}); choose {what}."


def serve_in_thread(server: ThreadingWSGIServer, *, name: str = "segbot-http") -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    return thread
