"""What runs beside the web server or in `segbot worker`: the worker pool and, when present, the digest scheduler."""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass, field

from sqlalchemy import Engine

from bot.digests.loop import run_scheduler
from bot.queue.workers import WorkerPool
from bot.settings import Settings
from bot.slack.jobs import job_handlers
from bot.slack.runtime import SlackRuntime

log = logging.getLogger(__name__)


@dataclass
class Background:
    pool: WorkerPool
    stop_event: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def stop(self, timeout: float = 10.0) -> None:
        self.stop_event.set()
        self.pool.stop(timeout)
        for thread in self.threads:
            thread.join(timeout)


def start_background(
    settings: Settings, engine: Engine, runtime: SlackRuntime, *, workers: int, scheduler: bool
) -> Background:
    """Start `workers` job threads and, unless disabled, the weekly digest scheduler in a daemon thread."""
    pool = WorkerPool(runtime.jobs, job_handlers(runtime), size=workers, wake=runtime.work_available).start()
    background = Background(pool)
    if scheduler:
        thread = threading.Thread(
            target=run_scheduler,
            args=(settings, engine, background.stop_event, runtime.client_for),
            name="segbot-scheduler",
            daemon=True,
        )
        thread.start()
        background.threads.append(thread)
    return background


class StopRequested(Exception):
    """SIGTERM arrived (`docker stop`, Kubernetes, systemd): a normal stop, not an error."""


def stop_on_sigterm() -> None:
    """Turn SIGTERM into `StopRequested`, so `serve` and `worker` stop their workers between jobs and exit 0.

    A job still running when the process exits is taken over by another worker when its lease ends.
    """

    def interrupt(_signal: int, _frame: object) -> None:
        raise StopRequested

    signal.signal(signal.SIGTERM, interrupt)
