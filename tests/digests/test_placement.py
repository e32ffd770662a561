"""A dataset's digest goes only to the conversation its uploads came from, unless SEGBOT_DIGEST_ANY_CHANNEL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from bot.digests import runner
from bot.digests.placement import digest_refusal
from bot.digests.runner import DigestRunReport
from bot.settings import Settings
from bot.slack.tokens import workspace_clients
from bot.storage.runs import NewRun, RunRepository
from bot.storage.subscriptions import Schedule, SubscriptionRepository
from tests.digests.helpers import WORKSPACE, subscribe
from tests.segmentation.tracking_fixtures import BASE, audience
from tests.slack.fake_slack import FakeSlack

MONDAY_9 = Schedule(weekday=0, hour=9, minute=0, timezone="UTC")


def run_due(settings: Settings, engine: Engine, now: datetime) -> DigestRunReport:
    return runner.run_due(settings, engine, now, client_for=workspace_clients(settings, engine))


def any_channel(settings: Settings) -> Settings:
    """`settings` with SEGBOT_DIGEST_ANY_CHANNEL=true (an admin lifting the rule)."""
    values = {**settings.model_dump(by_alias=True), "SEGBOT_DIGEST_ANY_CHANNEL": True}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def upload(engine: Engine, name: str, channel: str | None, at: datetime) -> None:
    new_run = NewRun(WORKSPACE, name, f"{name}.csv", f"hash-{at}", channel_id=channel)
    RunRepository(engine).add(new_run, audience(BASE), created_at=at)


def test_the_rule(settings: Settings, engine: Engine) -> None:
    upload(engine, "board", "G0BOARD", datetime(2026, 3, 1, tzinfo=UTC))
    upload(engine, "cli-only", None, datetime(2026, 3, 1, tzinfo=UTC))
    assert digest_refusal(settings, engine, WORKSPACE, "board", "G0BOARD") is None
    assert "another conversation" in str(digest_refusal(settings, engine, WORKSPACE, "board", "C0PUB"))
    assert digest_refusal(settings, engine, WORKSPACE, "cli-only", "C0PUB") is None, "admin data goes anywhere"
    upload(engine, "board", "C0PUB", datetime(2026, 3, 2, tzinfo=UTC))
    assert "several conversations" in str(digest_refusal(settings, engine, WORKSPACE, "board", "G0BOARD"))
    assert digest_refusal(any_channel(settings), engine, WORKSPACE, "board", "C0PUB") is None


def test_a_scheduled_digest_pauses_when_its_dataset_came_from_elsewhere(
    settings: Settings, engine: Engine, fake_slack: FakeSlack
) -> None:
    upload(engine, "board", "G0BOARD", datetime(2026, 3, 1, tzinfo=UTC))
    subscription = subscribe(engine, "board", MONDAY_9, datetime(2026, 3, 1, 12, tzinfo=UTC), channel="C0DIGEST")
    (outcome,) = run_due(settings, engine, datetime(2026, 3, 2, 9, tzinfo=UTC)).outcomes
    assert outcome.status == "paused" and "another conversation" in outcome.detail
    assert fake_slack.messages() == []
    (paused,) = SubscriptionRepository(engine).list(WORKSPACE)
    assert paused.id == subscription.id and paused.paused and "SEGBOT_DIGEST_ANY_CHANNEL" in str(paused.paused_reason)

    lifted = any_channel(settings)
    SubscriptionRepository(engine).subscribe(WORKSPACE, subscription.dataset_id, "C0DIGEST", MONDAY_9)
    (posted,) = run_due(lifted, engine, datetime(2026, 3, 9, 9, tzinfo=UTC)).outcomes
    assert posted.status == "posted" and fake_slack.messages()[0]["channel"] == "C0DIGEST"
