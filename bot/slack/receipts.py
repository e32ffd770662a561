"""Remembering which Slack deliveries were already handled, in the database, so retries and restarts skip them."""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert
from sqlalchemy.exc import IntegrityError

from bot.storage.tables_slack import slack_event_receipts


def event_key(event_id: str) -> str:
    return f"event:{event_id}"


def file_key(workspace_id: str, channel_id: str, file_id: str) -> str:
    return f"file:{workspace_id}:{channel_id}:{file_id}"


class EventReceipts:
    """A unique row per handled delivery; the database decides who was first, across processes."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # SQLite lets one writer in at a time and makes the others sleep and poll; queueing this process's
        # writers on a lock instead keeps acknowledgements quick under bursts. PostgreSQL needs no help.
        self._writers: AbstractContextManager[object] = (
            threading.Lock() if engine.dialect.name == "sqlite" else nullcontext()
        )

    def first_time(self, key: str, workspace_id: str) -> bool:
        """Record `key`; True when nobody recorded it before (the caller should do the work)."""
        try:
            with self._writers, self.engine.begin() as connection:
                connection.execute(
                    insert(slack_event_receipts).values(
                        key=key[:255], workspace_id=workspace_id, received_at=datetime.now(UTC)
                    )
                )
        except IntegrityError:
            return False
        return True

    def first_delivery(self, body: dict[str, Any]) -> bool:
        """True the first time an Events API delivery's `event_id` is seen (retries and replays give False).

        Listeners call this right after Slack was acknowledged, so the database write never delays the ack.
        """
        event_id = body.get("event_id")
        if not event_id:
            return True
        return self.first_time(event_key(str(event_id)), str(body.get("team_id") or ""))
