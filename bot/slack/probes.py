"""Liveness, readiness and metrics over HTTP, for the web process and for the health port of the others.

- `GET /livez`: the process answers and its own threads run (job threads; nothing else can be fixed by a
  restart). 200, or 503 with the problems.
- `GET /readyz`: the process can do its work: the database answers, its schema is at the migrations' head, Slack
  credentials are configured (in Socket Mode: the connection to Slack is up; in a worker with SEGBOT_BROKER_URL:
  the broker accepts connections). 200, or 503 with the problems.
- `GET /metrics`: Prometheus text (`bot.metrics`), with the job store's counts read at scrape time.

`segbot serve` over HTTP answers them on its own port; `segbot worker` and Socket Mode `segbot serve` have no
web server of their own, so with SEGBOT_HEALTH_PORT they start `bot.slack.server.health_server` for these three
paths only.
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from sqlalchemy import Engine

from bot.metrics import exposition
from bot.settings import Settings
from bot.slack.heartbeat import Check, database_check
from bot.storage.database import current_revision, head_revision

log = logging.getLogger(__name__)

LIVE_PATH = "/livez"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"

Answer = tuple[str, str, bytes]  # status line, content type, body


@dataclass(frozen=True)
class Probes:
    """What /livez and /readyz check in this process, and where /metrics reads the job counts."""

    live: Sequence[Check] = ()
    ready: Sequence[Check] = ()
    job_counts: Callable[[], Mapping[str, int]] | None = None

    def answer(self, method: str, path: str) -> Answer | None:
        """The answer for a probe or metrics request; None for any other request."""
        if method not in ("GET", "HEAD"):
            return None
        if path == LIVE_PATH:
            return _verdict(self.live)
        if path == READY_PATH:
            return _verdict(self.ready)
        if path == METRICS_PATH:
            body, content_type = exposition(self.job_counts)
            return "200 OK", content_type, body
        return None


def _verdict(checks: Iterable[Check]) -> Answer:
    problems = [problem for check in checks if (problem := _run(check)) is not None]
    body = {"status": "unavailable", "problems": problems} if problems else {"status": "ok"}
    status = "503 Service Unavailable" if problems else "200 OK"
    return status, "application/json", json.dumps(body).encode()


def _run(check: Check) -> str | None:
    try:
        return check()
    except Exception as error:
        return f"a check failed ({type(error).__name__})"


def readiness_checks(engine: Engine, settings: Settings | None) -> list[Check]:
    """Database reachable, schema current and (with `settings`) Slack credentials configured."""
    # The migrations' head is read once here, before gunicorn forks, so no probe pays for loading the scripts
    # while the process is busy starting its job threads.
    _head()
    checks = [database_check(engine), schema_check(engine)]
    return checks if settings is None else [*checks, credentials_check(settings)]


BROKER_PORTS = {"amqp": 5672, "amqps": 5671, "redis": 6379, "rediss": 6379}
BROKER_TIMEOUT_S = 3.0


def broker_check(url: str) -> Check:
    """The broker of SEGBOT_BROKER_URL accepts a connection (for the workers, which take their jobs from it)."""
    address = urlsplit(url)
    host, port = address.hostname or "localhost", address.port or BROKER_PORTS.get(address.scheme, 5672)

    def check() -> str | None:
        try:
            socket.create_connection((host, port), timeout=BROKER_TIMEOUT_S).close()
        except OSError:
            return "the broker is not reachable"
        return None

    return check


def schema_check(engine: Engine) -> Check:
    def check() -> str | None:
        try:
            current = current_revision(engine)
        except Exception:
            return "the database schema cannot be read"
        if current != _head():
            return "the database schema is not up to date (run segbot db upgrade)"
        return None

    return check


@cache
def _head() -> str | None:
    return head_revision()


def credentials_check(settings: Settings) -> Check:
    has_token = bool(settings.slack_bot_token) or bool(settings.slack_client_id and settings.slack_client_secret)
    has_secret = bool(settings.slack_signing_secret or settings.slack_app_token)
    problem = None if has_token and has_secret else "Slack credentials are not configured"
    return lambda: problem
