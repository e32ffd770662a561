"""Running every digest that is due: claim its slot, make the digest, post it, record how it went.

Each (subscription, slot) is claimed by inserting its delivery row, so two schedulers or two `run-due`
processes post it once. Only the latest slot of a subscription is ever due, so downtime ends in one
catch-up digest. A channel Slack refuses (gone, archived, Segbot not invited) pauses its subscription with
the reason; other failures are retried a few times, then recorded as failed.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from bot.digests.compose import NoDataYetError, make_digest
from bot.digests.placement import digest_refusal
from bot.digests.posting import ChannelUnavailableError, pause_reason, post_digest
from bot.digests.schedule import latest_slot
from bot.errors import SegbotError
from bot.metrics import DIGEST_DELIVERIES
from bot.queue.jobs import LEASE, MAX_ATTEMPTS  # a digest delivery is claimed and retried like a job
from bot.report.escaping import mrkdwn_format
from bot.report.filters import counted
from bot.report.limits import shorten
from bot.settings import Settings
from bot.storage.subscriptions import (
    FINISHED,
    Delivery,
    DeliveryRepository,
    DeliveryStatus,
    Subscription,
    SubscriptionRepository,
)
from segmentation.errors import SegmentationError

log = logging.getLogger(__name__)

RETRY_DELAY = timedelta(minutes=10)

OutcomeStatus = Literal["posted", "skipped", "paused", "retry", "failed"]
ClientFactory = Callable[[str], WebClient]


@dataclass(frozen=True)
class Outcome:
    subscription_id: int
    workspace_id: str
    dataset: str
    channel_id: str
    slot_at: datetime
    status: OutcomeStatus
    detail: str

    def line(self) -> str:
        return (
            f"{self.status} {self.dataset} -> {self.channel_id} (slot {self.slot_at:%Y-%m-%d %H:%M} UTC): {self.detail}"
        )


@dataclass(frozen=True)
class DigestRunReport:
    now: datetime
    outcomes: tuple[Outcome, ...]

    def count(self, status: OutcomeStatus) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


def run_due(settings: Settings, engine: Engine, now: datetime, *, client_for: ClientFactory) -> DigestRunReport:
    """Post every digest due at `now` (an aware datetime) that no other process has posted or claimed.

    `client_for(workspace_id)` gives a Web API client with that workspace's bot token
    (`bot.slack.tokens.workspace_clients`).
    """
    deliveries = DeliveryRepository(engine)
    owner = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
    outcomes = []
    for subscription in SubscriptionRepository(engine).list(active_only=True):
        slot = latest_slot(subscription.schedule, now)
        if slot < subscription.created_at or not _open(deliveries.find(subscription.id, slot), now):
            continue
        claimed = deliveries.claim(subscription.id, slot, owner=owner, now=now, lease=LEASE)
        if claimed is not None:
            outcome = _Delivery(settings, engine, subscription, claimed, now).run(client_for)
            DIGEST_DELIVERIES.labels(outcome=outcome.status).inc()
            outcomes.append(outcome)
    return DigestRunReport(now=now, outcomes=tuple(outcomes))


def _open(existing: Delivery | None, now: datetime) -> bool:
    """Whether a slot may be claimed: never tried, or a retry / dead claim whose time has come."""
    if existing is None:
        return True
    if existing.status in FINISHED:
        return False
    return existing.lease_expires_at is None or existing.lease_expires_at <= now


class _Delivery:
    """One claimed slot from digest to post."""

    def __init__(
        self, settings: Settings, engine: Engine, subscription: Subscription, claimed: Delivery, now: datetime
    ) -> None:
        self.settings, self.engine, self.now = settings, engine, now
        self.subscription, self.claimed = subscription, claimed
        self.deliveries = DeliveryRepository(engine)

    def run(self, client_for: ClientFactory) -> Outcome:
        subscription = self.subscription
        last = self.deliveries.latest_posted(subscription.id)
        refusal = digest_refusal(
            self.settings, self.engine, subscription.workspace_id, subscription.dataset_name, subscription.channel_id
        )
        if refusal is not None:
            reason = f"not posted: {refusal}; subscribe again once that is settled."
            SubscriptionRepository(self.engine).pause(subscription.id, reason)
            log.warning("paused digest subscription %s (%s): %s", subscription.id, subscription.dataset_name, reason)
            return self._finish("paused", reason)
        try:
            digest = make_digest(
                self.settings,
                self.engine,
                subscription.workspace_id,
                subscription.dataset_name,
                now=self.now,
                last_run_id=last.run_id if last else None,
            )
            ts = post_digest(client_for(subscription.workspace_id), subscription.channel_id, digest.message)
        except NoDataYetError as error:
            return self._finish("skipped", str(error))
        except ChannelUnavailableError as error:
            reason = pause_reason(error.code)
            SubscriptionRepository(self.engine).pause(subscription.id, reason)
            log.warning("paused digest subscription %s (%s): %s", subscription.id, subscription.dataset_name, reason)
            return self._finish("paused", reason)
        except (SegbotError, SegmentationError) as error:
            return self._failed_attempt(str(error), tell=client_for)
        except SlackApiError as error:
            return self._failed_attempt(f"Slack answered {error.response.get('error', 'an error')}")
        except Exception as error:
            log.exception("digest of subscription %s failed", subscription.id)
            return self._failed_attempt(f"unexpected {type(error).__name__}")
        self.deliveries.finish(self.claimed.id, "posted", now=self.now, run_id=digest.run_id, message_ts=ts)
        return self._outcome("posted", f"{digest.view.kind}, {counted(digest.view.n_segments, 'segment')} (ts {ts})")

    def _failed_attempt(self, detail: str, *, tell: ClientFactory | None = None) -> Outcome:
        """Retry later; after the last attempt record the failure and, when the data was the problem (not
        Slack), tell the channel why this week's digest is missing."""
        if self.claimed.attempts >= MAX_ATTEMPTS:
            log.warning("digest of subscription %s failed for good: %s", self.subscription.id, detail)
            if tell is not None:
                self._notify(tell, detail)
            return self._finish("failed", detail)
        retry_at = self.now + RETRY_DELAY
        self.deliveries.finish(self.claimed.id, "retry", now=self.now, error=detail, retry_at=retry_at)
        return self._outcome("retry", f"{detail.rstrip('.')}; retrying after {retry_at:%H:%M} UTC")

    def _notify(self, client_for: ClientFactory, detail: str) -> None:
        subscription = self.subscription
        try:
            client_for(subscription.workspace_id).chat_postMessage(
                channel=subscription.channel_id,
                text=mrkdwn_format(
                    "This week's digest of *{name}* could not be made: {detail}",
                    name=shorten(subscription.dataset_name, 80),
                    detail=shorten(detail, 2000),
                ),
            )
        except (SlackApiError, SegbotError) as error:
            log.warning("could not tell %s about the failed digest: %s", subscription.channel_id, error)

    def _finish(self, status: Literal["skipped", "paused", "failed"], detail: str) -> Outcome:
        stored: DeliveryStatus = "skipped" if status == "skipped" else "failed"
        self.deliveries.finish(self.claimed.id, stored, now=self.now, error=detail)
        return self._outcome(status, detail)

    def _outcome(self, status: OutcomeStatus, detail: str) -> Outcome:
        return Outcome(
            subscription_id=self.subscription.id,
            workspace_id=self.subscription.workspace_id,
            dataset=self.subscription.dataset_name,
            channel_id=self.subscription.channel_id,
            slot_at=self.claimed.slot_at,
            status=status,
            detail=detail,
        )
