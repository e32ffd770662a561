"""Several processes share the work: the web process only queues, a separate `segbot worker` runs the job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.slack.heartbeat import read_health
from bot.storage.database import open_database
from bot.storage.runs import RunRepository
from tests.cli.imports import imported_by
from tests.slack.fake_slack import FAKE_TEAM, FAKE_TOKEN, FakeSlack
from tests.slack.harness import SIGNING_SECRET, RunningBot, start_bot, stop_bot, wait_until
from tests.slack.sender import file_share_event


@pytest.fixture
def web_only(fake_slack: FakeSlack, tmp_path: Path) -> Iterator[RunningBot]:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    engine = open_database(url)
    running = start_bot(fake_slack, url, engine, SEGBOT_WORKERS=0)
    yield running
    stop_bot(running)
    engine.dispose()


def test_a_separate_worker_process_runs_the_queued_upload(web_only: RunningBot, sample_csv: bytes) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": web_only.settings.database_url,
        "SLACK_BOT_TOKEN": FAKE_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": web_only.fake.api_url,
        "SEGBOT_WORKERS": "1",
        "SEGBOT_HEARTBEAT_FILE": str(Path(web_only.settings.database_url.removeprefix("sqlite:///")).parent / "beat"),
    }
    env.pop("SLACK_APP_TOKEN", None)
    file = web_only.fake.add_file("audience.csv", sample_csv)
    assert web_only.sender.event(file_share_event(file)).status == 200
    # The "working on it" note is posted just before the job is queued: wait for the queue, not the note.
    wait_until(lambda: web_only.runtime.jobs.counts() == {"queued": 1}, 10, "the upload to be queued")
    time.sleep(0.5)
    assert web_only.runtime.jobs.counts() == {"queued": 1}, "the web process queues but does not run jobs"

    worker = subprocess.Popen(
        [sys.executable, "-m", "bot", "worker", "--no-scheduler"],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    beat = Path(env["SEGBOT_HEARTBEAT_FILE"])
    try:
        web_only.fake.wait_for("files.completeUploadExternal", timeout=60)
        assert web_only.wait_for_jobs() == {"done": 1}
        wait_until(beat.exists, 10, "the worker's heartbeat")
        health = read_health(beat, now=time.time())
        assert health.healthy and health.sentence.startswith(f"segbot worker (pid {worker.pid}) is healthy")
    finally:
        worker.send_signal(signal.SIGTERM)
        output = worker.communicate(timeout=20)[0].decode()
    assert "Segbot worker running 1 job thread;" in output
    assert worker.returncode == 0, "SIGTERM is a normal stop"
    assert output.rstrip().endswith("Segbot stopped.")
    assert "Traceback" not in output
    assert len(RunRepository(web_only.engine).recent(FAKE_TEAM)) == 1
    assert not read_health(beat, now=time.time()).healthy, "a stopped worker is not healthy"


# Imported when first used: the chart when one is drawn, the tracker's scipy.optimize when segments are tracked,
# a broker's client when SEGBOT_BROKER_URL names that broker. The test suite alone starts about 20 workers.
IMPORTED_WHEN_USED = ("matplotlib", "scipy.optimize", "redis", "pika")


def test_a_worker_starts_without_the_libraries_it_may_never_use(tmp_path: Path) -> None:
    """`segbot worker` imports what it runs jobs with, then stops at the missing credentials (exit 2)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("SLACK_", "SEGBOT_"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'segbot.db'}"
    _, imported = imported_by("worker", "--no-scheduler", exit_code=2, env=env, cwd=tmp_path)
    assert {"bot.slack.app", "bot.slack.background", "segmentation.tracking", "bot.queue.broker"} <= imported
    assert [name for name in IMPORTED_WHEN_USED if name in imported] == []
