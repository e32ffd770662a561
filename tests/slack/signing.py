"""Signing requests the way Slack does (`v0=` + HMAC-SHA256 of `v0:<timestamp>:<body>`), for tests and benchmarks."""

from __future__ import annotations

import hashlib
import hmac
import time


def slack_signature(secret: str, timestamp: str, body: str | bytes) -> str:
    raw = body.encode("utf-8") if isinstance(body, str) else body
    base = b"v0:" + timestamp.encode() + b":" + raw
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: str | bytes, *, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": slack_signature(secret, stamp, body)}
