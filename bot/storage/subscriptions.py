"""Weekly digest subscriptions and their deliveries: one claimed row per (subscription, due slot).

A delivery row is the lock that makes a digest post once: inserting it is the claim (the unique pair lets one
process win), and a claim carries a lease so that a slot whose process died is taken over once the lease
runs out. Finished slots ("posted", "skipped", "failed") are never claimed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Engine, delete, desc, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from bot.errors import NotFoundError
from bot.storage.tables_digests import datasets, digest_deliveries, subscriptions
from bot.storage.workspaces import ensure_workspace

DeliveryStatus = Literal["claimed", "retry", "posted", "skipped", "failed"]
FINISHED: tuple[DeliveryStatus, ...] = ("posted", "skipped", "failed")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Schedule:
    """Weekly at a local time: `weekday` 0 = Monday; `timezone` an IANA name such as Europe/Berlin."""

    weekday: int
    hour: int
    minute: int
    timezone: str

    def describe(self) -> str:
        return f"{WEEKDAYS[self.weekday].capitalize()} {self.hour:02d}:{self.minute:02d} {self.timezone}"


@dataclass(frozen=True)
class Subscription:
    id: int
    workspace_id: str
    dataset_id: int
    dataset_name: str
    channel_id: str
    schedule: Schedule
    paused: bool
    paused_reason: str | None
    created_at: datetime
    created_by: str | None


@dataclass(frozen=True)
class Delivery:
    id: int
    subscription_id: int
    slot_at: datetime
    status: DeliveryStatus
    attempts: int
    lease_expires_at: datetime | None
    run_id: int | None
    message_ts: str | None
    error: str | None


class SubscriptionRepository:
    """Subscriptions of every workspace, scoped by workspace id in every call that people trigger."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def subscribe(
        self,
        workspace_id: str,
        dataset_id: int,
        channel_id: str,
        schedule: Schedule,
        *,
        created_by: str | None = None,
        now: datetime | None = None,
    ) -> Subscription:
        """Subscribe the channel (or change its schedule and resume it, when it was already subscribed)."""
        now = now or datetime.now(UTC)
        values = {
            "weekday": schedule.weekday,
            "hour": schedule.hour,
            "minute": schedule.minute,
            "timezone": schedule.timezone,
            "paused": False,
            "paused_reason": None,
        }
        key = (
            subscriptions.c.workspace_id == workspace_id,
            subscriptions.c.dataset_id == dataset_id,
            subscriptions.c.channel_id == channel_id,
        )
        try:
            with self.engine.begin() as connection:
                ensure_workspace(connection, workspace_id)
                updated = connection.execute(update(subscriptions).where(*key).values(**values)).rowcount
                if not updated:
                    connection.execute(
                        insert(subscriptions).values(
                            workspace_id=workspace_id,
                            dataset_id=dataset_id,
                            channel_id=channel_id,
                            created_at=now,
                            created_by=created_by,
                            **values,
                        )
                    )
        except IntegrityError:  # subscribed at the same moment by someone else: theirs stands, ours updates it
            with self.engine.begin() as connection:
                connection.execute(update(subscriptions).where(*key).values(**values))
        found = [s for s in self.list(workspace_id) if s.dataset_id == dataset_id and s.channel_id == channel_id]
        return found[0]

    def unsubscribe(self, workspace_id: str, dataset_name: str, channel_id: str | None = None) -> int:
        """Remove the dataset's subscriptions (in one channel, or everywhere); how many were removed."""
        matching = [
            s.id
            for s in self.list(workspace_id)
            if s.dataset_name == dataset_name and (channel_id is None or s.channel_id == channel_id)
        ]
        if not matching:
            where = f" in channel {channel_id}" if channel_id else ""
            raise NotFoundError(f"Nothing is subscribed to {dataset_name!r}{where}; see `segbot digest list`.")
        with self.engine.begin() as connection:
            connection.execute(delete(subscriptions).where(subscriptions.c.id.in_(matching)))
        return len(matching)

    def list(self, workspace_id: str | None = None, *, active_only: bool = False) -> list[Subscription]:
        """Subscriptions of one workspace (or of all, for the scheduler), by dataset name and channel."""
        query = select(subscriptions, datasets.c.name.label("dataset_name")).join(
            datasets, datasets.c.id == subscriptions.c.dataset_id
        )
        if workspace_id is not None:
            query = query.where(subscriptions.c.workspace_id == workspace_id)
        if active_only:
            query = query.where(subscriptions.c.paused.is_(False))
        query = query.order_by(subscriptions.c.workspace_id, datasets.c.name, subscriptions.c.channel_id)
        with self.engine.connect() as connection:
            return [_to_subscription(row) for row in connection.execute(query)]

    def get(self, subscription_id: int) -> Subscription | None:
        return next((s for s in self.list() if s.id == subscription_id), None)

    def pause(self, subscription_id: int, reason: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(subscriptions)
                .where(subscriptions.c.id == subscription_id)
                .values(paused=True, paused_reason=reason)
            )


class DeliveryRepository:
    """Claims, finishes and reads digest deliveries."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def find(self, subscription_id: int, slot_at: datetime) -> Delivery | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(digest_deliveries).where(
                    digest_deliveries.c.subscription_id == subscription_id, digest_deliveries.c.slot_at == slot_at
                )
            ).first()
        return _to_delivery(row) if row else None

    def claim(
        self, subscription_id: int, slot_at: datetime, *, owner: str, now: datetime, lease: timedelta
    ) -> Delivery | None:
        """The claimed delivery of this slot, or None when another process holds it or it is finished."""
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    insert(digest_deliveries).values(
                        subscription_id=subscription_id,
                        slot_at=slot_at,
                        status="claimed",
                        lease_owner=owner,
                        lease_expires_at=now + lease,
                        attempts=1,
                        created_at=now,
                    )
                )
        except IntegrityError:
            if not self._take_over(subscription_id, slot_at, owner=owner, now=now, lease=lease):
                return None
        return self.find(subscription_id, slot_at)

    def _take_over(
        self, subscription_id: int, slot_at: datetime, *, owner: str, now: datetime, lease: timedelta
    ) -> bool:
        # A conditional update is atomic on both databases: of two takers, one sees the row still expired.
        with self.engine.begin() as connection:
            taken = connection.execute(
                update(digest_deliveries)
                .where(
                    digest_deliveries.c.subscription_id == subscription_id,
                    digest_deliveries.c.slot_at == slot_at,
                    digest_deliveries.c.status.in_(("claimed", "retry")),
                    digest_deliveries.c.lease_expires_at <= now,
                )
                .values(
                    status="claimed",
                    lease_owner=owner,
                    lease_expires_at=now + lease,
                    attempts=digest_deliveries.c.attempts + 1,
                )
            ).rowcount
        return bool(taken)

    def finish(
        self,
        delivery_id: int,
        status: DeliveryStatus,
        *,
        now: datetime,
        run_id: int | None = None,
        message_ts: str | None = None,
        error: str | None = None,
        retry_at: datetime | None = None,
    ) -> None:
        """Record how the claimed delivery ended; "retry" frees it for another claim at `retry_at`."""
        with self.engine.begin() as connection:
            connection.execute(
                update(digest_deliveries)
                .where(digest_deliveries.c.id == delivery_id)
                .values(
                    status=status,
                    run_id=run_id,
                    message_ts=message_ts,
                    error=error,
                    lease_expires_at=retry_at,
                    finished_at=now if status in FINISHED else None,
                )
            )

    def latest_posted(self, subscription_id: int) -> Delivery | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(digest_deliveries)
                .where(digest_deliveries.c.subscription_id == subscription_id, digest_deliveries.c.status == "posted")
                .order_by(desc(digest_deliveries.c.slot_at))
                .limit(1)
            ).first()
        return _to_delivery(row) if row else None

    def for_subscription(self, subscription_id: int) -> list[Delivery]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(digest_deliveries)
                .where(digest_deliveries.c.subscription_id == subscription_id)
                .order_by(digest_deliveries.c.slot_at)
            ).all()
        return [_to_delivery(row) for row in rows]


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _to_subscription(row: Row[Any]) -> Subscription:
    return Subscription(
        id=row.id,
        workspace_id=row.workspace_id,
        dataset_id=row.dataset_id,
        dataset_name=row.dataset_name,
        channel_id=row.channel_id,
        schedule=Schedule(weekday=row.weekday, hour=row.hour, minute=row.minute, timezone=row.timezone),
        paused=row.paused,
        paused_reason=row.paused_reason,
        created_at=_utc(row.created_at),
        created_by=row.created_by,
    )


def _to_delivery(row: Row[Any]) -> Delivery:
    return Delivery(
        id=row.id,
        subscription_id=row.subscription_id,
        slot_at=_utc(row.slot_at),
        status=row.status,
        attempts=row.attempts,
        lease_expires_at=_utc(row.lease_expires_at) if row.lease_expires_at else None,
        run_id=row.run_id,
        message_ts=row.message_ts,
        error=row.error,
    )
