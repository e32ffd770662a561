"""Remembering which Slack deliveries were already handled, in the database, so retries and restarts skip them."""

from __future__ import annotations

from datetime import UTC, datetime

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

    def first_time(self, key: str, workspace_id: str) -> bool:
        """Record `key`; True when nobody recorded it before (the caller should do the work)."""
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    insert(slack_event_receipts).values(
                        key=key[:255], workspace_id=workspace_id, received_at=datetime.now(UTC)
                    )
                )
        except IntegrityError:
            return False
        return True
