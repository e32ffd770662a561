"""A `segbot worker` started while its PostgreSQL does not answer (cut behind `tests/tcp_proxy.py`) waits for it,
says so in its log and on /readyz, then consumes the broker's queue: the upload queued meanwhile is reported."""

from __future__ import annotations

import json
import re
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url

from bot.queue.jobs import DONE
from bot.storage.database import create_database_engine
from bot.storage.metadata import metadata
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import RunningBot, http_get, report_messages, start_bot, stop_bot, wait_until, worker_process
from tests.slack.sender import file_share_event
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgres

DOWN_SECONDS = 120  # restored by the test once it has seen the worker wait


@pytest.fixture
def web_only(
    fake_slack: FakeSlack, postgres_url: str, migrated_postgres: Engine, broker_url: str, broker_queue: str
) -> Iterator[RunningBot]:
    """The web process alone, on PostgreSQL directly, queuing through the broker."""
    with migrated_postgres.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())
    engine = create_database_engine(postgres_url)
    running = start_bot(
        fake_slack, postgres_url, engine, SEGBOT_WORKERS=0, SEGBOT_BROKER_URL=broker_url,
        SEGBOT_BROKER_QUEUE=broker_queue,
    )  # fmt: skip
    yield running
    stop_bot(running)
    engine.dispose()


def test_a_worker_started_before_its_database_waits_then_consumes_the_queue(
    web_only: RunningBot, postgres_url: str, sample_csv: bytes, tmp_path: Path
) -> None:
    target = make_url(postgres_url)
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432).start()
    through_proxy = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    proxy.cut(DOWN_SECONDS)
    worker = worker_process(
        web_only, tmp_path / "beat", DATABASE_URL=through_proxy, SEGBOT_HEALTH_PORT="0", PYTHONUNBUFFERED="1"
    )
    try:
        assert worker.stdout is not None
        first = worker.stdout.readline().decode()
        found = re.search(r"http://0\.0\.0\.0:(\d+)/livez", first)
        assert found is not None, first
        health = f"http://127.0.0.1:{found.group(1)}"
        file = web_only.fake.add_file("audience.csv", sample_csv)
        assert web_only.sender.event(file_share_event(file)).status == 200  # queued while the worker waits
        status, body = http_get(health + "/readyz")
        assert status == 503 and json.loads(body)["problems"][0].startswith("waiting for the database: "), body
        assert http_get(health + "/livez")[0] == 200
        wait_until(lambda: "Could not reach the database" in http_get(health + "/readyz")[1], 60, "a failed try")
        proxy.restore()
        wait_until(lambda: web_only.runtime.jobs.counts() == {DONE: 1}, 90, "the upload's report")
        assert len(report_messages(web_only.fake)) == 1
        assert http_get(health + "/readyz") == (200, '{"status": "ok"}')
    finally:
        worker.send_signal(signal.SIGTERM)
        output = worker.communicate(timeout=30)[0].decode()
        proxy.stop()
    assert "Waiting for it: trying again in 1 s (attempt 1)." in output, output
    assert "The database answers after" in output and "the worker starts consuming jobs" in output, output
    assert worker.returncode == 0, output
