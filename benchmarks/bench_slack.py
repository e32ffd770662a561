"""Slack app: acknowledgement latency under 50 concurrent signed requests, and upload-to-report time for 100k rows.

Segbot runs for real (its HTTP server, Bolt app, database queue and workers) against the local fake of Slack
from tests/slack/fake_slack.py, on a temporary SQLite database.

- Ack latency: 1,000 signed `/segment help` commands (each answered later through response_url) and
  file_share events, 50 in flight at a time, sent from a separate process: to the app on the in-process threading
  server (what the tests use) and to `segbot serve` itself (gunicorn, one web process, a database of its own).
  Baseline in the same run: a bare Bolt app with one ack-only listener on Bolt's own development server
  (`App.start()`), the same requests.
- Upload to report: a 100k-row audience CSV shared in a channel, timed from the event's POST to the report
  message and to the chart upload in the thread. Baseline in the same run: `segmentation.segment` alone on
  the same bytes (the engine without any Slack plumbing).

Run alone: `python -m benchmarks.bench_slack` (ACK_REQUESTS, UPLOAD_ROWS override the sizes).
"""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from slack_bolt import App

import segmentation
from benchmarks.results_section import markdown_table, write_section
from benchmarks.speed_data import speed_audience
from bot.slack.app import build_slack_runtime, create_app
from bot.slack.background import start_background
from bot.slack.client import build_web_client
from bot.slack.server import make_http_server, serve_in_thread
from bot.storage.database import open_database
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import SIGNING_SECRET, make_settings
from tests.slack.sender import command_form, event_envelope, file_share_event
from tests.slack.signing import signed_headers

CONCURRENCY = 50
ACK_REQUESTS = int(os.environ.get("ACK_REQUESTS", "1000"))
UPLOAD_ROWS = int(os.environ.get("UPLOAD_ROWS", "100000"))
ACK_GOAL_MS = 300
UPLOAD_GOAL_S = 20


def signed_post(url: str, body: str, content_type: str) -> float | None:
    """Seconds until the server answered 200; None when the request failed (refused, reset, not 200)."""
    headers = {"Content-Type": content_type, **signed_headers(SIGNING_SECRET, body)}
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            ok = response.status == 200
    except OSError:
        return None
    return time.perf_counter() - started if ok else None


def request_bodies(fake: FakeSlack, count: int, prefix: str) -> list[tuple[str, str]]:
    """Alternating slash commands and (image) file_share events, each with its own event id."""
    bodies = []
    image = fake.add_file("photo.png", b"\x89PNG\r\n\x1a\n")
    for number in range(count):
        if number % 2:
            form = command_form("/segment", "help", channel="C0CHAN", response_url=fake.response_url("bench"))
            bodies.append((urlencode(form), "application/x-www-form-urlencoded"))
        else:
            envelope = event_envelope(file_share_event(image), f"Ev{prefix}{number:06d}")
            bodies.append((json.dumps(envelope), "application/json"))
    return bodies


def ack_latencies(url: str, bodies: list[tuple[str, str]]) -> tuple[list[float], int]:
    """Latencies of the requests that succeeded, and how many failed, sent from a separate process (as Slack's
    requests come from outside; the load generator's threads must not compete with the server for the GIL)."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_send_all, (url, bodies))


def _send_all(url: str, bodies: list[tuple[str, str]]) -> tuple[list[float], int]:
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        results = list(pool.map(lambda item: signed_post(url, *item), bodies))
    latencies = [value for value in results if value is not None]
    return latencies, len(results) - len(latencies)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def baseline_bolt_app(fake: FakeSlack, port: int) -> threading.Thread:
    """A bare Bolt app: ack-only listeners, Bolt's development HTTP server."""
    app = App(
        signing_secret=SIGNING_SECRET,
        client=build_web_client(make_settings("sqlite://", fake.api_url), "xoxb-fake-token"),
    )
    app.command("/segment")(lambda ack: ack())
    app.event("message")(lambda: None)
    thread = threading.Thread(target=app.start, kwargs={"port": port}, daemon=True)
    thread.start()
    return thread


def gunicorn_ack_latencies(fake: FakeSlack, folder: str, bodies: list[tuple[str, str]]) -> tuple[list[float], int]:
    """The same requests to a real `segbot serve` process (gunicorn master + one web process of 8 threads)."""
    env = {
        **os.environ, "DATABASE_URL": f"sqlite:///{Path(folder) / 'serve.db'}", "SLACK_BOT_TOKEN": "xoxb-fake-token",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake.api_url, "SEGBOT_WORKERS": "2",
        "SEGBOT_HEARTBEAT_FILE": str(Path(folder) / "serve-heartbeat.json"),
    }  # fmt: skip
    env.pop("SLACK_APP_TOKEN", None)
    command = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", "0", "--no-scheduler"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        port = banner.split("http://127.0.0.1:", 1)[1].split("/", 1)[0]
        url = f"http://127.0.0.1:{port}/slack/events"
        ack_latencies(url, request_bodies(fake, 100, "GunicornWarm"))
        return ack_latencies(url, bodies)
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=120)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(predicate: Callable[[], object], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.01)
    raise TimeoutError("benchmark step did not finish in time")


def main() -> None:
    load = os.getloadavg()[0]
    fake = FakeSlack().start()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = open_database(url)
        settings = make_settings(url, fake.api_url, SEGBOT_WORKERS=2)
        runtime = build_slack_runtime(settings, engine)
        app = create_app(settings, engine, runtime=runtime)
        server = make_http_server(app, engine, "127.0.0.1", 0, signing_secret=settings.slack_signing_secret or "")
        serve_in_thread(server)
        background = start_background(settings, engine, runtime, workers=settings.workers, scheduler=False)
        segbot_url = f"http://127.0.0.1:{server.server_port}/slack/events"

        ack_latencies(segbot_url, request_bodies(fake, 100, "Warm"))  # imports, first connections
        bodies = request_bodies(fake, ACK_REQUESTS, "Bench")
        segbot_ack, segbot_failed = ack_latencies(segbot_url, bodies)
        gunicorn_ack, gunicorn_failed = gunicorn_ack_latencies(fake, folder, bodies)
        port = free_port()
        with contextlib.redirect_stderr(io.StringIO()):  # the dev server logs every request
            baseline_bolt_app(fake, port)
            time.sleep(0.5)
            baseline_ack, baseline_failed = ack_latencies(f"http://127.0.0.1:{port}/slack/events", bodies)

        table, _labels = speed_audience(UPLOAD_ROWS)
        data = table.to_csv(index=False).encode()
        started = time.perf_counter()
        segmentation.segment(data)
        engine_alone = time.perf_counter() - started

        fake.reset()
        file = fake.add_file(f"audience_{UPLOAD_ROWS // 1000}k.csv", data, ts="1700000123.000100")
        body = json.dumps(event_envelope(file_share_event(file, ts="1700000123.000100"), "EvBenchUpload"))
        started = time.perf_counter()
        assert signed_post(segbot_url, body, "application/json") is not None
        wait_for(lambda: len(fake.calls_to("chat.postMessage")) >= 2, 300)
        to_report = time.perf_counter() - started
        wait_for(lambda: fake.calls_to("files.completeUploadExternal"), 120)
        to_chart = time.perf_counter() - started
        report_text = fake.calls_to("chat.postMessage")[1].params["text"]

        background.stop()
        server.shutdown()
        engine.dispose()
    fake.stop()

    def ms(value: float) -> str:
        return f"{value * 1000:,.0f} ms"

    def ack_row(server: str, latencies: list[float], failed: int) -> list[object]:
        p50, p99 = statistics.median(latencies), percentile(latencies, 0.99)
        return [server, len(latencies), failed, ms(p50), ms(p99), ms(max(latencies))]

    ack_rows = [
        ack_row("Segbot, in-process threading WSGI server (full listeners, DB dedupe)", segbot_ack, segbot_failed),
        ack_row("Segbot, `segbot serve` (gunicorn, 1 web process x 8 threads)", gunicorn_ack, gunicorn_failed),
        ack_row("Baseline: bare Bolt app, ack-only listeners, Bolt's dev server", baseline_ack, baseline_failed),
    ]
    upload_rows = [
        ["Segbot: event POST to report message in the thread", f"{to_report:.1f} s"],
        ["Segbot: event POST to chart uploaded in the thread", f"{to_chart:.1f} s"],
        ["Baseline: `segmentation.segment` alone on the same bytes", f"{engine_alone:.1f} s"],
    ]
    body_text = (
        f"Load average when the run started: {load:.1f} on {os.cpu_count()} cores (other work shares the machine: "
        "compare the rows of one run, not runs of different days).\n\n"
        f"Ack latency, {CONCURRENCY} signed requests in flight (half `/segment help`, half `file_share` events); "
        f"goal p99 < {ACK_GOAL_MS} ms.\n\n"
        + markdown_table(["server", "answered", "failed", "p50", "p99", "max"], ack_rows)
        + f"\n\nUpload to report, {UPLOAD_ROWS:,}-row CSV ({len(data) / 1e6:.1f} MB); goal < {UPLOAD_GOAL_S} s. "
        f"Report: \u201c{report_text}\u201d\n\n" + markdown_table(["measure", "time"], upload_rows)
    )
    write_section("slack", "Slack app: acknowledgement latency and upload to report", body_text)


if __name__ == "__main__":
    main()
