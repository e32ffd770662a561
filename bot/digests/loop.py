"""The digest scheduler thread of `segbot serve` / `segbot worker`: checks due digests every minute."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from sqlalchemy import Engine

from bot.digests.runner import ClientFactory, run_due
from bot.settings import Settings

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 60.0


def run_scheduler(settings: Settings, engine: Engine, stop: threading.Event, client_for: ClientFactory) -> None:
    """Run due digests once a minute until `stop` is set; a failing round is logged and the loop goes on."""
    while not stop.is_set():
        try:
            report = run_due(settings, engine, datetime.now(UTC), client_for=client_for)
            for outcome in report.outcomes:
                log.info("digest %s", outcome.line())
        except Exception:
            log.exception("the digest scheduler's round failed; trying again in a minute")
        stop.wait(INTERVAL_SECONDS)
