"""Jobs delivered by a message broker (RabbitMQ or Redis, SEGBOT_BROKER_URL) with Dramatiq.

The job's row in the database (`bot.queue.jobs`) stays the record of the job; the broker carries its id.
Dramatiq acknowledges a message only after the actor returns, so a job whose worker process was killed is
delivered again: by RabbitMQ as soon as the dead worker's connection closes, by Redis once the worker's
heartbeat is older than REDIS_HEARTBEAT_MS. The row's lease decides which delivery runs the job: a second
delivery while the lease is live is put back with a delay, one of a finished job is dropped. Passing
failures (JobRetry) are retried with Dramatiq's exponential backoff; a job started MAX_ATTEMPTS times, or
whose deliveries failed MAX_RETRIES times in a row (the database unreachable for minutes), is dead-lettered:
the user is told, the row is marked dead, and Dramatiq keeps the message in its dead-letter queue.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import dramatiq
from dramatiq.middleware import default_middleware

from bot.errors import ConfigurationError
from bot.queue.jobs import FINISHED, Held, JobQueue
from bot.queue.unsent import UnsentJobSweeper
from bot.queue.workers import JobRetry, JobRunner, retry_delay, worker_name

log = logging.getLogger(__name__)

RUN_ACTOR = "segbot_run_job"
EXHAUSTED_ACTOR = "segbot_job_exhausted"
# Deliveries that fail before the job could start (the database out of reach) are retried this many times,
# 1 s, 2 s, 4 s, ... apart (at most 30 s): about 3.5 minutes in all.
MAX_RETRIES = 10
MIN_BACKOFF_MS = 1_000
MAX_BACKOFF_MS = 30_000
# A segmentation of a big file may take long; Dramatiq's default limit is 10 minutes.
TIME_LIMIT_MS = 2 * 3600 * 1000
# Redis: a worker silent this long is dead and its unacknowledged messages go back to the queue; every fetch
# checks (Dramatiq's default is a 60 s timeout checked on one fetch in a thousand).
REDIS_HEARTBEAT_MS = 15_000
# A job queued this long without its message (its web process died before sending it) is sent by a worker.
UNSENT_AFTER = timedelta(seconds=60)


def open_broker(url: str) -> dramatiq.Broker:
    """The Dramatiq broker for `url` (amqp:// or redis://), or ConfigurationError with one sentence."""
    # Each broker's client library is imported only for its own URL (redis' alone is a third of a CPU second).
    middleware = [make() for make in default_middleware]
    if url.startswith(("amqp://", "amqps://")):
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        return RabbitmqBroker(url=url, middleware=middleware)
    if url.startswith(("redis://", "rediss://")):
        from dramatiq.brokers.redis import MAINTENANCE_SCALE, RedisBroker

        return RedisBroker(  # type: ignore[no-untyped-call]
            url=url, middleware=middleware, heartbeat_timeout=REDIS_HEARTBEAT_MS, maintenance_chance=MAINTENANCE_SCALE
        )
    raise ConfigurationError(
        "SEGBOT_BROKER_URL must start with amqp:// (RabbitMQ) or redis:// (Redis), "
        "for example amqp://guest:guest@127.0.0.1:5672; leave it empty to keep the jobs in the database."
    )


class BrokerJobs:
    """Sends job ids to the broker and, in a worker, runs them with a `JobRunner`."""

    def __init__(
        self, jobs: JobQueue, broker: dramatiq.Broker, queue_name: str, *, unsent_after: timedelta = UNSENT_AFTER
    ) -> None:
        self.jobs = jobs
        self.broker = broker
        self.queue_name = queue_name
        self.unsent_after = unsent_after
        self.runner: JobRunner | None = None
        options: dict[str, Any] = {
            "max_retries": MAX_RETRIES,
            "min_backoff": MIN_BACKOFF_MS,
            "max_backoff": MAX_BACKOFF_MS,
            "time_limit": TIME_LIMIT_MS,
            "on_retry_exhausted": EXHAUSTED_ACTOR,
        }
        self.run_actor: dramatiq.Actor[[int], None] = dramatiq.Actor(
            self._run, broker=broker, actor_name=RUN_ACTOR, queue_name=queue_name, priority=0, options=options
        )
        self.exhausted_actor: dramatiq.Actor[[dict[str, Any], dict[str, Any]], None] = dramatiq.Actor(
            self._exhausted,
            broker=broker,
            actor_name=EXHAUSTED_ACTOR,
            queue_name=queue_name,
            priority=0,
            options={"max_retries": MAX_RETRIES, "min_backoff": MIN_BACKOFF_MS, "max_backoff": MAX_BACKOFF_MS},
        )

    def send(self, job_id: int, *, delay_ms: int | None = None) -> None:
        self.run_actor.send_with_options(args=(job_id,), delay=delay_ms)

    def send_new(self, job_id: int) -> None:
        """Send a job just queued and note that the broker took it. A process that dies before the send leaves
        the job to the workers' `UnsentJobSweeper`; one that dies after it, before the note, makes the sweeper send
        it twice, and the second delivery finds the job running or finished."""
        self.send(job_id)
        try:
            self.jobs.mark_sent(job_id)
        except Exception as error:
            log.warning("job %s was sent, but noting it failed (%s): it will be sent again", job_id, error)

    def start_worker(self, runner: JobRunner, threads: int) -> BrokerConsumer:
        """Consume jobs in this process with `threads` threads, and send those left without a message."""
        self.runner = runner
        runner.leases.start()
        worker = dramatiq.Worker(self.broker, queues={self.queue_name}, worker_threads=threads)
        worker.start()
        sweeper = UnsentJobSweeper(self.jobs, self.send, after=self.unsent_after).start()
        return BrokerConsumer(worker, runner, sweeper)

    def close(self) -> None:
        self.broker.close()

    def _run(self, job_id: int) -> None:
        runner = self._runner()
        worker = worker_name()
        claimed = self.jobs.claim_id(job_id, worker)
        if claimed is None:
            log.info("job %s is already finished; a repeated delivery is dropped", job_id)
            return
        if isinstance(claimed, Held):
            # Another worker's lease is live (it may be running, or dead and its lease not yet lapsed): look
            # again once the lease would have ended, without spending a retry.
            self.send(job_id, delay_ms=int(claimed.seconds * 1000))
            return
        try:
            runner.run(claimed, worker)
        except JobRetry as retry:
            # Back in the queue at once, so the next delivery may claim it when Dramatiq retries it.
            self.jobs.retry_later(claimed.id, timedelta(0), str(retry))
            raise dramatiq.Retry(str(retry), delay=int(retry_delay(claimed.attempts).total_seconds() * 1000)) from retry

    def _exhausted(self, message: dict[str, Any], retry_info: dict[str, Any]) -> None:
        job_id = int(message["args"][0])
        job = self.jobs.get(job_id)
        if job is None or self.jobs.status(job_id) in FINISHED:
            return
        self._runner().give_up(job, f"its deliveries failed {retry_info.get('retries')} times in a row")

    def _runner(self) -> JobRunner:
        if self.runner is None:
            raise RuntimeError("this process only sends jobs; `segbot worker` runs them")
        return self.runner


class BrokerConsumer:
    """Dramatiq's worker threads in this process (a `JobThreads`)."""

    def __init__(self, worker: dramatiq.Worker, runner: JobRunner, sweeper: UnsentJobSweeper) -> None:
        self.worker = worker
        self.runner = runner
        self.sweeper = sweeper

    def stop(self, timeout: float = 10.0) -> None:
        self.sweeper.stop()
        self.worker.stop(timeout=int(timeout * 1000))
        self.runner.leases.stop()

    def alive(self) -> tuple[int, int]:
        threads = list(self.worker.workers)
        return sum(1 for thread in threads if thread.is_alive()), len(threads)
