"""A job queue kept in the database, so any number of web and worker processes share the work.

A worker claims the oldest queued job (or one whose lease expired because its worker died) with an
atomic conditional UPDATE; on PostgreSQL the candidate row is first locked with `FOR UPDATE SKIP LOCKED`
so concurrent workers never wait on each other. A running job's lease is short (`JOB_LEASE`, 30 s) and renewed
by its worker (`bot.queue.workers.LeaseKeeper`), so a job whose worker was killed is taken over within about
half a minute. With a broker (`bot.queue.broker`) the table stays the record of
every job: the broker delivers job ids, and the row's lease decides which delivery runs it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, insert, or_, select, update

from bot.storage.tables_slack import slack_jobs

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
# Dead-lettered: tried MAX_ATTEMPTS times (its workers died, or a passing failure never passed); the user was told.
DEAD = "dead"
FINISHED = (DONE, FAILED, DEAD)

# A running job is another worker's to take over once its lease ends (SEGBOT_JOB_LEASE); its worker renews it six
# times per lease, so only a dead (or cut off) worker lets it lapse. Each job is started at most MAX_ATTEMPTS times.
JOB_LEASE = timedelta(seconds=30)
RENEWALS_PER_LEASE = 6
MAX_ATTEMPTS = 3
# Digest deliveries are claimed for longer and not renewed (bot.digests.runner).
LEASE = timedelta(minutes=15)


@dataclass(frozen=True)
class Job:
    id: int
    workspace_id: str
    kind: str
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class Held:
    """The job is running under another worker's live lease; ask again in `seconds`."""

    seconds: float


class JobQueue:
    """Enqueue, claim and finish jobs; every write is one short transaction."""

    def __init__(self, engine: Engine, *, lease: timedelta = JOB_LEASE) -> None:
        self.engine = engine
        self.lease = lease

    @property
    def renewal(self) -> timedelta:
        """How often a worker renews the leases it holds."""
        return self.lease / RENEWALS_PER_LEASE

    def enqueue(self, workspace_id: str, kind: str, payload: dict[str, Any]) -> int:
        with self.engine.begin() as connection:
            return int(
                connection.execute(
                    insert(slack_jobs)
                    .values(
                        workspace_id=workspace_id,
                        kind=kind,
                        payload=payload,
                        status=QUEUED,
                        attempts=0,
                        created_at=datetime.now(UTC),
                    )
                    .returning(slack_jobs.c.id)
                ).scalar_one()
            )

    def mark_sent(self, job_id: int) -> None:
        """The broker took the job's message."""
        with self.engine.begin() as connection:
            connection.execute(update(slack_jobs).where(slack_jobs.c.id == job_id).values(sent_at=datetime.now(UTC)))

    def send_unsent(self, send: Callable[[int], None], *, older_than: timedelta, limit: int = 100) -> list[int]:
        """Send (with `send`) the jobs queued more than `older_than` ago whose broker message was never sent: their
        web process died between writing the row and sending. The ids sent.

        A job is claimed by setting its `sent_at` in a transaction that ends only once `send` returned, so two
        sweepers never both send it (the second's UPDATE finds `sent_at` set), and one that dies or fails mid-send
        leaves it unsent for the next sweep. A job sent twice all the same (its web process died after sending and
        before `mark_sent`) runs once: the row's claim drops or delays the second delivery.
        """
        now = datetime.now(UTC)
        unsent = and_(slack_jobs.c.status == QUEUED, slack_jobs.c.sent_at.is_(None))
        with self.engine.connect() as connection:
            candidates = connection.execute(
                select(slack_jobs.c.id)
                .where(unsent, slack_jobs.c.created_at < now - older_than)
                .order_by(slack_jobs.c.id)
                .limit(limit)
            ).scalars()
            job_ids = [int(job_id) for job_id in candidates]
        sent = []
        for job_id in job_ids:
            with self.engine.begin() as connection:
                claimed = connection.execute(
                    update(slack_jobs).where(slack_jobs.c.id == job_id, unsent).values(sent_at=now)
                )
                if claimed.rowcount != 1:
                    continue
                send(job_id)
            sent.append(job_id)
        return sent

    def claim(self, worker: str) -> Job | None:
        """The next job for `worker`, now marked running with a lease; None when there is nothing to do."""
        now = datetime.now(UTC)
        with self.engine.begin() as connection:
            job_id = self._candidate(connection, now)
            if job_id is None:
                return None
            return _take(connection, job_id, worker, now, self.lease)

    def claim_id(self, job_id: int, worker: str) -> Job | Held | None:
        """Job `job_id` for `worker` (a broker delivered it): the job, `Held` while another worker's lease
        on it is live, or None when it is finished or unknown (a second delivery of a finished job)."""
        now = datetime.now(UTC)
        with self.engine.begin() as connection:
            query = select(slack_jobs.c.status, slack_jobs.c.lease_expires_at).where(slack_jobs.c.id == job_id)
            if connection.dialect.name == "postgresql":
                query = query.with_for_update()
            row = connection.execute(query).first()
            if row is None or row.status in FINISHED:
                return None
            job = _take(connection, job_id, worker, now, self.lease)
            if job is not None:
                return job
        expires = _aware(row.lease_expires_at) if row.lease_expires_at is not None else now
        return Held(max(1.0, (expires - now).total_seconds() + 1.0))

    def _candidate(self, connection: Connection, now: datetime) -> int | None:
        query = select(slack_jobs.c.id).where(_claimable(now)).order_by(slack_jobs.c.id).limit(1)
        if connection.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        found = connection.execute(query).scalar()
        return int(found) if found is not None else None

    def renew(self, job_ids: Iterable[int], worker: str) -> int:
        """Extend the leases `worker` holds on `job_ids`; how many it still held."""
        ids = list(job_ids)
        if not ids:
            return 0
        with self.engine.begin() as connection:
            renewed = connection.execute(
                update(slack_jobs)
                .where(
                    slack_jobs.c.id.in_(ids), slack_jobs.c.status == RUNNING, slack_jobs.c.claimed_by == worker[:128]
                )
                .values(lease_expires_at=datetime.now(UTC) + self.lease)
            )
            return int(renewed.rowcount)

    def retry_later(self, job_id: int, delay: timedelta, error: str) -> None:
        """Back to the queue, claimable again after `delay` (a passing failure: the database, Slack)."""
        with self.engine.begin() as connection:
            connection.execute(
                update(slack_jobs)
                .where(slack_jobs.c.id == job_id)
                .values(status=QUEUED, error=error, lease_expires_at=datetime.now(UTC) + delay)
            )

    def finish(self, job_id: int) -> None:
        self._close(job_id, DONE, None)

    def fail(self, job_id: int, error: str) -> None:
        self._close(job_id, FAILED, error)

    def dead(self, job_id: int, error: str) -> None:
        self._close(job_id, DEAD, error)

    def _close(self, job_id: int, status: str, error: str | None) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(slack_jobs)
                .where(slack_jobs.c.id == job_id)
                .values(status=status, error=error, finished_at=datetime.now(UTC), lease_expires_at=None)
            )

    def outputs(self, job_id: int) -> dict[str, str]:
        """What the job recorded having made so far (`record_output`), by name."""
        with self.engine.connect() as connection:
            found = connection.execute(select(slack_jobs.c.outputs).where(slack_jobs.c.id == job_id)).scalar()
        return dict(found or {})

    def record_output(self, job_id: int, name: str, value: str) -> None:
        """Record that the job made `name` (a Slack message's ts, ...); only the job's one worker writes it."""
        with self.engine.begin() as connection:
            found = connection.execute(select(slack_jobs.c.outputs).where(slack_jobs.c.id == job_id)).scalar()
            outputs = {**(found or {}), name: value}
            connection.execute(update(slack_jobs).where(slack_jobs.c.id == job_id).values(outputs=outputs))

    def get(self, job_id: int) -> Job | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(slack_jobs).where(slack_jobs.c.id == job_id)).first()
        if row is None:
            return None
        return Job(id=row.id, workspace_id=row.workspace_id, kind=row.kind, payload=row.payload, attempts=row.attempts)

    def status(self, job_id: int) -> str | None:
        with self.engine.connect() as connection:
            return connection.execute(select(slack_jobs.c.status).where(slack_jobs.c.id == job_id)).scalar()

    def counts(self) -> dict[str, int]:
        """How many jobs are in each status (for health checks and benchmarks)."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(slack_jobs.c.status, func.count()).group_by(slack_jobs.c.status))
            return {status: int(count) for status, count in rows}


def _take(connection: Connection, job_id: int, worker: str, now: datetime, lease: timedelta) -> Job | None:
    claimed = connection.execute(
        update(slack_jobs)
        .where(slack_jobs.c.id == job_id, _claimable(now))
        .values(
            status=RUNNING,
            claimed_by=worker[:128],
            lease_expires_at=now + lease,
            attempts=slack_jobs.c.attempts + 1,
        )
    )
    if claimed.rowcount != 1:
        return None
    row = connection.execute(select(slack_jobs).where(slack_jobs.c.id == job_id)).one()
    return Job(id=row.id, workspace_id=row.workspace_id, kind=row.kind, payload=row.payload, attempts=row.attempts)


def _claimable(now: datetime) -> Any:
    # A queued job's lease_expires_at, when set, is the time it may be retried (see `retry_later`).
    queued = and_(
        slack_jobs.c.status == QUEUED,
        or_(slack_jobs.c.lease_expires_at.is_(None), slack_jobs.c.lease_expires_at < now),
    )
    abandoned = and_(slack_jobs.c.status == RUNNING, slack_jobs.c.lease_expires_at < now)
    return or_(queued, abandoned)


def _aware(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back; they were stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
