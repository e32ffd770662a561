"""`run_due` against the local fake of Slack and real databases, with the clock driven by hand."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from prometheus_client import REGISTRY
from slack_sdk.models.blocks import Block
from sqlalchemy import Engine

from bot.digests import runner
from bot.digests.loop import run_scheduler
from bot.digests.runner import DigestRunReport
from bot.settings import Settings
from bot.slack.tokens import workspace_clients
from bot.storage.datasets import CipherFactory, DatasetRepository, SourceSpec
from bot.storage.subscriptions import DeliveryRepository, Schedule, SubscriptionRepository
from tests.digests.helpers import WORKSPACE, store_version, subscribe
from tests.segmentation.tracking_fixtures import BASE, LOYAL, QUIET, SPENDERS, YOUNG, Group, audience
from tests.slack.fake_slack import FakeSlack

BERLIN_MONDAY_9 = Schedule(weekday=0, hour=9, minute=0, timezone="Europe/Berlin")


def run_due(settings: Settings, engine: Engine, now: datetime) -> DigestRunReport:
    return runner.run_due(settings, engine, now, client_for=workspace_clients(settings, engine))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_a_weekly_digest_posts_once_at_nine_berlin_time_across_the_spring_change(
    settings: Settings, engine: Engine, fake_slack: FakeSlack
) -> None:
    store_version(engine, "newsletter", audience(BASE), utc("2026-03-16 10:00"))
    subscribe(engine, "newsletter", BERLIN_MONDAY_9, utc("2026-03-16 12:00"))
    store_version(
        engine,
        "newsletter",
        audience([replace(YOUNG, size=800), SPENDERS, LOYAL, QUIET], seed=3),
        utc("2026-03-20 10:00"),
    )
    assert run_due(settings, engine, utc("2026-03-23 07:59")).outcomes == ()
    posted_before = REGISTRY.get_sample_value("segbot_digest_deliveries_total", {"outcome": "posted"}) or 0
    report = run_due(settings, engine, utc("2026-03-23 08:00"))  # 09:00 CET
    assert [(o.status, o.slot_at) for o in report.outcomes] == [("posted", utc("2026-03-23 08:00"))]
    assert REGISTRY.get_sample_value("segbot_digest_deliveries_total", {"outcome": "posted"}) == posted_before + 1
    assert run_due(settings, engine, utc("2026-03-23 08:01")).outcomes == ()
    (message,) = fake_slack.messages()
    assert message["channel"] == "C0DIGEST"
    assert "4 segments" in message["text"]
    assert "*Young Germans* grew from 33% to 50%" in message["text"]
    for block in message["blocks"]:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    # After the clocks go forward, nine in Berlin is 07:00 UTC.
    assert run_due(settings, engine, utc("2026-03-30 06:59")).outcomes == ()
    (stale,) = run_due(settings, engine, utc("2026-03-30 07:00")).outcomes
    assert stale.status == "posted" and stale.slot_at == utc("2026-03-30 07:00")
    stale_text = fake_slack.messages()[1]["text"]
    assert "No new data for *newsletter* since version 2" in stale_text
    assert "\n• *Young Germans*: 800 people, 50% · steady\n" in stale_text and "pts" not in stale_text


def test_downtime_over_several_weeks_posts_one_catch_up_digest(
    settings: Settings, engine: Engine, fake_slack: FakeSlack
) -> None:
    store_version(engine, "newsletter", audience(BASE), utc("2026-10-01 10:00"))
    subscribe(engine, "newsletter", BERLIN_MONDAY_9, utc("2026-10-01 12:00"))
    # Down from before the 5 October slot until Wednesday 28 October, over the autumn clock change.
    report = run_due(settings, engine, utc("2026-10-28 15:00"))
    assert [o.slot_at for o in report.outcomes] == [utc("2026-10-26 08:00")]
    assert len(fake_slack.messages()) == 1
    assert run_due(settings, engine, utc("2026-10-28 15:01")).outcomes == ()
    assert "First digest of *newsletter*" in fake_slack.messages()[0]["text"]


def test_a_channel_slack_refuses_pauses_its_subscription(
    settings: Settings, engine: Engine, fake_slack: FakeSlack
) -> None:
    store_version(engine, "newsletter", audience(BASE), utc("2026-03-01 10:00"))
    subscription = subscribe(engine, "newsletter", BERLIN_MONDAY_9, utc("2026-03-01 12:00"))
    fake_slack.fail("chat.postMessage", "not_in_channel")
    (outcome,) = run_due(settings, engine, utc("2026-03-02 08:00")).outcomes
    assert outcome.status == "paused" and "not_in_channel" in outcome.detail
    paused = SubscriptionRepository(engine).get(subscription.id)
    assert paused is not None and paused.paused and "/invite @Segbot" in (paused.paused_reason or "")
    assert run_due(settings, engine, utc("2026-03-09 08:00")).outcomes == ()
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_a_passing_slack_failure_is_retried_then_given_up(
    settings: Settings, engine: Engine, fake_slack: FakeSlack
) -> None:
    store_version(engine, "newsletter", audience(BASE), utc("2026-03-01 10:00"))
    subscription = subscribe(engine, "newsletter", BERLIN_MONDAY_9, utc("2026-03-01 12:00"))
    fake_slack.fail("chat.postMessage", "invalid_auth", times=3)
    slot = utc("2026-03-02 08:00")
    statuses = [
        [o.status for o in run_due(settings, engine, slot + timedelta(minutes=m)).outcomes] for m in (0, 5, 10, 20, 30)
    ]
    assert statuses == [["retry"], [], ["retry"], ["failed"], []]
    delivery = DeliveryRepository(engine).find(subscription.id, slot)
    assert delivery is not None and delivery.status == "failed" and "invalid_auth" in (delivery.error or "")
    assert not SubscriptionRepository(engine).list()[0].paused


def test_small_segments_are_only_reported_as_other(settings: Settings, engine: Engine, fake_slack: FakeSlack) -> None:
    tiny = Group("Nine friends", 9, (3.0, 3.0, 3.0), (0.0, 0.0, 1.0))
    store_version(engine, "newsletter", audience(BASE), utc("2026-03-01 10:00"))
    store_version(engine, "newsletter", audience([*BASE, tiny], seed=2), utc("2026-03-05 10:00"))
    subscribe(engine, "newsletter", BERLIN_MONDAY_9, utc("2026-03-01 12:00"))
    run_due(settings, engine, utc("2026-03-09 08:00"))
    (message,) = fake_slack.messages()
    assert "Nine friends" not in message["text"] and "Nine friends" not in str(message["blocks"])
    assert "Other: 9 people (0.7%) in 1 segment under 10 people" in message["text"]
    assert "5 segments" in message["text"]


def test_no_meaningful_change_says_so(settings: Settings, engine: Engine, fake_slack: FakeSlack) -> None:
    store_version(engine, "newsletter", audience(BASE), utc("2026-03-01 10:00"))
    store_version(engine, "newsletter", audience(BASE, seed=5, order=[3, 1, 2, 0]), utc("2026-03-05 10:00"))
    subscribe(engine, "newsletter", BERLIN_MONDAY_9, utc("2026-03-01 12:00"))
    run_due(settings, engine, utc("2026-03-09 08:00"))
    text = fake_slack.messages()[0]["text"]
    assert text.startswith("No meaningful change in *newsletter*: 1,200 people (as before) in 4 segments")
    assert "\n• *Young Germans*: 400 people, 33% · steady\n" in text


def test_two_schedulers_at_once_post_each_digest_once(
    settings: Settings, engine: Engine, fake_slack: FakeSlack
) -> None:
    for index in range(4):
        name = f"list-{index}"
        store_version(engine, name, audience(BASE), utc("2026-03-01 10:00"))
        subscribe(engine, name, BERLIN_MONDAY_9, utc("2026-03-01 12:00"))
    fake_slack.latency = 0.05
    barrier = threading.Barrier(2)
    posted: list[str] = []

    def scheduler() -> None:
        barrier.wait(timeout=20)
        report = run_due(settings, engine, utc("2026-03-02 08:00"))
        posted.extend(o.dataset for o in report.outcomes if o.status == "posted")

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(posted) == ["list-0", "list-1", "list-2", "list-3"]
    assert sorted(m["text"].split("*")[1] for m in fake_slack.messages()) == sorted(posted)


def test_the_scheduler_loop_runs_due_digests_until_stopped(
    settings: Settings, engine: Engine, fake_slack: FakeSlack
) -> None:
    now = datetime.now(UTC)
    store_version(engine, "newsletter", audience(BASE), now - timedelta(days=9))
    every_day_passed = Schedule(weekday=now.weekday(), hour=0, minute=0, timezone="UTC")
    subscribe(engine, "newsletter", every_day_passed, now - timedelta(days=8))
    stop = threading.Event()
    thread = threading.Thread(target=run_scheduler, args=(settings, engine, stop, workspace_clients(settings, engine)))
    thread.start()
    fake_slack.wait_for("chat.postMessage")
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert len(fake_slack.messages()) == 1


def test_a_source_that_keeps_failing_is_retried_then_the_channel_is_told(
    settings: Settings, engine: Engine, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    store_version(engine, "newsletter", audience(BASE), utc("2026-03-01 10:00"))
    subscribe(engine, "newsletter", BERLIN_MONDAY_9, utc("2026-03-01 12:00"))
    missing = SourceSpec("path", str(tmp_path / "export.csv"))
    DatasetRepository(engine).set_source(WORKSPACE, "newsletter", missing, CipherFactory(None))
    slot = utc("2026-03-02 08:00")
    outcomes = [o for m in (0, 10, 20) for o in run_due(settings, engine, slot + timedelta(minutes=m)).outcomes]
    assert [o.status for o in outcomes] == ["retry", "retry", "failed"]
    assert outcomes[0].detail.endswith("export.csv; check the path and try again; retrying after 08:10 UTC")
    (notice,) = fake_slack.messages()
    assert notice["text"].startswith("This week's digest of *newsletter* could not be made: There is no file at ")


def test_the_same_file_twice_is_compared_with_the_data_before_it(
    settings: Settings, engine: Engine, fake_slack: FakeSlack
) -> None:
    grown = audience([replace(YOUNG, size=800), SPENDERS, LOYAL, QUIET], seed=3)
    store_version(engine, "newsletter", audience(BASE), utc("2026-03-01 10:00"), file_hash="march")
    store_version(engine, "newsletter", grown, utc("2026-03-05 10:00"), file_hash="april")
    store_version(engine, "newsletter", grown, utc("2026-03-06 10:00"), file_hash="april")
    subscribe(engine, "newsletter", BERLIN_MONDAY_9, utc("2026-03-01 12:00"))
    run_due(settings, engine, utc("2026-03-09 08:00"))
    text = fake_slack.messages()[0]["text"]
    assert "*Young Germans* grew from 33% to 50%" in text
    assert "Version 3 of newsletter (2026-03-06 10:00 UTC) compared with version 1" in text
