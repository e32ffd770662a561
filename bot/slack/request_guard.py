"""Checking an HTTP request before Bolt sees it: headers first, then a bounded body, then Slack's signature.

Nothing of an unauthenticated request is parsed beyond its headers: the size is known (Content-Length) or bounded
(chunked) before any byte of the body is read, the body is read whole only up to MAX_BODY_BYTES, and Bolt gets it
only once the signature matches and it is UTF-8 text. Each refusal is a `Rejection` (400, 401, 408 or 413) with
one sentence, never an exception for the server to turn into a 500.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from typing import Any, BinaryIO

MAX_BODY_BYTES = 1024 * 1024
"""Slack's event and interaction payloads are a few KB; a 1 MB cap leaves room for large modal states."""
MAX_CLOCK_SKEW_S = 300
"""Slack's own rule: a request whose timestamp is more than 5 minutes away may be a replay."""
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,8})(?:;[^\r\n]*)?\r?\n")
_MAX_CHUNK_LINE = 1024
_MAX_TRAILERS = 32


@dataclass(frozen=True)
class Rejection(Exception):
    """An HTTP error answer: status line and one sentence."""

    status: str
    message: str


BAD_REQUEST = "400 Bad Request"
UNAUTHORIZED = "401 Unauthorized"
TIMEOUT = "408 Request Timeout"
TOO_LARGE = "413 Content Too Large"


def check_headers(environ: dict[str, Any], *, signed: bool, now: float | None = None) -> None:
    """Raise a `Rejection` for a malformed length or, when `signed`, missing or malformed Slack headers."""
    length = environ.get("CONTENT_LENGTH") or ""
    chunked = environ.get("HTTP_TRANSFER_ENCODING", "").strip().lower()
    if chunked and chunked != "chunked":
        raise Rejection(BAD_REQUEST, f"Transfer-Encoding {chunked[:40]!r} is not supported; send the body as is.")
    if chunked and length:
        raise Rejection(BAD_REQUEST, "A request may not have both Content-Length and Transfer-Encoding.")
    if length and not length.isdigit():
        raise Rejection(BAD_REQUEST, "Content-Length is not a number.")
    if length and int(length) > MAX_BODY_BYTES:
        raise Rejection(TOO_LARGE, f"The request body is larger than {MAX_BODY_BYTES // 1024} KB.")
    if signed:
        _check_slack_headers(environ, time.time() if now is None else now)


def _check_slack_headers(environ: dict[str, Any], now: float) -> None:
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
    if not _TIMESTAMP.fullmatch(timestamp):
        raise Rejection(UNAUTHORIZED, "X-Slack-Request-Timestamp is missing or not a number of seconds.")
    if abs(now - int(timestamp)) > MAX_CLOCK_SKEW_S:
        raise Rejection(UNAUTHORIZED, "X-Slack-Request-Timestamp is more than 5 minutes away from now.")
    if not _SIGNATURE.fullmatch(signature):
        raise Rejection(UNAUTHORIZED, "X-Slack-Signature is missing or not a v0= signature.")


def read_body(environ: dict[str, Any], *, unframed: bool = False) -> bytes:
    """The body, at most MAX_BODY_BYTES, from Content-Length or chunked transfer coding.

    `unframed`: the server has already taken the chunk framing off `wsgi.input` (gunicorn does), so a chunked
    body is read to its end instead of being parsed a second time."""
    stream: BinaryIO = environ["wsgi.input"]
    try:
        if environ.get("HTTP_TRANSFER_ENCODING", "").strip().lower() == "chunked":
            return _read_to_end(stream) if unframed else _read_chunked(stream)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = stream.read(length) if length else b""
    except TimeoutError as error:
        raise Rejection(TIMEOUT, "The request body did not arrive in time.") from error
    except (ConnectionError, ValueError) as error:
        raise Rejection(BAD_REQUEST, "The request body could not be read.") from error
    if len(body) != length:
        raise Rejection(BAD_REQUEST, "The request body is shorter than its Content-Length.")
    return body


def _read_to_end(stream: BinaryIO) -> bytes:
    body = stream.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise Rejection(TOO_LARGE, f"The request body is larger than {MAX_BODY_BYTES // 1024} KB.")
    return body


def _read_chunked(stream: BinaryIO) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        found = _CHUNK_SIZE.fullmatch(stream.readline(_MAX_CHUNK_LINE))
        if found is None:
            raise Rejection(BAD_REQUEST, "The chunked request body is malformed.")
        size = int(found.group(1), 16)
        if size == 0:
            break
        total += size
        if total > MAX_BODY_BYTES:
            raise Rejection(TOO_LARGE, f"The request body is larger than {MAX_BODY_BYTES // 1024} KB.")
        chunk = stream.read(size)
        if len(chunk) != size or stream.readline(_MAX_CHUNK_LINE) not in (b"\r\n", b"\n"):
            raise Rejection(BAD_REQUEST, "The chunked request body is malformed.")
        parts.append(chunk)
    for _ in range(_MAX_TRAILERS):
        if stream.readline(_MAX_CHUNK_LINE) in (b"\r\n", b"\n", b""):
            return b"".join(parts)
    raise Rejection(BAD_REQUEST, "The chunked request body is malformed.")


def check_signature(environ: dict[str, Any], body: bytes, signing_secret: str) -> None:
    """Slack's `v0` HMAC-SHA256 of `v0:<timestamp>:<body>`, compared in constant time."""
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    expected = (
        "v0=" + hmac.new(signing_secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    )
    if not signing_secret or not hmac.compare_digest(expected, environ.get("HTTP_X_SLACK_SIGNATURE", "")):
        raise Rejection(UNAUTHORIZED, "The request signature does not match; it was not sent by Slack.")


def check_text(body: bytes) -> None:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Rejection(BAD_REQUEST, "The request body is not UTF-8 text.") from error
