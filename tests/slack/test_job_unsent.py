"""A job whose broker message was never sent (its web process died between writing the job's row and the send) is
sent by a worker once it is queued longer than SEGBOT_UNSENT_JOB_SECONDS, and the upload is reported exactly once;
also when the original message does exist, only late, so that two messages name one job. Through RabbitMQ and
Redis, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest

from bot.queue.jobs import DONE
from bot.queue.unsent import SWEEPS_PER_BOUND
from bot.storage.database import create_database_engine
from bot.storage.runs import RunRepository
from tests.slack.fake_slack import FAKE_TEAM, FakeSlack
from tests.slack.harness import PATIENCE, RunningBot, report_messages, start_bot, stop_bot, wait_until
from tests.slack.sender import file_share_event

UNSENT_SECONDS = 2.0
# The sweeper looks every quarter of the bound: a job left unsent starts within 1.25 bounds of its upload (here
# with room for a busy machine, whose waits stretch by PATIENCE).
STARTS_WITHIN = UNSENT_SECONDS * (1 + 1 / SWEEPS_PER_BOUND) + 3 * PATIENCE


@pytest.fixture
def bot(fake_slack: FakeSlack, database_url: str, broker_url: str, broker_queue: str) -> Iterator[RunningBot]:
    """Segbot with one job thread consuming `broker_url`, which also runs the sweeper."""
    engine = create_database_engine(database_url)
    running = start_bot(
        fake_slack, database_url, engine, SEGBOT_WORKERS=1, SEGBOT_JOB_LEASE=6, SEGBOT_BROKER_URL=broker_url,
        SEGBOT_BROKER_QUEUE=broker_queue, SEGBOT_UNSENT_JOB_SECONDS=UNSENT_SECONDS,
    )  # fmt: skip
    yield running
    stop_bot(running)
    engine.dispose()


def _share(bot: RunningBot, content: bytes) -> float:
    """Upload `content` as a file shared in a channel; when (time.monotonic) Slack got the event's answer."""
    file = bot.fake.add_file("audience.csv", content)
    assert bot.sender.event(file_share_event(file)).status == 200
    return time.monotonic()


def _reported_once(bot: RunningBot) -> None:
    wait_until(lambda: bot.runtime.jobs.counts() == {DONE: 1}, 60, "the upload's report")
    assert len(report_messages(bot.fake)) == 1, "one report"
    assert len(RunRepository(bot.engine).recent(FAKE_TEAM)) == 1, "one run"


def test_a_job_whose_message_was_never_sent_is_sent_by_a_worker_and_reported_once(
    bot: RunningBot, sample_csv: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    broker = bot.runtime.broker
    assert broker is not None
    monkeypatch.setattr(broker, "send_new", lambda job_id: None)  # the web process died after writing the row
    shared = _share(bot, sample_csv)
    time.sleep(UNSENT_SECONDS / 2)
    assert not bot.fake.calls_to("file_download"), "no message, so no worker started the job"
    wait_until(lambda: bot.fake.calls_to("file_download"), STARTS_WITHIN, "the job to start")
    started = bot.fake.calls_to("file_download")[0].received_at - shared
    # The bound counts from the row, written just before Slack got its answer.
    assert UNSENT_SECONDS - 0.5 <= started < STARTS_WITHIN, f"started {started:.1f} s after the upload"
    _reported_once(bot)


def test_a_late_original_message_beside_the_sweepers_runs_the_job_once(
    bot: RunningBot, sample_csv: bytes, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The web process sent the message, then died before noting it; the message waits in the broker (here: a
    delay) past the bound, so the sweeper sends a second one. Whichever comes second finds the job taken."""
    broker = bot.runtime.broker
    assert broker is not None
    late_ms = int(UNSENT_SECONDS * 3000)
    monkeypatch.setattr(broker, "send_new", lambda job_id: broker.send(job_id, delay_ms=late_ms))
    caplog.set_level(logging.INFO, logger="bot.queue")
    _share(bot, sample_csv)
    wait_until(lambda: "sent it now" in caplog.text, STARTS_WITHIN, "the sweeper's message")
    _reported_once(bot)
    # The original delivery comes while the job runs (put back until its lease ends) or after it: dropped.
    wait_until(lambda: "a repeated delivery is dropped" in caplog.text, 60, "the original message's delivery")
    assert len(report_messages(bot.fake)) == 1, "still one report"
    assert len(bot.fake.calls_to("file_download")) == 1, "downloaded once"
