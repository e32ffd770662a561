"""`segbot health` for every process kind: serve over HTTP, serve in Socket Mode, and worker, each with its checks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.slack.heartbeat import Heartbeat, read_health
from tests.slack.fake_slack import FAKE_APP_TOKEN, FAKE_TOKEN, FakeSlack
from tests.slack.harness import SIGNING_SECRET, wait_until

ROOT = Path(__file__).resolve().parents[2]


def test_a_heartbeat_reports_its_problems_and_goes_stale(tmp_path: Path) -> None:
    path = tmp_path / "beat.json"
    problem: list[str | None] = [None]
    heartbeat = Heartbeat(path, "worker", [lambda: problem[0]], interval=0.05).start()
    try:
        assert read_health(path, now=time.time()).sentence.startswith(f"segbot worker (pid {os.getpid()}) is healthy")
        problem[0] = "the database is not reachable"
        wait_until(lambda: not read_health(path, now=time.time()).healthy, 5, "the problem to be written")
        assert read_health(path, now=time.time()).sentence == (
            f"segbot worker (pid {os.getpid()}) is unhealthy: the database is not reachable."
        )
    finally:
        heartbeat.stop()
    assert not path.exists(), "a stopped process leaves no heartbeat"
    assert read_health(path, now=time.time()).sentence.startswith(f"No heartbeat at {path}: no segbot serve or worker")
    path.write_text(json.dumps({"kind": "serve", "pid": 7, "at": time.time() - 300, "problems": []}))
    assert read_health(path, now=time.time(), max_age=60).sentence == (
        "segbot serve (pid 7) has not written its heartbeat for 300 s: it is stuck or stopped."
    )


def test_a_check_that_raises_is_a_problem_not_a_dead_heartbeat(tmp_path: Path) -> None:
    def broken() -> str | None:
        raise RuntimeError("boom")

    heartbeat = Heartbeat(tmp_path / "beat.json", "worker", [broken]).start()
    try:
        assert read_health(tmp_path / "beat.json", now=time.time()).sentence.endswith(
            "is unhealthy: a health check failed (RuntimeError)."
        )
    finally:
        heartbeat.stop()


@pytest.fixture
def env(tmp_path: Path, fake_slack: FakeSlack) -> dict[str, str]:
    values = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'segbot.db'}",
        "SLACK_BOT_TOKEN": FAKE_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "SEGBOT_WORKERS": "1",
        "SEGBOT_HEARTBEAT_FILE": str(tmp_path / "heartbeat.json"),
    }
    values.pop("SLACK_APP_TOKEN", None)
    return values


def health(env: dict[str, str]) -> tuple[bool, str]:
    """What `segbot health` would say for the processes started with `env`."""
    answer = read_health(Path(env["SEGBOT_HEARTBEAT_FILE"]), now=time.time())
    return answer.healthy, answer.sentence


@pytest.fixture
def process(env: dict[str, str]) -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for running in started:
        if running.poll() is None:
            running.kill()
            running.communicate(timeout=30)


def stop(running: subprocess.Popen[str]) -> None:
    """SIGTERM, as `docker stop` sends it: a normal stop."""
    running.send_signal(signal.SIGTERM)
    output = running.communicate(timeout=60)[0]
    assert running.returncode == 0 and output.rstrip().endswith("Segbot stopped."), output


def start(process: list[subprocess.Popen[str]], env: dict[str, str], *argv: str) -> None:
    process.append(
        subprocess.Popen(
            [sys.executable, "-m", "bot", *argv], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True,
        )
    )  # fmt: skip


def wait_for_heartbeat(env: dict[str, str]) -> None:
    # A busy machine takes a while to start a process that imports the analysis libraries.
    wait_until(lambda: Path(env["SEGBOT_HEARTBEAT_FILE"]).exists(), 120, "the heartbeat file")


def test_health_of_serve_over_http(env: dict[str, str], process: list[subprocess.Popen[str]]) -> None:
    start(process, env, "serve", "--host", "127.0.0.1", "--port", "0", "--no-scheduler")
    wait_for_heartbeat(env)
    healthy, sentence = health(env)
    assert healthy and sentence.startswith(f"segbot serve (pid {process[0].pid}) is healthy"), sentence
    stop(process[0])
    assert not health(env)[0], "a stopped process is not healthy"


def test_health_of_serve_in_socket_mode_says_when_the_connection_is_down(
    env: dict[str, str], process: list[subprocess.Popen[str]], fake_slack: FakeSlack
) -> None:
    fake_slack.websocket_url = "ws://127.0.0.1:1/link"  # Slack's websocket unreachable
    start(process, {**env, "SLACK_APP_TOKEN": FAKE_APP_TOKEN}, "serve", "--no-scheduler")
    wait_for_heartbeat(env)
    assert health(env) == (
        False,
        f"segbot serve (Socket Mode) (pid {process[0].pid}) is unhealthy: the Socket Mode connection to Slack is down.",
    )
    stop(process[0])


def test_segbot_health_and_the_container_check_exit_0_only_when_healthy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "heartbeat.json"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SEGBOT_HEARTBEAT_FILE", str(path))
    assert main(["health"]) == 1
    assert capsys.readouterr().out.startswith(f"No heartbeat at {path}")
    heartbeat = Heartbeat(path, "worker", []).start()
    try:
        assert main(["health"]) == 0
        assert capsys.readouterr().out.startswith(f"segbot worker (pid {os.getpid()}) is healthy (checked ")
        container = subprocess.run(
            [sys.executable, "-m", "bot.slack.heartbeat"], check=False, cwd=tmp_path, capture_output=True, text=True,
            timeout=60, env={**os.environ, "SEGBOT_HEARTBEAT_FILE": str(path)},
        )  # fmt: skip
        assert container.returncode == 0
        assert container.stdout.startswith(f"segbot worker (pid {os.getpid()}) is healthy (checked ")
    finally:
        heartbeat.stop()


def test_a_stop_signal_during_the_heartbeats_start_still_stops_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CI, serve in Socket Mode: a SIGTERM raised inside Thread.start() made stop() fail with "cannot join thread
    before it is started", and a normal stop exited 1 with "something went wrong"."""
    import threading

    def interrupted(thread: threading.Thread) -> None:
        raise KeyboardInterrupt  # what the SIGTERM handler's exception does, arriving before start() returns

    monkeypatch.setattr(threading.Thread, "start", interrupted)
    heartbeat = Heartbeat(tmp_path / "heartbeat.json", "serve", [])
    with pytest.raises(KeyboardInterrupt):
        heartbeat.start()
    assert (tmp_path / "heartbeat.json").exists()  # the first beat was written
    heartbeat.stop()
    assert not (tmp_path / "heartbeat.json").exists()
