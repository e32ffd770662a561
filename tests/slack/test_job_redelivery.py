"""A worker process killed mid-job, or right after posting the report: the upload is still reported exactly once,
within 60 s of the kill; with a broker (RabbitMQ and Redis) and with the embedded database queue."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.queue.jobs import DONE
from bot.storage.database import open_database
from bot.storage.runs import RunRepository
from bot.storage.tables_slack import slack_jobs
from tests.brokers import drop_queue, fresh_queue_name, require_broker
from tests.slack.fake_slack import FAKE_TEAM, Call, FakeSlack
from tests.slack.harness import RunningBot, report_messages, start_bot, stop_bot, wait_until, worker_process
from tests.slack.sender import file_share_event

KILL_TO_REPORT_SECONDS = 60
LEASE_SECONDS = 6


@pytest.fixture(params=["rabbitmq", "redis", "database"])
def web_only(request: pytest.FixtureRequest, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[RunningBot]:
    """The web process alone (no job threads), queuing through RabbitMQ, Redis or the database."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    engine = open_database(url)
    queue: dict[str, str] = {}
    if request.param != "database":
        queue = {"SEGBOT_BROKER_URL": require_broker(request.param), "SEGBOT_BROKER_QUEUE": fresh_queue_name()}
    # A short lease, so the test does not wait the default 30 s for the killed worker's lease to end.
    running = start_bot(fake_slack, url, engine, SEGBOT_WORKERS=0, SEGBOT_JOB_LEASE=LEASE_SECONDS, **queue)
    yield running
    stop_bot(running)
    engine.dispose()
    if queue:
        drop_queue(queue["SEGBOT_BROKER_URL"], queue["SEGBOT_BROKER_QUEUE"])


def _is_report(call: Call) -> bool:
    return "metadata" in call.params


@pytest.mark.parametrize(
    ("method", "when"),
    [("file_download", lambda call: True), ("chat.postMessage", _is_report)],
    ids=["mid-job", "after-posting"],
)
def test_a_killed_workers_upload_is_reported_exactly_once(
    web_only: RunningBot, sample_csv: bytes, tmp_path: Path, method: str, when: object
) -> None:
    """Killed while downloading, or after Slack took the report but before the database heard of it."""
    fake = web_only.fake
    hold = fake.hold(method, when=when)  # type: ignore[arg-type]
    file = fake.add_file("audience.csv", sample_csv)
    assert web_only.sender.event(file_share_event(file)).status == 200
    workers = [worker_process(web_only, tmp_path / f"beat-{number}") for number in (1, 2)]
    try:
        hold.wait(90)
        doomed = _running_the_job(web_only, workers)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(10)
        killed_at = time.monotonic()
        hold.release()
        wait_until(lambda: web_only.runtime.jobs.counts() == {DONE: 1}, KILL_TO_REPORT_SECONDS, "the upload's report")
        reported_after = time.monotonic() - killed_at
    finally:
        for process in workers:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.communicate(timeout=20)
    assert reported_after < KILL_TO_REPORT_SECONDS
    assert len(report_messages(fake)) == 1, "one report, whoever posted it"
    assert len(RunRepository(web_only.engine).recent(FAKE_TEAM)) == 1, "one run"
    charts = [upload for upload in fake.uploads.values() if upload.channel_id is not None]
    assert len(charts) == 1, "one chart"


def _running_the_job(bot: RunningBot, workers: list[subprocess.Popen[bytes]]) -> subprocess.Popen[bytes]:
    """The worker process holding the job's lease (`claimed_by` is host:pid:thread)."""
    with bot.engine.connect() as connection:
        claimed_by = connection.execute(select(slack_jobs.c.claimed_by)).scalar_one()
    pid = int(claimed_by.split(":")[1])
    return next(process for process in workers if process.pid == pid)
