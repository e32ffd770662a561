"""Segbot's Prometheus metrics: every metric is defined here, once, and `exposition` renders them for /metrics.

The counters and histograms are observed where the work happens (job threads, Slack calls, digest posting) in
any process. Prometheus scrapes each pod or process separately, so within one process tree the values are
shared through prometheus_client's multiprocess mode: `segbot serve` points PROMETHEUS_MULTIPROC_DIR at a
directory (SEGBOT_METRICS_DIR, or a fresh temporary one) before anything imports prometheus_client, its web
processes write their samples there and any of them answers /metrics with the sum. The job counts are not
kept in memory at all: they are read from the job store at scrape time, so every process (and every replica)
reports the same numbers, right whichever worker ran the jobs. Metric objects are module-level by necessity:
prometheus_client registers each name once per process.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

# Slow work: a 100-row file takes well under a second, a million rows about ten, a big source pull minutes.
DURATION_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800)
JOB_STATUSES = ("queued", "running", "failed", "dead")
"""Always exported (0 when absent), so dashboards and autoscalers see a series before the first job."""

JOB_SECONDS = Histogram(
    "segbot_job_duration_seconds", "Time a job thread spent on one job, by kind and outcome.", ["kind", "outcome"],
    buckets=DURATION_BUCKETS,
)  # fmt: skip
STAGE_SECONDS = Histogram(
    "segbot_stage_duration_seconds", "Time one stage of an upload's job took (download, segment, post).", ["stage"],
    buckets=DURATION_BUCKETS,
)  # fmt: skip
SLACK_API_ERRORS = Counter(
    "segbot_slack_api_errors_total", "Slack Web API calls that ended in an error, by method and error.",
    ["method", "error"],
)  # fmt: skip
SLACK_RATE_LIMITED = Counter(
    "segbot_slack_rate_limited_total", "HTTP 429 answers from Slack's Web API (each is retried), by method.",
    ["method"],
)  # fmt: skip
DIGEST_DELIVERIES = Counter(
    "segbot_digest_deliveries_total", "Weekly digest deliveries by outcome (posted, skipped, paused, retry, failed).",
    ["outcome"],
)  # fmt: skip


@contextmanager
def timed_stage(stage: str) -> Iterator[None]:
    """Observe the time the block takes in segbot_stage_duration_seconds{stage=...}, whether it succeeds or not."""
    with STAGE_SECONDS.labels(stage=stage).time():
        yield


class JobCounts(Collector):
    """segbot_jobs{status=...}: the job store's counts at scrape time (segbot_job_store_up 0 when unreadable)."""

    def __init__(self, counts: Callable[[], Mapping[str, int]]) -> None:
        self.counts = counts

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("segbot_job_store_up", "1 when the job store answered this scrape, else 0.")
        try:
            counts = dict(self.counts())
        except Exception as error:  # a scrape during a database outage says so rather than failing
            log.warning("metrics: the job store is unavailable: %s", error)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        jobs = GaugeMetricFamily("segbot_jobs", "Jobs in the job store by status.", labels=["status"])
        for status in sorted({*JOB_STATUSES, *counts}):
            jobs.add_metric([status], counts.get(status, 0))
        yield jobs


def exposition(job_counts: Callable[[], Mapping[str, int]] | None) -> tuple[bytes, str]:
    """The Prometheus text for /metrics and its content type: this process's (or, in multiprocess mode, every
    process's) samples, then the job counts read now."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        samples = CollectorRegistry()
        MultiProcessCollector(samples)  # type: ignore[no-untyped-call]
        text = generate_latest(samples)
    else:
        text = generate_latest(REGISTRY)
    if job_counts is not None:
        store = CollectorRegistry()
        store.register(JobCounts(job_counts))
        text += generate_latest(store)
    return text, CONTENT_TYPE_LATEST
