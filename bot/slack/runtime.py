"""What listeners and jobs share: settings, the database, the queue, deduplication and bot tokens."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.queue.broker import BrokerJobs, open_broker
from bot.queue.jobs import JobQueue
from bot.settings import Settings
from bot.slack.access import ConversationAccess
from bot.slack.client import api_base_url, build_web_client
from bot.slack.receipts import EventReceipts
from bot.slack.tokens import BotTokens

# The payload key of a job's unique key: the Slack message metadata of its report carries it (bot.slack.once).
JOB_KEY = "job_key"


@dataclass(frozen=True)
class SlackRuntime:
    """Built once by `create_app` (or the worker command) and handed to every listener and job."""

    settings: Settings
    engine: Engine
    jobs: JobQueue
    receipts: EventReceipts
    tokens: BotTokens
    # Slack's membership answers, shared by every listener and job of this process (see bot.slack.access).
    access: ConversationAccess = field(default_factory=ConversationAccess)
    # Set whenever a job is enqueued, so workers in this process start at once instead of at their next poll.
    work_available: threading.Event = field(default_factory=threading.Event)
    # Set when SEGBOT_BROKER_URL is: jobs are delivered by the broker instead of polled from the database.
    broker: BrokerJobs | None = None

    @property
    def api_url(self) -> str:
        return api_base_url(self.settings)

    def client_for(self, workspace_id: str) -> WebClient:
        """A Web API client with the workspace's bot token."""
        return build_web_client(self.settings, self.tokens.for_workspace(workspace_id))

    def enqueue(self, workspace_id: str, kind: str, payload: dict[str, object]) -> int:
        """Queue a job (with a key unique to it, which marks its Slack posts) and wake or notify a worker."""
        job_id = self.jobs.enqueue(workspace_id, kind, {**payload, JOB_KEY: uuid.uuid4().hex})
        if self.broker is not None:
            try:
                self.broker.send_new(job_id)
            except Exception:
                self.jobs.fail(job_id, "the broker did not take the job")
                raise
        self.work_available.set()
        return job_id


def _broker(settings: Settings, jobs: JobQueue) -> BrokerJobs | None:
    if not settings.broker_url:
        return None
    unsent_after = timedelta(seconds=settings.unsent_job_seconds)
    return BrokerJobs(jobs, open_broker(settings.broker_url), settings.broker_queue, unsent_after=unsent_after)


def build_runtime(settings: Settings, engine: Engine, tokens: BotTokens | None = None) -> SlackRuntime:
    jobs = JobQueue(engine, lease=timedelta(seconds=settings.job_lease_seconds))
    return SlackRuntime(
        settings=settings,
        engine=engine,
        jobs=jobs,
        broker=_broker(settings, jobs),
        receipts=EventReceipts(engine),
        tokens=tokens or BotTokens(settings),
        access=ConversationAccess(ttl_seconds=settings.access_cache_seconds),
    )
