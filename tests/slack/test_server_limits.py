"""The HTTP server under hostile clients, over real HTTP on 127.0.0.1: sizes, headers, timeouts, connections.

Bad requests get 400/401/408/413 (or 503 when full), never a 500 and never a traceback in the log.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from slack_bolt import App

from bot.slack import server as server_module
from bot.slack.request_guard import MAX_BODY_BYTES
from bot.slack.server import QuietRequestHandler, make_http_server, serve_in_thread
from bot.storage.database import create_database_engine
from tests.slack.signing import signed_headers

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
CHALLENGE = json.dumps({"type": "url_verification", "token": "x", "challenge": "c-123"}).encode()


@dataclass
class Answer:
    status: int
    body: bytes
    seconds: float


@pytest.fixture
def base(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[tuple[str, int]]:
    monkeypatch.setattr(server_module, "MAX_CONNECTIONS", 4)
    monkeypatch.setattr(server_module, "IDLE_TIMEOUT_S", 0.5)
    monkeypatch.setattr(server_module, "REQUEST_TIMEOUT_S", 1.5)
    monkeypatch.setattr(QuietRequestHandler, "timeout", 0.5)
    app = App(signing_secret=SECRET, token_verification_enabled=False, authorize=lambda **_: None)
    engine = create_database_engine(f"sqlite:///{tmp_path / 'segbot.db'}")
    http = make_http_server(app, engine, "127.0.0.1", 0, signing_secret=SECRET)
    serve_in_thread(http)
    yield "127.0.0.1", http.server_port
    http.shutdown()
    http.server_close()
    engine.dispose()


@pytest.fixture(autouse=True)
def no_tracebacks(caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> Iterator[None]:
    caplog.set_level(logging.DEBUG)
    yield
    assert "Traceback" not in capfd.readouterr().err
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def _send(address: tuple[str, int], raw: bytes, *, timeout: float = 5.0) -> Answer:
    started = time.monotonic()
    with socket.create_connection(address, timeout=timeout) as client:
        client.sendall(raw)
        received = b""
        try:
            while chunk := client.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
    status = int(received.split(b" ", 2)[1]) if received.startswith(b"HTTP/") else 0
    return Answer(status, received.partition(b"\r\n\r\n")[2], time.monotonic() - started)


def _post(address: tuple[str, int], body: bytes, headers: dict[str, str], *, path: str = "/slack/events") -> Answer:
    lines = [f"POST {path} HTTP/1.1", "Host: segbot", "Content-Type: application/json"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if not any(name.lower() in ("content-length", "transfer-encoding") for name in headers):
        lines.append(f"Content-Length: {len(body)}")
    return _send(address, ("\r\n".join(lines) + "\r\n\r\n").encode() + body)


def test_a_signed_request_still_reaches_bolt(base: tuple[str, int]) -> None:
    answer = _post(base, CHALLENGE, signed_headers(SECRET, CHALLENGE))
    assert answer.status == 200 and b"c-123" in answer.body


def test_a_huge_body_is_refused_from_its_length_before_any_byte_is_read(base: tuple[str, int]) -> None:
    headers = {**signed_headers(SECRET, b""), "Content-Length": str(50 * 1024 * 1024)}
    answer = _post(base, b"", headers)  # the 50 MB never comes: the answer must not wait for it
    assert answer.status == 413 and answer.seconds < 1.0
    assert b"larger than 1024 KB" in answer.body


def test_chunked_bodies_are_bounded_and_decoded(base: tuple[str, int]) -> None:
    piece = b"x" * 65536
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for _ in range(MAX_BODY_BYTES // len(piece) + 1))
    answer = _post(base, chunks + b"0\r\n\r\n", {**signed_headers(SECRET, b""), "Transfer-Encoding": "chunked"})
    assert answer.status == 413
    body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(CHALLENGE), CHALLENGE)
    answer = _post(base, body, {**signed_headers(SECRET, CHALLENGE), "Transfer-Encoding": "chunked"})
    assert answer.status == 200 and b"c-123" in answer.body
    answer = _post(base, b"zz\r\nhello\r\n0\r\n\r\n", {**signed_headers(SECRET, b""), "Transfer-Encoding": "chunked"})
    assert answer.status == 400


@pytest.mark.parametrize(
    ("headers", "status", "message"),
    [
        ({"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=" + "0" * 64}, 401, b"not a number"),
        ({"X-Slack-Request-Timestamp": "1" * 40, "X-Slack-Signature": "v0=" + "0" * 64}, 401, b"not a number"),
        ({"X-Slack-Request-Timestamp": "1000", "X-Slack-Signature": "v0=" + "0" * 64}, 401, b"5 minutes"),
        ({"X-Slack-Signature": "v0=" + "0" * 64}, 401, b"Timestamp is missing"),
        ({"X-Slack-Request-Timestamp": "NOW", "X-Slack-Signature": "sha1=abc"}, 401, b"v0="),
        ({"X-Slack-Request-Timestamp": "NOW", "X-Slack-Signature": "v0=" + "a" * 64}, 401,
         b"does not match"),
        ({"Content-Length": "12abc"}, 400, b"Content-Length is not a number"),
        ({"Content-Length": "5", "Transfer-Encoding": "chunked"}, 400, b"both"),
        ({"Transfer-Encoding": "gzip"}, 400, b"not supported"),
    ],
)  # fmt: skip
def test_malformed_or_unsigned_requests_get_4xx_and_no_traceback(
    base: tuple[str, int], headers: dict[str, str], status: int, message: bytes
) -> None:
    headers = {name: str(int(time.time())) if value == "NOW" else value for name, value in headers.items()}
    answer = _post(base, b'{"type": "event_callback"}' if "Content-Length" not in headers else b"", headers)
    assert answer.status == status, answer
    assert message in answer.body


def test_a_body_that_is_not_utf8_is_a_400_when_signed_and_a_401_when_not(base: tuple[str, int]) -> None:
    body = b"payload=\xff\xfe\xfa"
    assert _post(base, body, signed_headers(SECRET, body)).status == 400
    assert _post(base, body, signed_headers("another secret", body)).status == 401


def test_an_idle_connection_is_closed(base: tuple[str, int]) -> None:
    started = time.monotonic()
    with socket.create_connection(base, timeout=5) as client:
        assert client.recv(1024) == b""  # nothing sent: the server hangs up after its idle timeout
    assert time.monotonic() - started < 2.0


def test_a_client_dripping_its_request_is_cut_off_at_the_request_deadline(base: tuple[str, int]) -> None:
    request = b"POST /slack/events HTTP/1.1\r\nHost: segbot\r\nX-Padding: " + b"a" * 400
    started = time.monotonic()
    with socket.create_connection(base, timeout=5) as client:
        try:
            for byte in request:  # one byte every 0.2 s: always within the idle timeout
                client.sendall(bytes([byte]))
                time.sleep(0.2)
                if time.monotonic() - started > 5:
                    break
        except (BrokenPipeError, ConnectionResetError):
            pass
    assert time.monotonic() - started < 3.0


def test_connections_beyond_the_limit_get_503_without_a_thread(base: tuple[str, int]) -> None:
    threads_before = threading.active_count()
    idle = [socket.create_connection(base, timeout=5) for _ in range(4)]
    time.sleep(0.1)
    try:
        answers = [_send(base, b"GET /healthz HTTP/1.1\r\nHost: segbot\r\n\r\n") for _ in range(20)]
        assert {a.status for a in answers} == {503}
        assert all(b"busy" in a.body for a in answers)
        assert threading.active_count() <= threads_before + 4
    finally:
        for connection in idle:
            connection.close()
    time.sleep(0.3)
    assert _send(base, b"GET /healthz HTTP/1.1\r\nHost: segbot\r\n\r\n").status == 200
