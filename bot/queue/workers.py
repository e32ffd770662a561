"""Running claimed jobs: a bounded pool of threads polling the database queue, the runner both queue modes
share (handler, retry, dead letter), and the thread that keeps running jobs' leases alive."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from typing import Protocol

from sqlalchemy.exc import DBAPIError

from bot.errors import error_reference
from bot.metrics import JOB_SECONDS
from bot.queue.jobs import MAX_ATTEMPTS, Job, JobQueue

log = logging.getLogger(__name__)

JobHandler = Callable[[Job], None]
# Tells the user that their job was given up on, in one sentence of the adapter's choosing.
DeadLetter = Callable[[Job], None]
POLL_SECONDS = 1.0


class JobThreads(Protocol):
    """The threads running jobs in this process: the database pool or the broker's consumer."""

    def stop(self, timeout: float = 10.0) -> None: ...

    def alive(self) -> tuple[int, int]:
        """(threads still running, threads started)."""
        ...


class JobFailed(Exception):
    """A handler gives up on a job for a reason already logged and told to the user (no traceback needed)."""


class JobRetry(Exception):
    """A passing failure (the database or Slack out of reach): the job is run again later, the user not told yet."""


def is_passing(error: BaseException) -> bool:
    """A failure worth another try: a lost database connection, or a JobRetry."""
    if isinstance(error, JobRetry):
        return True
    return isinstance(error, DBAPIError) and (
        error.connection_invalidated or type(error).__name__ in ("OperationalError", "InterfaceError")
    )


def retry_delay(attempts: int) -> timedelta:
    """Backoff before the next start of a job started `attempts` times: 5 s, 20 s, 80 s, ... at most 5 minutes."""
    return timedelta(seconds=min(300, 5 * 4 ** max(0, attempts - 1)))


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"


class LeaseKeeper:
    """Renews the lease of every job running in this process (`JobQueue.renewal`), until it ends."""

    def __init__(self, jobs: JobQueue) -> None:
        self.jobs = jobs
        self.running: dict[int, str] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="segbot-leases", daemon=True)

    def start(self) -> LeaseKeeper:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(5)

    @contextmanager
    def holding(self, job_id: int, worker: str) -> Iterator[None]:
        with self.lock:
            self.running[job_id] = worker
        try:
            yield
        finally:
            with self.lock:
                self.running.pop(job_id, None)

    def renew_all(self) -> None:
        with self.lock:
            held = dict(self.running)
        for job_id, worker in held.items():
            self.jobs.renew([job_id], worker)

    def _loop(self) -> None:
        while not self.stopping.wait(self.jobs.renewal.total_seconds()):
            try:
                self.renew_all()
            except Exception as error:  # the database is away: the lease lasts a while yet, try again shortly
                log.warning("could not renew job leases: %s", type(error).__name__)


class JobRunner:
    """Runs one claimed job: its handler, or the dead letter once it was started MAX_ATTEMPTS times without
    finishing. A passing failure (`is_passing`) raises JobRetry for the caller's queue to schedule."""

    def __init__(
        self, jobs: JobQueue, handlers: Mapping[str, JobHandler], dead_letter: DeadLetter, leases: LeaseKeeper
    ) -> None:
        self.jobs = jobs
        self.handlers = dict(handlers)
        self.dead_letter = dead_letter
        self.leases = leases

    def run(self, job: Job, worker: str) -> None:
        if job.attempts > MAX_ATTEMPTS:
            self.give_up(job, f"started {MAX_ATTEMPTS} times without finishing (its workers stopped)")
            return
        handler = self.handlers.get(job.kind)
        if handler is None:
            self.jobs.fail(job.id, f"no handler for job kind {job.kind!r}")
            log.error("job %s: no handler for kind %r", job.id, job.kind)
            return
        started = time.perf_counter()
        outcome = "failed"
        with self.leases.holding(job.id, worker):
            try:
                handler(job)
            except JobFailed as failure:
                self.jobs.fail(job.id, str(failure))
            except Exception as error:
                if not is_passing(error):
                    reference = error_reference()
                    log.exception("job %s (%s) failed unexpectedly (reference %s)", job.id, job.kind, reference)
                    self.jobs.fail(job.id, f"{type(error).__name__}: {error} (reference {reference})")
                elif job.attempts >= MAX_ATTEMPTS:
                    outcome = "dead"
                    self.give_up(job, f"{type(error).__name__}: {error}")
                else:
                    outcome = "retry"
                    log.warning("job %s (%s) will be tried again: %s", job.id, job.kind, error)
                    raise JobRetry(f"{type(error).__name__}: {error}") from error
            else:
                self.jobs.finish(job.id)
                outcome = "done"
            finally:
                JOB_SECONDS.labels(kind=job.kind, outcome=outcome).observe(time.perf_counter() - started)

    def give_up(self, job: Job, reason: str) -> None:
        """Dead-letter the job: tell the user (a failure to is only logged) and record it as dead."""
        log.error("job %s (%s) is dead-lettered after %s attempt(s): %s", job.id, job.kind, job.attempts, reason)
        try:
            self.dead_letter(job)
        except Exception:
            log.exception("job %s: could not tell the user it was given up on", job.id)
        self.jobs.dead(job.id, reason)


class WorkerPool:
    """`size` threads; each claims a job from the database queue and runs it (the embedded, broker-less mode)."""

    def __init__(
        self,
        runner: JobRunner,
        *,
        size: int,
        wake: threading.Event | None = None,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.runner = runner
        self.jobs = runner.jobs
        self.size = size
        self.wake = wake or threading.Event()
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> WorkerPool:
        if self.size:
            self.runner.leases.start()
        for number in range(self.size):
            thread = threading.Thread(target=self._loop, name=f"segbot-worker-{number}", daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping.set()
        self.wake.set()
        for thread in self.threads:
            thread.join(timeout)
        if self.size:
            self.runner.leases.stop()

    def alive(self) -> tuple[int, int]:
        """(threads still running, threads started)."""
        return sum(1 for thread in self.threads if thread.is_alive()), len(self.threads)

    def _loop(self) -> None:
        worker = worker_name()
        while not self.stopping.is_set():
            try:
                ran = self.run_one(worker)
            except Exception:
                log.exception("the job queue is unavailable; retrying in %s s", self.poll_seconds)
                ran = False
            if not ran and self.wake.wait(self.poll_seconds) and not self.stopping.is_set():
                self.wake.clear()

    def run_one(self, worker: str = "inline") -> bool:
        """Claim and run one job; False when the queue was empty."""
        job = self.jobs.claim(worker)
        if job is None:
            return False
        try:
            self.runner.run(job, worker)
        except JobRetry as retry:
            self.jobs.retry_later(job.id, retry_delay(job.attempts), str(retry))
        return True
