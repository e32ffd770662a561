"""Opening the database at a worker's start, waiting while it does not answer yet.

A cluster starts every pod at once, so a worker may come up before its database: instead of exiting (and leaving
the broker's queue unconsumed until something restarts it), it says so in the log, answers /readyz with 503 on
its health port, tries again 1, 2, 4, 8 and then every 15 s, and starts consuming once the database answers.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from bot.errors import ConfigurationError

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)

RETRY_SECONDS = (1.0, 2.0, 4.0, 8.0, 15.0)


def open_database_when_up(url: str, waiting: list[str]) -> Engine:
    """`open_database(url)`, retried while the server does not answer; `waiting` holds the reason meanwhile (for
    /readyz; the caller empties it once the worker is ready). Any other problem (a bad URL, a schema behind)
    raises."""
    from sqlalchemy.exc import DatabaseError

    from bot.storage.database import open_database

    attempt = 0
    while True:
        try:
            engine = open_database(url)
        except ConfigurationError as error:
            if not isinstance(error.__cause__, DatabaseError):
                raise
            delay = RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)]
            waiting[:] = [f"waiting for the database: {error}"]
            log.warning("%s Waiting for it: trying again in %.0f s (attempt %d).", error, delay, attempt + 1)
            time.sleep(delay)
            attempt += 1
            continue
        if attempt:
            log.warning("The database answers after %d attempt(s): the worker starts consuming jobs.", attempt + 1)
        return engine
