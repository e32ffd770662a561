"""The database job queue and the worker pool, on SQLite and PostgreSQL: leases, retries, dead letters."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.exc import OperationalError

from bot.queue.jobs import DEAD, DONE, FAILED, JOB_LEASE, MAX_ATTEMPTS, QUEUED, RUNNING, Held, Job, JobQueue
from bot.queue.workers import JobFailed, JobHandler, JobRunner, LeaseKeeper, WorkerPool
from bot.storage.tables_slack import slack_jobs


def runner(queue: JobQueue, handlers: dict[str, JobHandler]) -> JobRunner:
    return JobRunner(queue, handlers, lambda job: None, LeaseKeeper(queue))


def expire(engine: Engine) -> None:
    """Every lease and backoff ends now (as if their time had passed)."""
    with engine.begin() as connection:
        connection.execute(update(slack_jobs).values(lease_expires_at=datetime.now(UTC) - timedelta(seconds=1)))


def test_jobs_are_claimed_oldest_first_and_only_once(engine: Engine) -> None:
    queue = JobQueue(engine)
    first = queue.enqueue("T1", "demo", {"n": 1})
    second = queue.enqueue("T1", "demo", {"n": 2})
    claimed = queue.claim("w1")
    assert claimed is not None and (claimed.id, claimed.payload, claimed.attempts) == (first, {"n": 1}, 1)
    again = queue.claim("w2")
    assert again is not None and again.id == second
    assert queue.claim("w3") is None
    queue.finish(first)
    queue.fail(second, "boom")
    assert (queue.status(first), queue.status(second)) == (DONE, FAILED)


def test_concurrent_workers_never_share_a_job(engine: Engine) -> None:
    queue = JobQueue(engine)
    ids = {queue.enqueue("T1", "demo", {"n": n}) for n in range(30)}
    claimed: list[int] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        while (job := queue.claim(name)) is not None:
            with lock:
                claimed.append(job.id)

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(ids)


def test_a_job_whose_worker_died_is_claimed_again_once_its_short_lease_ends(engine: Engine) -> None:
    queue = JobQueue(engine)
    job_id = queue.enqueue("T1", "demo", {})
    assert queue.claim("dead-worker") is not None
    assert queue.claim("other") is None, "the lease still holds"
    held = queue.claim_id(job_id, "other")
    assert isinstance(held, Held) and 1 <= held.seconds <= JOB_LEASE.total_seconds() + 1
    with engine.connect() as connection:
        lease = connection.execute(select(slack_jobs.c.lease_expires_at)).scalar_one()
    assert lease.replace(tzinfo=UTC) - datetime.now(UTC) <= timedelta(seconds=60), "a killed job waits under 60 s"
    expire(engine)
    retaken = queue.claim("other")
    assert retaken is not None and retaken.id == job_id and retaken.attempts == 2
    queue.finish(job_id)
    assert queue.claim_id(job_id, "late-delivery") is None, "a finished job is not run again"


def test_a_live_worker_keeps_its_lease_and_a_dead_one_loses_it(engine: Engine) -> None:
    queue = JobQueue(engine)
    alive, dead = queue.enqueue("T1", "demo", {}), queue.enqueue("T1", "demo", {})
    assert queue.claim("alive") is not None and queue.claim("dead") is not None
    expire(engine)
    leases = LeaseKeeper(queue)
    with leases.holding(alive, "alive"):
        leases.renew_all()
    assert queue.renew([alive], "someone-else") == 0, "only the holder renews"
    retaken = queue.claim("other")
    assert retaken is not None and retaken.id == dead, "the renewed lease holds, the lapsed one is taken over"


def test_a_passing_failure_is_retried_later_and_dead_lettered_after_max_attempts(engine: Engine) -> None:
    queue = JobQueue(engine)
    told: list[int] = []

    def flaky(job: Job) -> None:
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

    pool = WorkerPool(JobRunner(queue, {"demo": flaky}, lambda job: told.append(job.id), LeaseKeeper(queue)), size=0)
    job_id = queue.enqueue("T1", "demo", {})
    assert pool.run_one() and queue.status(job_id) == QUEUED
    assert not pool.run_one(), "not before its backoff ends"
    for _attempt in range(2, MAX_ATTEMPTS + 1):
        expire(engine)
        assert pool.run_one()
    assert queue.status(job_id) == DEAD and told == [job_id]
    with engine.connect() as connection:
        row = connection.execute(select(slack_jobs)).one()
    assert row.attempts == MAX_ATTEMPTS and "server closed the connection" in row.error


def test_the_pool_records_done_and_failed_jobs(engine: Engine) -> None:
    queue = JobQueue(engine)
    seen: list[dict] = []

    def handle(job: Job) -> None:
        seen.append(job.payload)
        if job.payload.get("fail") == "told":
            raise JobFailed("the user was told")
        if job.payload.get("fail") == "crash":
            raise RuntimeError("unexpected")

    pool = WorkerPool(runner(queue, {"demo": handle}), size=1)
    ok, told, crash, unknown = (
        queue.enqueue("T1", "demo", {}),
        queue.enqueue("T1", "demo", {"fail": "told"}),
        queue.enqueue("T1", "demo", {"fail": "crash"}),
        queue.enqueue("T1", "nobody-handles-this", {}),
    )
    while pool.run_one():
        pass
    assert [queue.status(job) for job in (ok, told, crash, unknown)] == [DONE, FAILED, FAILED, FAILED]
    assert len(seen) == 3
    assert queue.counts() == {DONE: 1, FAILED: 3}
    assert QUEUED not in queue.counts() and RUNNING not in queue.counts()


def test_pool_threads_start_on_wake_and_stop_promptly(engine: Engine) -> None:
    queue = JobQueue(engine)
    done = threading.Event()
    wake = threading.Event()
    pool = WorkerPool(runner(queue, {"demo": lambda job: done.set()}), size=2, wake=wake, poll_seconds=30).start()
    try:
        queue.enqueue("T1", "demo", {})
        wake.set()
        assert done.wait(5)
    finally:
        pool.stop(timeout=5)
    assert not any(thread.is_alive() for thread in pool.threads)


def _backdate(engine: Engine, job_id: int, seconds: float) -> None:
    with engine.begin() as connection:
        created = datetime.now(UTC) - timedelta(seconds=seconds)
        connection.execute(update(slack_jobs).where(slack_jobs.c.id == job_id).values(created_at=created))


def test_only_jobs_queued_past_the_bound_without_a_message_are_sent_again(engine: Engine) -> None:
    queue = JobQueue(engine)
    running, unsent, sent, recent = (queue.enqueue("T1", "demo", {"n": n}) for n in range(4))
    claimed = queue.claim("w1")  # the oldest: running, its message sent (the note of it lost)
    assert claimed is not None and claimed.id == running
    queue.mark_sent(sent)
    for job_id in (running, unsent, sent):
        _backdate(engine, job_id, 120)
    delivered: list[int] = []
    assert queue.send_unsent(delivered.append, older_than=timedelta(seconds=60)) == [unsent]
    assert delivered == [unsent]
    assert queue.send_unsent(delivered.append, older_than=timedelta(seconds=60)) == [], "sent once"
    assert recent not in delivered, "younger than the bound: its web process may be sending it"


def test_two_sweepers_never_send_one_job_twice(engine: Engine) -> None:
    queue = JobQueue(engine)
    ids = [queue.enqueue("T1", "demo", {"n": n}) for n in range(12)]
    for job_id in ids:
        _backdate(engine, job_id, 120)
    delivered: list[int] = []
    lock = threading.Lock()

    def slow_send(job_id: int) -> None:
        time.sleep(0.05)  # the claim's transaction is open meanwhile
        with lock:
            delivered.append(job_id)

    sweepers = [
        threading.Thread(target=queue.send_unsent, args=(slow_send,), kwargs={"older_than": timedelta(seconds=60)})
        for _ in range(2)
    ]
    for sweeper in sweepers:
        sweeper.start()
    for sweeper in sweepers:
        sweeper.join()
    assert sorted(delivered) == ids


def test_a_send_that_fails_leaves_the_job_for_the_next_sweep(engine: Engine) -> None:
    queue = JobQueue(engine)
    job_id = queue.enqueue("T1", "demo", {})
    _backdate(engine, job_id, 120)

    def broker_down(_job_id: int) -> None:
        raise ConnectionError("the broker is away")

    with pytest.raises(ConnectionError):
        queue.send_unsent(broker_down, older_than=timedelta(seconds=60))
    delivered: list[int] = []
    assert queue.send_unsent(delivered.append, older_than=timedelta(seconds=60)) == [job_id] == delivered
