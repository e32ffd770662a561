"""What runs beside the web server or in `segbot worker`: the worker pool and, when present, the digest scheduler."""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine

from bot.digests.loop import run_scheduler
from bot.queue.jobs import JobQueue
from bot.queue.workers import JobRunner, JobThreads, LeaseKeeper, WorkerPool
from bot.services.workspace_data import apply_retention
from bot.settings import Settings
from bot.slack.jobs import job_handlers, tell_dead_letter
from bot.slack.runtime import SlackRuntime

log = logging.getLogger(__name__)

RETENTION_INTERVAL_SECONDS = 3600.0


@dataclass
class Background:
    pool: JobThreads
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
    """Start `workers` job threads and, unless disabled, the weekly digest scheduler and the hourly retention
    sweep (SEGBOT_RETENTION_DAYS) in daemon threads."""
    background = Background(start_job_threads(runtime, workers))
    if scheduler:
        thread = threading.Thread(
            target=run_scheduler,
            args=(settings, engine, background.stop_event, runtime.client_for),
            name="segbot-scheduler",
            daemon=True,
        )
        thread.start()
        background.threads.append(thread)
        if settings.retention_days > 0:
            sweeper = threading.Thread(
                target=run_retention,
                args=(engine, settings.retention_days, background.stop_event),
                name="segbot-retention",
                daemon=True,
            )
            sweeper.start()
            background.threads.append(sweeper)
    return background


def start_job_threads(runtime: SlackRuntime, workers: int) -> JobThreads:
    """`workers` threads running jobs: consuming the broker's deliveries when SEGBOT_BROKER_URL is set,
    else polling the database queue. No thread at all for `workers=0` (a web process that only queues)."""
    runner = job_runner(runtime.jobs, runtime)
    if runtime.broker is not None and workers > 0:
        return runtime.broker.start_worker(runner, workers)
    return WorkerPool(runner, size=workers, wake=runtime.work_available).start()


def job_runner(jobs: JobQueue, runtime: SlackRuntime) -> JobRunner:
    return JobRunner(jobs, job_handlers(runtime), lambda job: tell_dead_letter(runtime, job), LeaseKeeper(jobs))


def run_retention(engine: Engine, days: int, stop: threading.Event) -> None:
    """Delete what is older than SEGBOT_RETENTION_DAYS at start and then every hour, until `stop` is set."""
    while not stop.is_set():
        try:
            apply_retention(engine, now=datetime.now(UTC), days=days)
        except Exception:
            log.exception("the retention sweep failed; trying again in an hour")
        stop.wait(RETENTION_INTERVAL_SECONDS)


class StopRequested(BaseException):
    """SIGTERM arrived (`docker stop`, Kubernetes, systemd): a normal stop, not an error.

    A BaseException, like KeyboardInterrupt, so that library code catching `Exception` (slack_sdk's Socket Mode
    connect does) cannot swallow it and leave the process running.
    """


def stop_on_sigterm() -> None:
    """Turn SIGTERM into `StopRequested`, so `serve` and `worker` stop their workers between jobs and exit 0.

    A job still running when the process exits is taken over by another worker when its lease ends. Further
    SIGTERMs while stopping are ignored.
    """

    def interrupt(_signal: int, _frame: object) -> None:
        # Once only: a second SIGTERM (`timeout` signals the child and then its group; an orchestrator may repeat)
        # would otherwise raise again inside the cleanup (heartbeat, threads) and end with a traceback and exit 143.
        # SIG_IGN, not a Python no-op, so a signal during interpreter shutdown cannot kill the process either.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise StopRequested

    signal.signal(signal.SIGTERM, interrupt)
