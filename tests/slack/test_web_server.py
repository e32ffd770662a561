"""`segbot serve` in production: a real gunicorn master and web process on 127.0.0.1, over real HTTP.

An upload runs as a real job (the fake Slack serves the file and records the report), /metrics counts it, the
probes answer (also with PostgreSQL cut off behind a proxy), the limits hold and SIGTERM lets a request in flight
finish.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url

from bot.slack.heartbeat import read_health
from tests.slack.fake_slack import FAKE_TOKEN, FakeSlack
from tests.slack.harness import SIGNING_SECRET, wait_until
from tests.slack.sender import SlackSender, file_share_event
from tests.slack.signing import signed_headers
from tests.tcp_proxy import TcpProxy

ROOT = Path(__file__).resolve().parents[2]
CHALLENGE = json.dumps({"type": "url_verification", "token": "x", "challenge": "c-123"})


@dataclass
class Served:
    process: subprocess.Popen[str]
    base: str
    port: int
    banner: str

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=30) as answer:  # 30 s: a busy 2-core CI machine
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def stop(self) -> str:
        """SIGTERM, as Kubernetes sends it; the output, after checking the stop was a normal one."""
        self.process.send_signal(signal.SIGTERM)
        output = self.process.communicate(timeout=60)[0]
        assert self.process.returncode == 0, output
        assert output.rstrip().endswith("Segbot stopped."), output
        return output


def serve_env(tmp_path: Path, fake: FakeSlack, **extra: str) -> dict[str, str]:
    values = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'segbot.db'}",
        "SLACK_BOT_TOKEN": FAKE_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "SEGBOT_WORKERS": "1",
        "SEGBOT_HEARTBEAT_FILE": str(tmp_path / "heartbeat.json"),
        **extra,
    }
    values.pop("SLACK_APP_TOKEN", None)
    return values


def start_serve(env: dict[str, str], *argv: str, entry: tuple[str, ...] = ("bot",)) -> Served:
    """`python -m bot serve` on a free port (`entry`: another module and its arguments in front of `serve`)."""
    process = subprocess.Popen(
        [sys.executable, "-m", *entry, "serve", "--host", "127.0.0.1", "--port", "0", "--no-scheduler", *argv],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    first = process.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:(\d+)/slack/events", first)
    if found is None:
        process.kill()
        raise AssertionError(first + process.communicate()[0])
    port = int(found.group(1))
    served = Served(process, f"http://127.0.0.1:{port}", port, first)
    wait_until(lambda: _answers(served), 60, "the web process to answer")
    return served


def _answers(served: Served) -> bool:
    try:
        return served.get("/livez")[0] == 200
    except OSError:
        return False


@pytest.fixture
def served(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[Served]:
    running = start_serve(serve_env(tmp_path, fake_slack, SEGBOT_REQUEST_TIMEOUT="1.5"))
    yield running
    _kill(running)


@pytest.fixture
def two_processes(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[Served]:
    running = start_serve(serve_env(tmp_path, fake_slack, SEGBOT_WEB_PROCESSES="2"))
    yield running
    _kill(running)


def _kill(running: Served) -> None:
    if running.process.poll() is None:
        running.process.kill()
        running.process.communicate(timeout=30)


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the Prometheus text (0 when absent)."""
    for line in text.splitlines():
        if line.startswith("#") or " " not in line:
            continue
        sample, value = line.rsplit(" ", 1)
        sample_name, _, label_text = sample.partition("{")
        found = dict(re.findall(r'(\w+)="([^"]*)"', label_text))
        if sample_name == name and found == labels:
            return float(value)
    return 0.0


def test_an_upload_runs_as_a_job_and_metrics_count_it_in_every_web_process(
    two_processes: Served, fake_slack: FakeSlack, sample_csv: bytes
) -> None:
    served = two_processes
    status, before = served.get("/metrics")
    assert status == 200
    assert metric(before, "segbot_jobs", status="queued") == 0
    assert metric(before, "segbot_job_store_up") == 1
    sender = SlackSender(served.base + "/slack/events", SIGNING_SECRET, fake_slack.response_url)
    file = fake_slack.add_file("audience.csv", sample_csv)
    assert sender.event(file_share_event(file)).status == 200
    fake_slack.wait_for("files.completeUploadExternal", timeout=60)

    def job_counted() -> bool:
        text = served.get("/metrics")[1]
        return metric(text, "segbot_job_duration_seconds_count", kind="segment_upload", outcome="done") == 1

    wait_until(job_counted, 30, "the finished job in /metrics")
    # Either web process may answer a scrape (the job ran in one of them): every answer has the same counts.
    for _ in range(6):
        text = served.get("/metrics")[1]
        assert metric(text, "segbot_job_duration_seconds_count", kind="segment_upload", outcome="done") == 1
        assert metric(text, "segbot_jobs", status="done") == 1
        assert metric(text, "segbot_jobs", status="queued") == 0
        assert metric(text, "segbot_stage_duration_seconds_count", stage="segment") == 1
    assert "(2 web processes, 1 job thread each)" in served.banner
    served.stop()


def test_probes_answer_and_request_size_and_time_limits_hold_under_gunicorn(served: Served) -> None:
    assert served.get("/livez") == (200, '{"status": "ok"}')
    assert served.get("/readyz") == (200, '{"status": "ok"}')
    assert served.get("/healthz") == (200, '{"status": "ok"}')
    big = b"x" * (1024 * 1024 + 1)
    request = urllib.request.Request(served.base + "/slack/events", data=big, method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 413
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as client:
        client.sendall(_post_head(len(CHALLENGE)) + CHALLENGE[:10].encode())
        started = time.monotonic()
        answer = _read_all(client)
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert b"The request body did not arrive in time." in answer
    assert time.monotonic() - started < 10
    # Chunked bodies: gunicorn takes the framing off before the app reads (a signed one was refused with 400).
    body = CHALLENGE.encode()
    for framed, expected in (
        (b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body), b'"challenge"'),
        (b"%x\r\n%s\r\n" % (0x100001, b"x" * 0x100001) + b"0\r\n\r\n", b"HTTP/1.1 413"),
        (b"zz\r\nnot a chunk\r\n0\r\n\r\n", b"HTTP/1.1 400"),
    ):
        with socket.create_connection(("127.0.0.1", served.port), timeout=10) as client:
            with contextlib.suppress(ConnectionError):  # a refused body may be cut off while it is still sent
                client.sendall(_post_head(None) + framed)
            answer = _read_all(client)
        assert expected in answer, answer[:300]
        if expected == b'"challenge"':
            assert answer.startswith(b"HTTP/1.1 200"), answer
    served.stop()


def test_sigterm_lets_a_request_in_flight_finish(tmp_path: Path, fake_slack: FakeSlack) -> None:
    """A request whose body is still arriving when SIGTERM comes is answered before the web process exits.

    Its connection is a fresh one that the web process has accepted (seen in /proc/net/tcp): one still in the
    listen backlog is the master's to close, and a kept-alive one would rest on how long a stopping gunicorn
    keeps those open (2 s). The body deadline is the default 30 s, not the 1.5 s of `served`, which a loaded
    machine can exceed between the two halves of the body.
    """
    running = start_serve(serve_env(tmp_path, fake_slack))
    try:
        with socket.create_connection(("127.0.0.1", running.port), timeout=30) as client:
            client.sendall(_post_head(len(CHALLENGE)) + CHALLENGE[:10].encode())
            wait_until(lambda: _accepted(client), 30, "the web process to accept the connection")
            running.process.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            client.sendall(CHALLENGE[10:].encode())
            answer = _read_all(client)
        assert answer.startswith(b"HTTP/1.1 200"), answer
        assert answer.endswith(b'{"challenge": "c-123"}') or answer.endswith(b'{"challenge":"c-123"}'), answer
        output = running.process.communicate(timeout=60)[0]
        assert running.process.returncode == 0 and output.rstrip().endswith("Segbot stopped."), output
    finally:
        _kill(running)


def _accepted(client: socket.socket) -> bool:
    """Whether the server's end of `client`'s connection was accepted: Linux lists a connection still in the
    listen backlog in /proc/net/tcp with inode 0."""
    client_port, server_port = client.getsockname()[1], client.getpeername()[1]
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, inode = int(fields[1].split(":")[1], 16), int(fields[2].split(":")[1], 16), fields[9]
        if (local, remote) == (server_port, client_port):
            return inode != "0"
    return False


def _read_all(client: socket.socket) -> bytes:
    received = b""
    while chunk := client.recv(65536):
        received += chunk
    return received


def _post_head(length: int | None) -> bytes:
    """The head of a signed POST of CHALLENGE: with Content-Length, or chunked when `length` is None."""
    headers = signed_headers(SIGNING_SECRET, CHALLENGE)
    lines = ["POST /slack/events HTTP/1.1", "Host: segbot", "Connection: close", "Content-Type: application/json"]
    lines.append("Transfer-Encoding: chunked" if length is None else f"Content-Length: {length}")
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_the_master_opens_the_database_only_before_it_forks_and_its_heartbeat_asks_over_http(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    """A master thread inside sqlite3's connect while gunicorn forks leaves SQLite's global mutex held in the web
    process, whose every connect then hangs (/readyz for 30 s on a loaded machine): the master may open SQLite
    only in its main thread before the first fork, and its heartbeat must learn the database's state from the
    web process's /readyz."""
    events = tmp_path / "master-events.txt"
    heartbeat = tmp_path / "heartbeat.json"
    running = start_serve(serve_env(tmp_path, fake_slack), entry=("tests.slack.audited_serve", str(events)))
    try:
        wait_until(lambda: read_health(heartbeat, now=time.time()).healthy, 60, "a healthy heartbeat")
        running.stop()
    finally:
        _kill(running)
    lines = events.read_text().splitlines()
    assert "fork" in lines, lines
    before_fork, after_fork = lines[: lines.index("fork")], lines[lines.index("fork") :]
    assert "connect MainThread" in before_fork, lines  # the readiness check before the fork: the hook works
    assert set(before_fork) == {"connect MainThread"}, lines
    assert set(after_fork) == {"fork"}, lines


@pytest.mark.postgres
def test_with_postgresql_gone_the_web_process_is_live_but_not_ready(
    tmp_path: Path, fake_slack: FakeSlack, postgres_url: str, migrated_postgres: Engine
) -> None:
    """gunicorn's web process against PostgreSQL through a proxy that the test cuts and restores."""
    url = make_url(postgres_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    running = start_serve(serve_env(tmp_path, fake_slack, DATABASE_URL=through_proxy))
    try:
        assert running.get("/readyz") == (200, '{"status": "ok"}')
        proxy.cut(8)
        status, body = running.get("/readyz")
        assert status == 503
        assert json.loads(body)["problems"][0] == "the database is not reachable"
        assert running.get("/livez") == (200, '{"status": "ok"}')
        assert metric(running.get("/metrics")[1], "segbot_job_store_up") == 0
        wait_until(lambda: running.get("/readyz")[0] == 200, 60, "readiness after the database is back")
        running.stop()
    finally:
        proxy.stop()
        _kill(running)
