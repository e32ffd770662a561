"""Load and failure: many channels uploading at once through web + 2 workers + PostgreSQL + a broker.

Every part is a real local process: `segbot serve --workers 0` (the web process, gunicorn), two `segbot worker`
processes (one job thread each), PostgreSQL (a fresh schema, reached through a TCP proxy this benchmark can cut),
RabbitMQ or Redis (LOAD_BROKER), and the local fake of Slack from tests/slack/fake_slack.py as an HTTP server
speaking Slack's wire formats (the same harness as bench_slack.py and the tests).

- Load: LOAD_CHANNELS channels share LOAD_FILES files each, all at once (LOAD_CONCURRENCY event POSTs in flight),
  files of LOAD_MIN_ROWS to LOAD_MAX_ROWS rows. Measured: the web's acknowledgement of each event (p50, p99),
  upload-to-report time (the event's POST to the report message in the thread, p50, p95), throughput, the
  workers' peak RSS and CPU seconds. Baseline in the same run: `segmentation.segment` alone on the same files, one
  after the other in this process (the engine's time, without Slack, queue or database).
- Failure: the same plan again; once a quarter of the reports are in, the worker running a job is SIGKILLed (and
  a new one started, as an orchestrator would), and once half are in, the database is cut for LOAD_DB_OUTAGE
  seconds (every connection dropped, new ones refused). Checked: every upload has exactly one report in its
  thread and one stored run, none lost, none doubled; and the time from the kill to the killed job's report.

The full plan of issue 15 is 50 channels x 4 files of 10k-100k rows (LOAD_CHANNELS=50 LOAD_FILES=4
LOAD_MIN_ROWS=10000 LOAD_MAX_ROWS=100000); the default is smaller for a shared 2-core machine. Run alone:
`python -m benchmarks.bench_load`. Uploads come from channels of one workspace (one bot token): the queue, the
workers and the database treat each upload alike whatever its workspace.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import sqlalchemy as sa
from sqlalchemy import make_url

import segmentation
from benchmarks.results_section import markdown_table, write_section
from benchmarks.speed_data import speed_audience
from bot.slack.once import REPORT_EVENT
from bot.storage.database import create_database_engine, upgrade
from tests.brokers import BROKER_URLS, drop_queue
from tests.postgres import DEFAULT_POSTGRES_URL
from tests.slack.fake_slack import FAKE_TOKEN, FAKE_USER, FakeSlack
from tests.slack.harness import PROJECT_ROOT, SIGNING_SECRET
from tests.slack.sender import event_envelope, file_share_event
from tests.slack.signing import signed_headers
from tests.tcp_proxy import TcpProxy

CHANNELS = int(os.environ.get("LOAD_CHANNELS", "10"))
FILES = int(os.environ.get("LOAD_FILES", "4"))
MIN_ROWS = int(os.environ.get("LOAD_MIN_ROWS", "10000"))
MAX_ROWS = int(os.environ.get("LOAD_MAX_ROWS", "40000"))
CONCURRENCY = int(os.environ.get("LOAD_CONCURRENCY", "50"))
BROKER = os.environ.get("LOAD_BROKER", "rabbitmq")
DB_OUTAGE_S = float(os.environ.get("LOAD_DB_OUTAGE", "10"))
TIMEOUT_S = float(os.environ.get("LOAD_TIMEOUT", "3600"))
WORKERS = 2
KILL_TO_REPORT_GOAL_S = 60


@dataclass
class Upload:
    channel: str
    ts: str
    rows: int
    sent_at: float = 0.0
    ack_s: float | None = None


@dataclass
class Stack:
    """The running processes of one phase."""

    fake: FakeSlack
    proxy: TcpProxy
    env: dict[str, str]
    web: subprocess.Popen[bytes]
    url: str
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    peaks: dict[int, int] = field(default_factory=dict)
    cpu: dict[int, float] = field(default_factory=dict)

    def start_worker(self, number: int) -> subprocess.Popen[bytes]:
        env = {**self.env, "SEGBOT_WORKERS": "1", "SEGBOT_HEARTBEAT_FILE": self.env["BEAT"] + f"-w{number}"}
        worker = _spawn(["worker", "--no-scheduler"], env)
        self.workers.append(worker)
        return worker

    def sample(self) -> None:
        """Peak RSS (the kernel's high-water mark) and CPU seconds of every live worker."""
        for worker in self.workers:
            try:
                process = psutil.Process(worker.pid)
                times = process.cpu_times()
                self.cpu[worker.pid] = times.user + times.system
                self.peaks[worker.pid] = max(self.peaks.get(worker.pid, 0), _high_water_mark(worker.pid))
            except (psutil.Error, OSError):
                continue


def _high_water_mark(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def _spawn(arguments: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        ["nice", "-n", "10", sys.executable, "-m", "bot", *arguments],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def plan_sizes() -> list[int]:
    """Row counts of the FILES files every channel shares, evenly from MIN_ROWS to MAX_ROWS."""
    if FILES == 1:
        return [MAX_ROWS]
    step = (MAX_ROWS - MIN_ROWS) / (FILES - 1)
    return [int(MIN_ROWS + step * index) for index in range(FILES)]


def start_stack(fake: FakeSlack, schema_url: str, broker_url: str, queue: str, folder: Path) -> Stack:
    folder.mkdir(parents=True, exist_ok=True)
    target = make_url(schema_url)
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432).start()
    database_url = target.set(port=proxy.port).render_as_string(hide_password=False)
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": FAKE_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "SEGBOT_BROKER_URL": broker_url,
        "SEGBOT_BROKER_QUEUE": queue,
        "SEGBOT_WORKERS": "0",
        "BEAT": str(folder / "beat"),
        "SEGBOT_HEARTBEAT_FILE": str(folder / "beat-web"),
        "SEGBOT_METRICS_DIR": str(folder / "metrics"),
    }
    env.pop("SLACK_APP_TOKEN", None)
    web = _spawn(["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "0", "--no-scheduler"], env)
    stack = Stack(fake, proxy, env, web, f"http://127.0.0.1:{port}/slack/events")
    for number in range(WORKERS):
        stack.start_worker(number)
    _wait(lambda: _answers(f"http://127.0.0.1:{port}/livez"), 300, "the web process to answer")
    beats = [Path(env["BEAT"] + f"-w{number}") for number in range(WORKERS)]
    _wait(lambda: all(beat.exists() for beat in beats), 300, "the workers to start")
    return stack


def stop_stack(stack: Stack) -> None:
    for process in [stack.web, *stack.workers]:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in [stack.web, *stack.workers]:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
    stack.proxy.stop()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


def share_all(stack: Stack, files: dict[int, bytes], phase: str) -> list[Upload]:
    """Host every channel's files and POST their file_share events, CONCURRENCY at a time."""
    uploads: list[Upload] = []
    bodies: list[tuple[Upload, str]] = []
    for channel_number in range(CHANNELS):
        channel = f"C{phase}{channel_number:04d}"
        stack.fake.world.add_channel(channel, f"load-{phase}-{channel_number}", members=[FAKE_USER])
        for file_number, rows in enumerate(files):
            ts = f"{1800000000 + channel_number}.{file_number:06d}"
            file = stack.fake.add_file(f"audience-{rows}.csv", files[rows], channel=channel, ts=ts)
            upload = Upload(channel, ts, rows)
            envelope = event_envelope(file_share_event(file, channel=channel, ts=ts), f"Ev{phase}{uuid.uuid4().hex}")
            uploads.append(upload)
            bodies.append((upload, json.dumps(envelope)))

    def send(item: tuple[Upload, str]) -> None:
        upload, body = item
        headers = {"Content-Type": "application/json", **signed_headers(SIGNING_SECRET, body)}
        request = urllib.request.Request(stack.url, data=body.encode(), headers=headers, method="POST")
        upload.sent_at = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                answer.read()
                if answer.status == 200:
                    upload.ack_s = time.monotonic() - upload.sent_at
        except OSError:
            upload.ack_s = None

    with ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(send, bodies))
    return uploads


def reports_by_thread(fake: FakeSlack) -> dict[tuple[str, str], list[float]]:
    """(channel, thread ts) -> when each report message kept in that thread was posted."""
    found: dict[tuple[str, str], list[float]] = {}
    posted_at: dict[tuple[str, str], float] = {}
    for call in fake.calls_to("chat.postMessage"):
        if "metadata" in call.params:
            posted_at.setdefault((str(call.params.get("channel")), str(call.params.get("thread_ts"))), call.received_at)
    for message in fake.kept_messages():
        if (message.get("metadata") or {}).get("event_type") == REPORT_EVENT:
            key = (str(message.get("channel")), str(message.get("thread_ts")))
            found.setdefault(key, []).append(posted_at.get(key, 0.0))
    return found


@dataclass
class PhaseResult:
    name: str
    uploads: list[Upload]
    elapsed_s: float
    reports: dict[tuple[str, str], list[float]]
    runs: int
    job_counts: dict[str, int]
    peak_rss: int
    cpu_s: float
    events: list[str] = field(default_factory=list)
    kill_to_report_s: float | None = None


def run_phase(
    name: str, files: dict[int, bytes], schema_url: str, broker_url: str, folder: Path, *, failures: bool
) -> PhaseResult:
    engine = create_database_engine(schema_url)
    with engine.begin() as connection:
        for table in ("influencer_suggestions", "runs", "slack_jobs", "slack_event_receipts"):
            connection.execute(sa.text(f"DELETE FROM {table}"))
    fake = FakeSlack().start()
    queue = f"segbot-bench-{uuid.uuid4().hex[:8]}"
    stack = start_stack(fake, schema_url, broker_url, queue, folder / name)
    events: list[str] = []
    killed: dict[str, object] = {}
    stop_sampling = threading.Event()

    def sampler() -> None:
        while not stop_sampling.wait(0.5):
            stack.sample()

    threading.Thread(target=sampler, daemon=True).start()
    try:
        started = time.monotonic()
        uploads = share_all(stack, files, name[0].upper())
        total = len(uploads)

        def reported() -> int:
            return len(reports_by_thread(fake))

        if failures:
            _wait(lambda: reported() >= total // 4, TIMEOUT_S, "a quarter of the reports")
            killed.update(_kill_a_running_worker(stack, engine, events))
            _wait(lambda: reported() >= total // 2, TIMEOUT_S, "half of the reports")
            events.append(f"database cut for {DB_OUTAGE_S:.0f} s at {time.monotonic() - started:.0f} s")
            stack.proxy.cut(DB_OUTAGE_S)
        _wait(lambda: reported() >= total and _idle(engine), TIMEOUT_S, "every report")
        elapsed = time.monotonic() - started
        time.sleep(3)  # a late duplicate would arrive now
        reports = reports_by_thread(fake)
        with engine.connect() as connection:
            runs = int(connection.execute(sa.text("SELECT count(*) FROM runs")).scalar_one())
            counts = {
                str(status): int(count)
                for status, count in connection.execute(
                    sa.text("SELECT status, count(*) FROM slack_jobs GROUP BY status")
                )
            }
        stack.sample()
        kill_to_report = None
        if killed:
            with engine.connect() as connection:
                finished = connection.execute(
                    sa.text("SELECT finished_at FROM slack_jobs WHERE id = :job"), {"job": killed["job"]}
                ).scalar_one()
            kill_to_report = finished.timestamp() - float(killed["at"])  # type: ignore[arg-type]
        return PhaseResult(
            name,
            uploads,
            elapsed,
            reports,
            runs,
            counts,
            max(stack.peaks.values(), default=0),
            sum(stack.cpu.values()),
            events,
            kill_to_report,
        )
    finally:
        stop_sampling.set()
        stop_stack(stack)
        fake.stop()
        engine.dispose()
        drop_queue(broker_url, queue)


def _idle(engine: sa.Engine) -> bool:
    try:
        with engine.connect() as connection:
            busy = connection.execute(
                sa.text("SELECT count(*) FROM slack_jobs WHERE status IN ('queued', 'running')")
            ).scalar_one()
    except sa.exc.OperationalError:
        return False
    return int(busy) == 0


def _kill_a_running_worker(stack: Stack, engine: sa.Engine, events: list[str]) -> dict[str, object]:
    """SIGKILL the worker process holding a running job, start a replacement; what was killed and when."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            row = connection.execute(
                sa.text(
                    "SELECT id, claimed_by, payload FROM slack_jobs"
                    " WHERE status = 'running' AND outputs IS NULL LIMIT 1"
                )
            ).first()
        if row is not None:
            pid = int(str(row.claimed_by).split(":")[1])
            victim = next((worker for worker in stack.workers if worker.pid == pid and worker.poll() is None), None)
            if victim is not None:
                stack.sample()
                victim.send_signal(signal.SIGKILL)
                victim.wait(10)
                at = time.time()
                payload = row.payload if isinstance(row.payload, dict) else json.loads(row.payload)
                events.append(f"worker pid {pid} SIGKILLed mid-job ({payload['file']['name']}); a new one started")
                stack.start_worker(len(stack.workers))
                return {"at": at, "job": int(row.id)}
        time.sleep(0.1)
    raise TimeoutError("no running job to kill within 120 s")


def _seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.1f} s"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def phase_row(result: PhaseResult) -> list[object]:
    report_s = [
        times[0] - upload.sent_at
        for upload in result.uploads
        if (times := result.reports.get((upload.channel, upload.ts)))
    ]
    acks = [upload.ack_s for upload in result.uploads if upload.ack_s is not None]
    total = len(result.uploads)
    exactly_once = sum(1 for upload in result.uploads if len(result.reports.get((upload.channel, upload.ts), [])) == 1)
    doubled = sum(1 for upload in result.uploads if len(result.reports.get((upload.channel, upload.ts), [])) > 1)
    lost = total - exactly_once - doubled
    return [
        result.name,
        total,
        f"{total / result.elapsed_s * 60:.1f}",
        f"{percentile(report_s, 0.5):.1f} / {percentile(report_s, 0.95):.1f}" if report_s else "-",
        f"{percentile(acks, 0.5) * 1000:.0f} / {percentile(acks, 0.99) * 1000:.0f}" if acks else "-",
        f"{total - len(acks)}",
        f"{result.peak_rss / 2**20:.0f}",
        f"{result.cpu_s:.0f}",
        f"{exactly_once} / {lost} / {doubled}",
        f"{result.runs}",
        ", ".join(f"{status} {count}" for status, count in sorted(result.job_counts.items())),
    ]


def main() -> int:
    broker_url = BROKER_URLS[BROKER]
    base = os.environ.get("SEGBOT_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    schema = f"segbot_bench_{uuid.uuid4().hex[:8]}"
    admin = create_database_engine(base)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    schema_url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    upgrade(create_database_engine(schema_url))
    sizes = plan_sizes()
    files = {rows: speed_audience(rows, seed=rows)[0].to_csv(index=False).encode() for rows in sizes}
    engine_started = time.process_time()
    for rows in sizes:
        segmentation.segment(files[rows])
    engine_cpu_per_channel = time.process_time() - engine_started
    try:
        with tempfile.TemporaryDirectory() as folder:
            load = run_phase("load", files, schema_url, broker_url, Path(folder), failures=False)
            failure = run_phase("failure", files, schema_url, broker_url, Path(folder), failures=True)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    rows = [phase_row(load), phase_row(failure)]
    passed = all(row[8].endswith(" / 0 / 0") for row in rows)
    kill_ok = failure.kill_to_report_s is not None and failure.kill_to_report_s < KILL_TO_REPORT_GOAL_S
    header = [
        "phase",
        "uploads",
        "reports / min",
        "upload to report p50 / p95 (s)",
        "Slack ack p50 / p99 (ms)",
        "acks failed",
        "worker peak RSS (MiB)",
        "worker CPU (s)",
        "exactly once / lost / doubled",
        "runs stored",
        "jobs",
    ]
    engine_total = engine_cpu_per_channel * CHANNELS
    body = f"""
Plan: {CHANNELS} channels x {FILES} files ({", ".join(f"{rows:,}" for rows in sizes)} rows) shared at once,
{CONCURRENCY} event POSTs in flight; `segbot serve --workers 0` + {WORKERS} `segbot worker` processes (1 job thread
each, under `nice -n 10`), PostgreSQL behind a TCP proxy, {BROKER} as the broker, the fake Slack over HTTP.
{"The full plan of issue 15 is 50 channels x 4 files of 10k-100k rows; " if CHANNELS * FILES < 200 else ""}\
sizes from LOAD_CHANNELS, LOAD_FILES, LOAD_MIN_ROWS, LOAD_MAX_ROWS.

{markdown_table(header, rows)}

Failure phase: {"; ".join(failure.events)}. The killed worker's upload (killed before its report was posted)
was reported and its job finished {_seconds(failure.kill_to_report_s)} after the kill
(goal under {KILL_TO_REPORT_GOAL_S} s: {"met" if kill_ok else "NOT met"}). Every upload exactly once in both
phases: {"yes" if passed else "NO"}.

Baseline in the same run: `segmentation.segment` alone on the same {FILES} files took
{engine_cpu_per_channel:.1f} CPU s in this process, so the {CHANNELS * FILES} uploads hold about
{engine_total:.0f} CPU s of engine work; the workers used {load.cpu_s:.0f} CPU s in the load phase (download,
parsing, storing, rendering and posting included). Wall times are distorted on this shared 2-core machine (other
sessions' work runs beside it; load average {os.getloadavg()[0]:.1f} at the end of this run); CPU seconds and peak
RSS are the figures to compare.
"""
    write_section("load", "Load and failure: web + 2 workers + PostgreSQL + broker", body)
    return 0 if passed and kill_ok else 1


if __name__ == "__main__":
    sys.exit(main())
