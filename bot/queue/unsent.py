"""Jobs whose broker message was never sent: a web process writes the job's row, then sends its id to the broker,
and one that dies between the two leaves the job queued with no message for any worker to receive.

Every process that consumes the broker runs an `UnsentJobSweeper`: at start and then every quarter of
SEGBOT_UNSENT_JOB_SECONDS it sends again the jobs queued longer than that without a message
(`JobQueue.send_unsent`, whose claim in the database keeps two sweepers from sending one job twice), so such a
job starts at most about 1.25 times that bound after it was queued.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from bot.queue.jobs import JobQueue

log = logging.getLogger(__name__)

SWEEPS_PER_BOUND = 4


class UnsentJobSweeper:
    """A daemon thread sending again, with `send`, the jobs queued longer than `after` without a broker message."""

    def __init__(self, jobs: JobQueue, send: Callable[[int], None], *, after: timedelta) -> None:
        self.jobs, self.send, self.after = jobs, send, after
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="segbot-unsent-jobs", daemon=True)

    @property
    def interval(self) -> float:
        return max(0.5, self.after.total_seconds() / SWEEPS_PER_BOUND)

    def start(self) -> UnsentJobSweeper:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(5)

    def sweep(self) -> list[int]:
        sent = self.jobs.send_unsent(self.send, older_than=self.after)
        for job_id in sent:
            log.warning(
                "job %s was queued over %.0f s ago without a broker message (its web process stopped before "
                "sending it); sent it now",
                job_id,
                self.after.total_seconds(),
            )
        return sent

    def _loop(self) -> None:
        while True:
            try:
                self.sweep()
            except Exception as error:  # the database or the broker is away: the next sweep tries again
                log.warning("could not send the jobs left without a broker message: %s", type(error).__name__)
            if self.stopping.wait(self.interval):
                return
