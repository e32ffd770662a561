"""Passing failures through each queue (RabbitMQ, Redis, the database): a Slack server error is retried with
backoff, a job that keeps failing is dead-lettered with the user told, and a database that drops every connection
for a while costs a delay, not a report."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, select

from bot.queue import broker, workers
from bot.queue.jobs import DEAD, DONE, MAX_ATTEMPTS
from bot.storage.database import create_database_engine
from bot.storage.metadata import metadata
from bot.storage.runs import RunRepository
from bot.storage.tables_slack import slack_jobs
from tests.brokers import drop_queue, fresh_queue_name, require_broker
from tests.slack.fake_slack import FAKE_TEAM, Call, FakeSlack
from tests.slack.harness import RunningBot, report_messages, start_bot, stop_bot, wait_until
from tests.slack.sender import file_share_event
from tests.tcp_proxy import TcpProxy

QUEUES = ["rabbitmq", "redis", "database"]


def _queue_settings(kind: str) -> dict[str, str]:
    if kind == "database":
        return {}
    return {"SEGBOT_BROKER_URL": require_broker(kind), "SEGBOT_BROKER_QUEUE": fresh_queue_name()}


@pytest.fixture(params=QUEUES)
def queued_bot(request: pytest.FixtureRequest, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[RunningBot]:
    """Segbot with one job thread, its jobs going through RabbitMQ, Redis or the database."""
    url = f"sqlite:///{tmp_path / 'segbot.db'}"
    engine = create_database_engine(url)
    queue = _queue_settings(request.param)
    running = start_bot(fake_slack, url, _migrated(engine), SEGBOT_WORKERS=1, SEGBOT_JOB_LEASE=6, **queue)
    yield running
    stop_bot(running)
    engine.dispose()
    if queue:
        drop_queue(queue["SEGBOT_BROKER_URL"], queue["SEGBOT_BROKER_QUEUE"])


def _migrated(engine: Engine) -> Engine:
    from bot.storage.database import upgrade

    upgrade(engine)
    return engine


def _is_report(call: Call) -> bool:
    return "metadata" in call.params


def _share(bot: RunningBot, content: bytes) -> None:
    file = bot.fake.add_file("audience.csv", content)
    assert bot.sender.event(file_share_event(file)).status == 200


def _attempts(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(slack_jobs.c.attempts)).scalar_one())


def _backoff(monkeypatch: pytest.MonkeyPatch, seconds: float) -> float:
    """Every retry of a job, in either queue mode, `seconds` after its failure (the real backoff starts at 5 s)."""
    delay = lambda attempts: timedelta(seconds=seconds)  # noqa: E731
    monkeypatch.setattr(workers, "retry_delay", delay)
    monkeypatch.setattr(broker, "retry_delay", delay)
    return seconds


def test_the_backoff_grows_from_5_s_to_at_most_5_minutes() -> None:
    """The real schedule; the tests through the queues below shorten it (`_backoff`)."""
    assert [workers.retry_delay(n).total_seconds() for n in (0, 1, 2, 3, 4, 5, 9)] == [5, 5, 20, 80, 300, 300, 300]


def test_a_slack_server_error_is_retried_after_a_backoff(
    queued_bot: RunningBot, sample_csv: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    backoff = _backoff(monkeypatch, 2)  # tells a backoff from none as well as the real 5 s
    queued_bot.fake.fail("files.getUploadURLExternal", "internal_error")  # the chart, after the report
    _share(queued_bot, sample_csv)
    wait_until(lambda: queued_bot.runtime.jobs.counts() == {DONE: 1}, 60, "the job to finish")
    uploads = queued_bot.fake.calls_to("files.getUploadURLExternal")
    assert len(uploads) == 2 and _attempts(queued_bot.engine) == 2
    # From the refused upload to the retry's first call to Slack (a retry without a backoff: a few milliseconds).
    waited = min(c.received_at for c in queued_bot.fake.calls if c.received_at > uploads[0].received_at)
    waited -= uploads[0].received_at
    assert waited >= backoff - 0.5, f"retried after {waited:.1f} s"
    assert len(report_messages(queued_bot.fake)) == 1, "the retry did not post the report again"
    assert len(RunRepository(queued_bot.engine).recent(FAKE_TEAM)) == 1


def test_a_job_failing_every_time_is_dead_lettered_and_the_user_told(
    queued_bot: RunningBot, sample_csv: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    _backoff(monkeypatch, 0.2)
    queued_bot.fake.fail("chat.postMessage", "internal_error", times=MAX_ATTEMPTS, when=_is_report)
    _share(queued_bot, sample_csv)
    wait_until(lambda: queued_bot.runtime.jobs.counts() == {DEAD: 1}, 60, "the job to be dead-lettered")
    assert _attempts(queued_bot.engine) == MAX_ATTEMPTS
    told = str(queued_bot.fake.calls_to("chat.update")[-1].params["text"])
    assert f"Segbot tried audience.csv {MAX_ATTEMPTS} times and could not finish it" in told
    assert "share the file again in a few minutes" in told
    assert report_messages(queued_bot.fake) == [], "Slack refused every report"
    assert len(RunRepository(queued_bot.engine).recent(FAKE_TEAM)) == 1, "segmented once, not once per attempt"


@pytest.mark.postgres
@pytest.mark.parametrize("kind", QUEUES)
def test_work_resumes_after_the_database_drops_every_connection(
    kind: str, fake_slack: FakeSlack, migrated_postgres: Engine, postgres_url: str, sample_csv: bytes
) -> None:
    """PostgreSQL behind a proxy, cut for 5 s just as Slack takes the report: recording the post fails, and the
    next start finds the report in the thread instead of posting it again."""
    target = make_url(postgres_url)
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432).start()
    url = target.set(port=proxy.port).render_as_string(hide_password=False)
    engine = create_database_engine(url)
    queue = _queue_settings(kind)
    running = start_bot(fake_slack, url, engine, SEGBOT_WORKERS=1, SEGBOT_JOB_LEASE=6, **queue)
    with migrated_postgres.begin() as connection:  # the run's schema, as other tests left it: a clean slate
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())
    try:
        hold = fake_slack.hold("chat.postMessage", when=_is_report)
        _share(running, sample_csv)
        hold.wait(60)
        proxy.cut(5)
        hold.release()
        wait_until(lambda: not proxy.down, 10, "the database to come back")
        wait_until(lambda: len(report_messages(fake_slack)) == 1 and running.jobs_idle(), 60, "the report")
        time.sleep(1)  # nothing more arrives
        assert len(report_messages(fake_slack)) == 1
        assert len(RunRepository(engine).recent(FAKE_TEAM)) == 1
        assert running.runtime.jobs.counts() == {DONE: 1}
        assert _attempts(engine) == 2, "the start that met the outage failed, the next one finished"
    finally:
        stop_bot(running)
        engine.dispose()
        proxy.stop()
        if queue:
            drop_queue(queue["SEGBOT_BROKER_URL"], queue["SEGBOT_BROKER_QUEUE"])


@pytest.mark.parametrize("queued_bot", ["rabbitmq", "redis"], indirect=True)  # the database queue has no deliveries
def test_a_delivery_out_of_retries_is_dead_lettered_and_the_user_told(queued_bot: RunningBot) -> None:
    """Dramatiq's on_retry_exhausted (the database unreachable for all of a job's deliveries) ends the same way."""
    broker_jobs = queued_bot.runtime.broker
    assert broker_jobs is not None
    payload = {"channel_id": "C0CHAN", "thread_ts": None, "file": {"name": "audience.csv"}}
    job_id = queued_bot.runtime.jobs.enqueue(FAKE_TEAM, "segment_upload", payload)  # never delivered
    broker_jobs.exhausted_actor.send({"args": [job_id]}, {"retries": broker.MAX_RETRIES})
    wait_until(lambda: queued_bot.runtime.jobs.status(job_id) == DEAD, 30, "the job to be dead-lettered")
    told = [message["text"] for message in queued_bot.fake.messages()]
    assert any("Segbot tried audience.csv once and could not finish it" in str(text) for text in told)
