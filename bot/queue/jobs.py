"""A job queue kept in the database, so any number of web and worker processes share the work.

A worker claims the oldest queued job (or one whose lease expired because its worker died) with an
atomic conditional UPDATE; on PostgreSQL the candidate row is first locked with `FOR UPDATE SKIP LOCKED`
so concurrent workers never wait on each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, insert, or_, select, update

from bot.storage.tables_slack import slack_jobs

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"

# A claimed job (or digest delivery) is another worker's to take over once its lease ends; each is tried at
# most MAX_ATTEMPTS times.
LEASE = timedelta(minutes=15)
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Job:
    id: int
    workspace_id: str
    kind: str
    payload: dict[str, Any]
    attempts: int


class JobQueue:
    """Enqueue, claim and finish jobs; every write is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

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

    def claim(self, worker: str) -> Job | None:
        """The next job for `worker`, now marked running with a lease; None when there is nothing to do."""
        now = datetime.now(UTC)
        with self.engine.begin() as connection:
            job_id = self._candidate(connection, now)
            if job_id is None:
                _give_up_on_abandoned(connection, now)
                return None
            claimed = connection.execute(
                update(slack_jobs)
                .where(slack_jobs.c.id == job_id, _claimable(now))
                .values(
                    status=RUNNING,
                    claimed_by=worker[:128],
                    lease_expires_at=now + LEASE,
                    attempts=slack_jobs.c.attempts + 1,
                )
            )
            if claimed.rowcount != 1:
                return None
            row = connection.execute(select(slack_jobs).where(slack_jobs.c.id == job_id)).one()
        return Job(id=row.id, workspace_id=row.workspace_id, kind=row.kind, payload=row.payload, attempts=row.attempts)

    def _candidate(self, connection: Connection, now: datetime) -> int | None:
        query = select(slack_jobs.c.id).where(_claimable(now)).order_by(slack_jobs.c.id).limit(1)
        if connection.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        found = connection.execute(query).scalar()
        return int(found) if found is not None else None

    def finish(self, job_id: int) -> None:
        self._close(job_id, DONE, None)

    def fail(self, job_id: int, error: str) -> None:
        self._close(job_id, FAILED, error)

    def _close(self, job_id: int, status: str, error: str | None) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(slack_jobs)
                .where(slack_jobs.c.id == job_id)
                .values(status=status, error=error, finished_at=datetime.now(UTC), lease_expires_at=None)
            )

    def status(self, job_id: int) -> str | None:
        with self.engine.connect() as connection:
            return connection.execute(select(slack_jobs.c.status).where(slack_jobs.c.id == job_id)).scalar()

    def counts(self) -> dict[str, int]:
        """How many jobs are in each status (for health checks and benchmarks)."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(slack_jobs.c.status, func.count()).group_by(slack_jobs.c.status))
            return {status: int(count) for status, count in rows}


def _claimable(now: datetime) -> Any:
    expired = and_(
        slack_jobs.c.status == RUNNING,
        slack_jobs.c.lease_expires_at < now,
        slack_jobs.c.attempts < MAX_ATTEMPTS,
    )
    return or_(slack_jobs.c.status == QUEUED, expired)


def _give_up_on_abandoned(connection: Connection, now: datetime) -> None:
    """Jobs whose workers died MAX_ATTEMPTS times are failed, not retried forever (a file that kills workers)."""
    connection.execute(
        update(slack_jobs)
        .where(
            slack_jobs.c.status == RUNNING,
            slack_jobs.c.lease_expires_at < now,
            slack_jobs.c.attempts >= MAX_ATTEMPTS,
        )
        .values(
            status=FAILED,
            finished_at=now,
            lease_expires_at=None,
            error=f"abandoned by its worker {MAX_ATTEMPTS} times",
        )
    )
