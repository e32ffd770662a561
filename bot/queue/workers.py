"""A bounded pool of worker threads that claim jobs from the database queue and run their handlers."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping

from bot.errors import error_reference
from bot.metrics import JOB_SECONDS
from bot.queue.jobs import Job, JobQueue

log = logging.getLogger(__name__)

JobHandler = Callable[[Job], None]
POLL_SECONDS = 1.0


class JobFailed(Exception):
    """A handler gives up on a job for a reason already logged and told to the user (no traceback needed)."""


class WorkerPool:
    """`size` threads; each claims a job, runs the handler for its kind, and records done or failed."""

    def __init__(
        self,
        jobs: JobQueue,
        handlers: Mapping[str, JobHandler],
        *,
        size: int,
        wake: threading.Event | None = None,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.jobs = jobs
        self.handlers = dict(handlers)
        self.size = size
        self.wake = wake or threading.Event()
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []
        self.name = f"{socket.gethostname()}:{os.getpid()}"

    def start(self) -> WorkerPool:
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

    def _loop(self) -> None:
        worker = f"{self.name}:{threading.current_thread().name}"
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
        handler = self.handlers.get(job.kind)
        if handler is None:
            self.jobs.fail(job.id, f"no handler for job kind {job.kind!r}")
            log.error("job %s: no handler for kind %r", job.id, job.kind)
            return True
        started = time.perf_counter()
        outcome = "failed"
        try:
            handler(job)
        except JobFailed as failure:
            self.jobs.fail(job.id, str(failure))
        except Exception as error:
            reference = error_reference()
            log.exception("job %s (%s) failed unexpectedly (reference %s)", job.id, job.kind, reference)
            self.jobs.fail(job.id, f"{type(error).__name__}: {error} (reference {reference})")
        else:
            self.jobs.finish(job.id)
            outcome = "done"
        JOB_SECONDS.labels(kind=job.kind, outcome=outcome).observe(time.perf_counter() - started)
        return True
