"""Hostile files shared in Slack: one plain reply in the thread, the job failed once and never run again; a job
whose worker died runs again, and is dead-lettered (the user told) after MAX_ATTEMPTS starts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.errors import MEMORY
from bot.queue.jobs import DEAD, DONE, FAILED, MAX_ATTEMPTS, QUEUED, RUNNING
from bot.queue.workers import WorkerPool
from bot.slack.background import job_runner
from bot.storage.database import open_database
from bot.storage.runs import RunRepository
from bot.storage.tables_slack import slack_jobs
from tests.corpus.make_hostile import HOSTILE
from tests.slack.fake_slack import FAKE_TEAM, FakeSlack
from tests.slack.harness import RunningBot, report_messages, start_bot, stop_bot, wait_until
from tests.slack.sender import file_share_event

SHARE_TS = "1700000000.000200"
HOSTILE_UPLOADS = ["far_cell.xlsx", "small_lines.csv.gz", "2gib_line.csv.gz", "40m_shared_strings.xlsx"]


@pytest.fixture(scope="module")
def hostile_files(hostile_file: Callable[[str], Path]) -> dict[str, tuple[bytes, str]]:
    expected = {name: fragment for name, _, fragment in HOSTILE}
    return {name: (hostile_file(name).read_bytes(), expected[name]) for name in HOSTILE_UPLOADS}


@pytest.fixture
def idle_bot(fake_slack: FakeSlack, tmp_path: Path) -> Iterator[RunningBot]:
    """Segbot with no worker threads: the test runs each job itself."""
    url = f"sqlite:///{tmp_path / 'segbot.db'}"
    engine = open_database(url)
    running = start_bot(fake_slack, url, engine, SEGBOT_WORKERS=0)
    yield running
    stop_bot(running)
    engine.dispose()


def _share(bot: RunningBot, name: str, content: bytes) -> None:
    file = bot.fake.add_file(name, content, ts=SHARE_TS)
    assert bot.sender.event(file_share_event(file, ts=SHARE_TS)).status == 200


def _last_text(bot: RunningBot) -> str:
    updates = bot.fake.calls_to("chat.update")
    return str(updates[-1].params["text"]) if updates else str(bot.fake.messages()[-1]["text"])


@pytest.mark.parametrize("name", HOSTILE_UPLOADS)
def test_a_hostile_upload_gets_one_sentence_and_fails_once(
    sqlite_bot: RunningBot, hostile_files: dict[str, tuple[bytes, str]], name: str
) -> None:
    content, expected = hostile_files[name]
    _share(sqlite_bot, name, content)
    assert sqlite_bot.wait_for_jobs(timeout=60) == {FAILED: 1}
    reply = _last_text(sqlite_bot)
    assert expected in reply and "went wrong" not in reply and "Traceback" not in reply
    assert RunRepository(sqlite_bot.engine).recent(FAKE_TEAM) == []
    with sqlite_bot.engine.connect() as connection:
        assert connection.execute(slack_jobs.select()).one().attempts == 1


def test_a_job_whose_worker_died_runs_again_and_is_reported_once(idle_bot: RunningBot, sample_csv: bytes) -> None:
    _share(idle_bot, "audience.csv", sample_csv)
    wait_until(lambda: idle_bot.runtime.jobs.counts().get(QUEUED), what="the job to be queued")
    pool = WorkerPool(job_runner(idle_bot.runtime.jobs, idle_bot.runtime), size=0)
    claimed = idle_bot.runtime.jobs.claim("worker-that-dies")
    assert claimed is not None
    assert not pool.run_one("next-worker"), "the dead worker's lease still holds"
    with idle_bot.engine.begin() as connection:  # its worker was killed: the lease runs out
        connection.execute(update(slack_jobs).values(lease_expires_at=datetime.now(UTC) - timedelta(seconds=1)))

    assert pool.run_one("next-worker")

    assert idle_bot.runtime.jobs.status(claimed.id) == DONE
    assert len(report_messages(idle_bot.fake)) == 1
    assert len(RunRepository(idle_bot.engine).recent(FAKE_TEAM)) == 1
    assert not pool.run_one("another-worker")


def test_a_job_started_max_attempts_times_is_dead_lettered_and_the_user_told(idle_bot: RunningBot) -> None:
    _share(idle_bot, "audience.csv", b"age,spend\n" + b"30,10\n" * 40)
    wait_until(lambda: idle_bot.runtime.jobs.counts().get(QUEUED), what="the job to be queued")
    pool = WorkerPool(job_runner(idle_bot.runtime.jobs, idle_bot.runtime), size=0)
    expired = datetime.now(UTC) - timedelta(seconds=1)
    with idle_bot.engine.begin() as connection:  # started MAX_ATTEMPTS times, its workers killed each time
        connection.execute(update(slack_jobs).values(status=RUNNING, attempts=MAX_ATTEMPTS, lease_expires_at=expired))
    downloads_before = len(idle_bot.fake.calls_to("file_download"))

    assert pool.run_one("next-worker")

    assert idle_bot.runtime.jobs.counts() == {DEAD: 1}
    reply = _last_text(idle_bot)
    assert f"Segbot tried audience.csv {MAX_ATTEMPTS} times and could not finish it" in reply
    assert "share the file again in a few minutes" in reply
    assert len(idle_bot.fake.calls_to("file_download")) == downloads_before
    assert RunRepository(idle_bot.engine).recent(FAKE_TEAM) == []
    assert not pool.run_one("another-worker")


def test_limits_set_for_the_server_apply_to_uploads(fake_slack: FakeSlack, tmp_path: Path, sample_csv: bytes) -> None:
    url = f"sqlite:///{tmp_path / 'segbot.db'}"
    engine = open_database(url)
    running = start_bot(fake_slack, url, engine, SEGBOT_MAX_ROWS=50)
    try:
        _share(running, "audience.csv", sample_csv)
        assert running.wait_for_jobs(timeout=60) == {FAILED: 1}
        reply = _last_text(running)
        assert "more than 50 rows" in reply and "SEGBOT_MAX_ROWS" in reply
    finally:
        stop_bot(running)
        engine.dispose()


def test_running_out_of_memory_in_a_job_is_one_sentence(
    sqlite_bot: RunningBot, sample_csv: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.slack import jobs

    def exhausted(*_args: object, **_kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(jobs, "process_upload", exhausted)
    _share(sqlite_bot, "audience.csv", sample_csv)
    assert sqlite_bot.wait_for_jobs(timeout=60) == {FAILED: 1}
    assert _last_text(sqlite_bot).endswith(MEMORY)
