"""The database job queue and the worker pool, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, update

from bot.queue.jobs import DONE, FAILED, MAX_ATTEMPTS, QUEUED, RUNNING, Job, JobQueue
from bot.queue.workers import JobFailed, WorkerPool
from bot.storage.tables_slack import slack_jobs


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


def test_a_job_whose_worker_died_is_claimed_again_until_attempts_run_out(engine: Engine) -> None:
    queue = JobQueue(engine)
    job_id = queue.enqueue("T1", "demo", {})
    assert queue.claim("dead-worker") is not None
    assert queue.claim("other") is None, "the lease still holds"
    expired = datetime.now(UTC) - timedelta(seconds=1)
    with engine.begin() as connection:
        connection.execute(update(slack_jobs).values(lease_expires_at=expired))
    retaken = queue.claim("other")
    assert retaken is not None and retaken.id == job_id and retaken.attempts == 2
    with engine.begin() as connection:
        connection.execute(update(slack_jobs).values(lease_expires_at=expired, attempts=MAX_ATTEMPTS))
    assert queue.claim("third") is None
    assert queue.status(job_id) == FAILED


def test_the_pool_records_done_and_failed_jobs(engine: Engine) -> None:
    queue = JobQueue(engine)
    seen: list[dict] = []

    def handle(job: Job) -> None:
        seen.append(job.payload)
        if job.payload.get("fail") == "told":
            raise JobFailed("the user was told")
        if job.payload.get("fail") == "crash":
            raise RuntimeError("unexpected")

    pool = WorkerPool(queue, {"demo": handle}, size=1)
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
    pool = WorkerPool(queue, {"demo": lambda job: done.set()}, size=2, wake=wake, poll_seconds=30).start()
    try:
        queue.enqueue("T1", "demo", {})
        wake.set()
        assert done.wait(5)
    finally:
        pool.stop(timeout=5)
    assert not any(thread.is_alive() for thread in pool.threads)
