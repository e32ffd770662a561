"""Readiness, liveness and /metrics over real HTTP: with the database down, on the health port of `segbot worker`
and of Socket Mode, and the Slack counters moving on real calls to the fake Slack; JSON logs from a real process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import REGISTRY
from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.slack.client import build_web_client
from bot.slack.probes import Probes, broker_check, readiness_checks
from bot.slack.server import ThreadingWSGIServer, make_http_server, serve_in_thread
from bot.storage.database import create_database_engine, open_database
from tests.slack.fake_slack import FAKE_APP_TOKEN, FAKE_TOKEN, FakeSlack
from tests.slack.harness import SIGNING_SECRET, make_settings, wait_until
from tests.slack.harness import http_get as get
from tests.slack.sender import CHANNEL

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def closed_database_server(fake_slack: FakeSlack) -> Iterator[str]:
    """The web app over HTTP whose DATABASE_URL points at a port nothing listens on."""
    url = f"postgresql+psycopg://segbot@127.0.0.1:{free_port()}/segbot?connect_timeout=2"
    engine = create_database_engine(url)
    settings = make_settings(url, fake_slack.api_url)
    app = App(signing_secret=SIGNING_SECRET, token_verification_enabled=False, authorize=lambda **_: None)
    from bot.queue.jobs import JobQueue

    probes = Probes(ready=readiness_checks(engine, settings), job_counts=JobQueue(engine).counts)
    server: ThreadingWSGIServer = make_http_server(
        app, engine, "127.0.0.1", 0, signing_secret=SIGNING_SECRET, probes=probes
    )
    serve_in_thread(server)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    engine.dispose()


def test_with_the_database_down_the_process_is_live_but_not_ready(closed_database_server: str) -> None:
    assert get(closed_database_server + "/livez") == (200, '{"status": "ok"}')
    status, body = get(closed_database_server + "/readyz")
    assert status == 503
    assert json.loads(body) == {
        "status": "unavailable",
        "problems": ["the database is not reachable", "the database schema cannot be read"],
    }
    status, metrics = get(closed_database_server + "/metrics")
    assert status == 200
    assert "segbot_job_store_up 0.0" in metrics
    assert "segbot_jobs{" not in metrics


def test_readiness_names_a_schema_behind_and_missing_credentials(tmp_path: Path, fake_slack: FakeSlack) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    engine = create_database_engine(url)  # never migrated
    settings = make_settings(url, fake_slack.api_url, SLACK_BOT_TOKEN=None)
    probes = Probes(ready=readiness_checks(engine, settings))
    status, _, body = probes.answer("GET", "/readyz") or ("", "", b"")
    assert status.startswith("503")
    assert json.loads(body)["problems"] == [
        "the database schema is not up to date (run segbot db upgrade)",
        "Slack credentials are not configured",
    ]
    engine.dispose()


def test_a_worker_is_not_ready_while_its_broker_refuses_connections() -> None:
    with socket.create_server(("127.0.0.1", 0)) as broker:
        listening = broker.getsockname()[1]
        assert broker_check(f"amqp://guest:guest@127.0.0.1:{listening}")() is None
        assert broker_check(f"redis://127.0.0.1:{listening}/0")() is None
    closed = free_port()
    assert broker_check(f"amqp://guest:guest@127.0.0.1:{closed}")() == "the broker is not reachable"
    probes = Probes(ready=[broker_check(f"redis://127.0.0.1:{closed}/0")])
    status, _, body = probes.answer("GET", "/readyz") or ("", "", b"")
    assert status.startswith("503") and json.loads(body)["problems"] == ["the broker is not reachable"]


def test_a_worker_answers_probes_and_metrics_on_its_health_port(tmp_path: Path, fake_slack: FakeSlack) -> None:
    url = f"sqlite:///{tmp_path / 'segbot.db'}"
    open_database(url).dispose()
    port = free_port()
    env = {
        **os.environ, "DATABASE_URL": url, "SLACK_BOT_TOKEN": FAKE_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.api_url, "SEGBOT_WORKERS": "1", "SEGBOT_HEALTH_PORT": str(port),
        "SEGBOT_HEARTBEAT_FILE": str(tmp_path / "beat.json"), "SEGBOT_LOG_FORMAT": "json", "SEGBOT_LOG_LEVEL": "INFO",
    }  # fmt: skip
    env.pop("SLACK_APP_TOKEN", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "bot", "worker", "--no-scheduler"], env=env, cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _answers(base + "/livez"), 120, "the worker's health port")
        assert get(base + "/livez") == (200, '{"status": "ok"}')
        # The port answers from the start; ready once the database answered and the job threads run.
        wait_until(lambda: get(base + "/readyz") == (200, '{"status": "ok"}'), 60, "the worker to be ready")
        status, metrics = get(base + "/metrics")
        assert status == 200 and 'segbot_jobs{status="queued"} 0.0' in metrics
        assert get(base + "/slack/events")[0] == 404
    finally:
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=60)
    assert worker.returncode == 0 and out.rstrip().endswith("Segbot stopped."), out + err
    records = [json.loads(line) for line in err.splitlines() if line.strip()]
    assert records, "INFO logs were written"
    assert {"time", "level", "logger", "pid", "message"} <= set(records[0])
    assert all(record["pid"] == worker.pid for record in records)


def test_socket_mode_is_live_but_not_ready_while_its_connection_is_down(tmp_path: Path, fake_slack: FakeSlack) -> None:
    fake_slack.websocket_url = "ws://127.0.0.1:1/link"  # Slack's websocket unreachable
    port = free_port()
    env = {
        **os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'segbot.db'}", "SLACK_BOT_TOKEN": FAKE_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_APP_TOKEN": FAKE_APP_TOKEN, "SLACK_API_URL": fake_slack.api_url,
        "SEGBOT_WORKERS": "1", "SEGBOT_HEALTH_PORT": str(port), "SEGBOT_HEARTBEAT_FILE": str(tmp_path / "beat.json"),
    }  # fmt: skip
    serve = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--no-scheduler"], env=env, cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _answers(base + "/livez"), 120, "the health port of Socket Mode")
        status, body = get(base + "/readyz")
        assert status == 503
        assert json.loads(body)["problems"] == ["the Socket Mode connection to Slack is down"]
    finally:
        serve.send_signal(signal.SIGTERM)
        output = serve.communicate(timeout=60)[0]
    assert serve.returncode == 0 and output.rstrip().endswith("Segbot stopped."), output


def _answers(url: str) -> bool:
    try:
        return get(url)[0] == 200
    except OSError:
        return False


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_slack_errors_and_rate_limits_are_counted_by_method(tmp_path: Path, fake_slack: FakeSlack) -> None:
    client = build_web_client(make_settings(f"sqlite:///{tmp_path / 'x.db'}", fake_slack.api_url), FAKE_TOKEN)
    limited = _sample("segbot_slack_rate_limited_total", method="chat.postMessage")
    failed = _sample("segbot_slack_api_errors_total", method="chat.postMessage", error="not_in_channel")
    fake_slack.rate_limit("chat.postMessage", retry_after=0)
    client.chat_postMessage(channel=CHANNEL, text="hello")
    assert _sample("segbot_slack_rate_limited_total", method="chat.postMessage") == limited + 1
    fake_slack.fail("chat.postMessage", "not_in_channel")
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel=CHANNEL, text="hello")
    assert _sample("segbot_slack_api_errors_total", method="chat.postMessage", error="not_in_channel") == failed + 1
