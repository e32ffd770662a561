"""Load and failure: many workspaces uploading at once through web + 2 workers + PostgreSQL + a broker.

Every part is a real local process: `segbot serve --workers 0` (the web process, gunicorn), two `segbot worker`
processes (one job thread each), PostgreSQL (a fresh schema, reached through a TCP proxy this benchmark can cut),
RabbitMQ or Redis (LOAD_BROKER), and the local fake of Slack from tests/slack/fake_slack.py as an HTTP server
speaking Slack's wire formats (the same harness as bench_slack.py and the tests).

Segbot runs in multi-workspace (OAuth) mode: LOAD_WORKSPACES teams, each installed in the installation store
with its own bot token, which the fake Slack accepts only for that team's channel and files
(benchmarks/load_workspaces.py). Each event is signed and carries its team id, as Slack sends it.

- Load: LOAD_WORKSPACES workspaces share LOAD_FILES files each in their channel, all at once (LOAD_CONCURRENCY
  event POSTs in flight), files of LOAD_MIN_ROWS to LOAD_MAX_ROWS rows. Measured: the web's acknowledgement of
  each event (p50, p99), upload-to-report time (the event's POST to the report message in the thread; p50, p95,
  p99, overall and per file size), throughput, the workers' peak RSS and CPU seconds, the load average. Baseline
  in the same run: `segmentation.segment` alone on the same files, one after the other in this process (the
  engine's time, without Slack, queue or database).
- Failure: the same plan again; once a quarter of the reports are in, the worker running a job is SIGKILLed (and
  a new one started, as an orchestrator would), and once half are in, the database is cut for LOAD_DB_OUTAGE
  seconds (every connection dropped, new ones refused). Checked: every upload has exactly one report in its
  thread and one stored run, none lost, none doubled; and the time from the kill to the killed job's report.

The full plan of issue 15 is 50 workspaces x 4 files of 10k-100k rows (LOAD_WORKSPACES=50 LOAD_FILES=4
LOAD_MIN_ROWS=10000 LOAD_MAX_ROWS=100000); the default is smaller for a shared 2-core machine. Run alone:
`python -m benchmarks.bench_load`.
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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import sqlalchemy as sa
from cryptography.fernet import Fernet
from sqlalchemy import make_url

import segmentation
from benchmarks.load_workspaces import Workspace, cross_team_calls, install_workspaces, oauth_environment
from benchmarks.results_section import markdown_table, write_section
from benchmarks.speed_data import speed_audience
from bot.slack.once import REPORT_EVENT
from bot.storage.database import create_database_engine, upgrade
from tests.brokers import BROKER_URLS, drop_queue
from tests.postgres import DEFAULT_POSTGRES_URL
from tests.slack.fake_slack import FakeSlack
from tests.slack.harness import PROJECT_ROOT, SIGNING_SECRET
from tests.slack.sender import event_envelope, file_share_event
from tests.slack.signing import signed_headers
from tests.tcp_proxy import TcpProxy

WORKSPACES = int(os.environ.get("LOAD_WORKSPACES", "10"))
FILES = int(os.environ.get("LOAD_FILES", "4"))
MIN_ROWS = int(os.environ.get("LOAD_MIN_ROWS", "10000"))
MAX_ROWS = int(os.environ.get("LOAD_MAX_ROWS", "40000"))
CONCURRENCY = int(os.environ.get("LOAD_CONCURRENCY", "50"))
BROKER = os.environ.get("LOAD_BROKER", "rabbitmq")
DB_OUTAGE_S = float(os.environ.get("LOAD_DB_OUTAGE", "10"))
TIMEOUT_S = float(os.environ.get("LOAD_TIMEOUT", "3600"))
# "load" (everything at once), "failure" (the same with a worker killed and the database cut), or both.
PHASES = [phase.strip() for phase in os.environ.get("LOAD_PHASES", "load,failure").split(",") if phase.strip()]
WORKERS = 2
KILL_TO_REPORT_GOAL_S = 60


@dataclass
class Upload:
    team_id: str
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
    load_peak: float = 0.0

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
        self.load_peak = max(self.load_peak, os.getloadavg()[0])


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
    """Row counts of the FILES files every workspace shares, evenly from MIN_ROWS to MAX_ROWS."""
    if FILES == 1:
        return [MAX_ROWS]
    step = (MAX_ROWS - MIN_ROWS) / (FILES - 1)
    return [int(MIN_ROWS + step * index) for index in range(FILES)]


def start_stack(
    fake: FakeSlack, schema_url: str, broker_url: str, queue: str, folder: Path, *, secret_key: str
) -> Stack:
    folder.mkdir(parents=True, exist_ok=True)
    target = make_url(schema_url)
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432).start()
    database_url = target.set(port=proxy.port).render_as_string(hide_password=False)
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        **oauth_environment(secret_key),
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "SEGBOT_BROKER_URL": broker_url,
        "SEGBOT_BROKER_QUEUE": queue,
        "SEGBOT_WORKERS": "0",
        "BEAT": str(folder / "beat"),
        "SEGBOT_HEARTBEAT_FILE": str(folder / "beat-web"),
        "SEGBOT_METRICS_DIR": str(folder / "metrics"),
    }
    for name in ("SLACK_APP_TOKEN", "SLACK_BOT_TOKEN"):
        env.pop(name, None)
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


def _wait(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


def share_all(stack: Stack, files: dict[int, bytes], workspaces: list[Workspace], phase: str) -> list[Upload]:
    """Host every workspace's files in its channel and POST their file_share events, CONCURRENCY at a time."""
    uploads: list[Upload] = []
    bodies: list[tuple[Upload, str]] = []
    for number, workspace in enumerate(workspaces):
        channel = workspace.channel
        for file_number, rows in enumerate(files):
            ts = f"{1800000000 + number}.{file_number:06d}"
            file = stack.fake.add_file(f"audience-{rows}.csv", files[rows], channel=channel, ts=ts)
            upload = Upload(workspace.team_id, channel, ts, rows)
            event = file_share_event(file, channel=channel, ts=ts)
            envelope = event_envelope(event, f"Ev{phase}{uuid.uuid4().hex}", team_id=workspace.team_id)
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
    kill_to_done_s: float | None = None
    cross_team: int = 0
    load_peak: float = 0.0


def run_phase(
    name: str, files: dict[int, bytes], schema_url: str, broker_url: str, folder: Path, *, failures: bool
) -> PhaseResult:
    engine = create_database_engine(schema_url)
    with engine.begin() as connection:
        for table in ("influencer_suggestions", "runs", "slack_jobs", "slack_event_receipts"):
            connection.execute(sa.text(f"DELETE FROM {table}"))
    fake = FakeSlack().start()
    secret_key = Fernet.generate_key().decode()
    workspaces = install_workspaces(fake, engine, secret_key, name[0].upper(), WORKSPACES)
    queue = f"segbot-bench-{uuid.uuid4().hex[:8]}"
    stack = start_stack(fake, schema_url, broker_url, queue, folder / name, secret_key=secret_key)
    events: list[str] = []
    killed: dict[str, object] = {}
    stop_sampling = threading.Event()

    def sampler() -> None:
        while not stop_sampling.wait(0.5):
            stack.sample()

    threading.Thread(target=sampler, daemon=True).start()
    try:
        started = time.monotonic()
        uploads = share_all(stack, files, workspaces, name[0].upper())
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
        kill_to_report = kill_to_done = None
        if killed:
            with engine.connect() as connection:
                finished = connection.execute(
                    sa.text("SELECT finished_at FROM slack_jobs WHERE id = :job"), {"job": killed["job"]}
                ).scalar_one()
            kill_to_done = finished.timestamp() - float(killed["at"])  # type: ignore[arg-type]
            posted = reports.get((str(killed["channel"]), str(killed["thread_ts"])))
            if posted:
                kill_to_report = posted[0] - float(killed["monotonic"])  # type: ignore[arg-type]
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
            kill_to_done,
            cross_team_calls(fake),
            stack.load_peak,
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
                    "SELECT id, claimed_by, workspace_id, payload FROM slack_jobs"
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
                at, monotonic = time.time(), time.monotonic()
                payload = row.payload if isinstance(row.payload, dict) else json.loads(row.payload)
                events.append(
                    f"worker pid {pid} SIGKILLed mid-job ({payload['file']['name']} of {row.workspace_id});"
                    " a new one started"
                )
                stack.start_worker(len(stack.workers))
                return {
                    "at": at,
                    "monotonic": monotonic,
                    "job": int(row.id),
                    "channel": payload["channel_id"],
                    "thread_ts": payload.get("thread_ts"),
                }
        time.sleep(0.1)
    raise TimeoutError("no running job to kill within 120 s")


def _seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.1f} s"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def failure_text(failure: PhaseResult, kill_ok: bool) -> str:
    return f"""Failure phase: {"; ".join(failure.events)}. The killed worker's upload (killed before its report
was posted) was reported in its thread {_seconds(failure.kill_to_report_s)} after the kill, and its job marked
done {_seconds(failure.kill_to_done_s)} after it (goal: reported under {KILL_TO_REPORT_GOAL_S} s:
{"met" if kill_ok else "NOT met"})."""


def report_seconds(result: PhaseResult, rows: int | None = None) -> list[float]:
    """Upload-to-report seconds of the phase's reported uploads (of files of `rows` rows, if given)."""
    return [
        times[0] - upload.sent_at
        for upload in result.uploads
        if (rows is None or upload.rows == rows) and (times := result.reports.get((upload.channel, upload.ts)))
    ]


def spread(values: list[float], *shares: float, scale: float = 1.0, digits: int = 1) -> str:
    return " / ".join(f"{percentile(values, share) * scale:.{digits}f}" for share in shares) if values else "-"


def counted(result: PhaseResult) -> tuple[int, int, int]:
    """Uploads with exactly one report in their thread, with none, with more than one."""
    reports = [len(result.reports.get((upload.channel, upload.ts), [])) for upload in result.uploads]
    return reports.count(1), reports.count(0), sum(1 for count in reports if count > 1)


def phase_row(result: PhaseResult) -> list[object]:
    acks = [upload.ack_s for upload in result.uploads if upload.ack_s is not None]
    total = len(result.uploads)
    exactly_once, lost, doubled = counted(result)
    return [
        result.name,
        f"{len({upload.team_id for upload in result.uploads})} x {FILES}",
        f"{total / result.elapsed_s * 60:.1f}",
        spread(report_seconds(result), 0.5, 0.95, 0.99),
        spread(acks, 0.5, 0.99, scale=1000, digits=0),
        f"{total - len(acks)}",
        f"{result.peak_rss / 2**20:.0f}",
        f"{result.cpu_s:.0f}",
        f"{exactly_once} / {lost} / {doubled}",
        f"{result.cross_team}",
        f"{result.runs}",
        ", ".join(f"{status} {count}" for status, count in sorted(result.job_counts.items())),
        f"{result.load_peak:.1f}",
    ]


def size_rows(results: list[PhaseResult], sizes: list[int]) -> list[list[object]]:
    return [
        [result.name, f"{rows:,}", spread(report_seconds(result, rows), 0.5, 0.99)]
        for result in results
        for rows in sizes
    ]


REDUCED = "This is a reduced plan: the full plan of issue 15 is 50 workspaces x 4 files of 10k-100k rows."
HEADER = [
    "phase",
    "workspaces x files",
    "reports / min",
    "upload to report p50 / p95 / p99 (s)",
    "Slack ack p50 / p99 (ms)",
    "acks failed",
    "worker peak RSS (MiB)",
    "worker CPU (s)",
    "exactly once / lost / doubled",
    "cross-team calls",
    "runs stored",
    "jobs",
    "peak load average (1 min)",
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
    load_at_start = os.getloadavg()[0]
    engine_started = time.process_time()
    for rows in sizes:
        segmentation.segment(files[rows])
    engine_cpu_per_workspace = time.process_time() - engine_started
    try:
        with tempfile.TemporaryDirectory() as folder:
            results = [
                run_phase(phase, files, schema_url, broker_url, Path(folder), failures=phase == "failure")
                for phase in PHASES
            ]
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    passed = all(counted(result)[0] == len(result.uploads) and result.cross_team == 0 for result in results)
    failure = next((result for result in results if result.name == "failure"), None)
    kill_ok = failure is None or (
        failure.kill_to_report_s is not None and failure.kill_to_report_s < KILL_TO_REPORT_GOAL_S
    )
    full = WORKSPACES >= 50 and FILES >= 4 and MIN_ROWS <= 10_000 and MAX_ROWS >= 100_000
    body = f"""
Plan: {WORKSPACES} workspaces x {FILES} files ({", ".join(f"{rows:,}" for rows in sizes)} rows) shared at once,
{CONCURRENCY} event POSTs in flight; `segbot serve --workers 0` + {WORKERS} `segbot worker` processes (1 job thread
each, under `nice -n 10`), PostgreSQL behind a TCP proxy, {BROKER} as the broker, the fake Slack over HTTP.
Segbot in multi-workspace (OAuth) mode: each workspace is its own Slack team with its own installation (bot token
sealed in the installation store) and channel; each event is signed and carries its team id; the fake Slack
accepts a team's token only for that team's channel and files (a token of another team gets `channel_not_found`).
{"This is the full plan of issue 15." if full else REDUCED}
Sizes from LOAD_WORKSPACES, LOAD_FILES, LOAD_MIN_ROWS, LOAD_MAX_ROWS.

{markdown_table(HEADER, [phase_row(result) for result in results])}

"cross-team calls": Web API calls naming a conversation of another team than their token's (refused by the fake).
Upload to report by file size (p50 / p99, s):

{markdown_table(["phase", "rows", "upload to report p50 / p99 (s)"], size_rows(results, sizes))}

{failure_text(failure, kill_ok) if failure else "No failure phase in this run (LOAD_PHASES)."} Every upload
reported exactly once, in its own workspace's thread, in every phase run ({", ".join(PHASES)}):
{"yes" if passed else "NO"}.

Baseline in the same run: `segmentation.segment` alone on the same {FILES} files took
{engine_cpu_per_workspace:.1f} CPU s in this process, so the {WORKSPACES * FILES} uploads of a phase hold about
{engine_cpu_per_workspace * WORKSPACES:.0f} CPU s of engine work; the workers used
{" and ".join(f"{result.cpu_s:.0f} CPU s in the {result.name} phase" for result in results)} (download, parsing,
storing, rendering and posting included). Wall times are distorted on this shared 2-core machine (other sessions'
work runs beside it; 1-minute load average {load_at_start:.1f} at the start,
{max(result.load_peak for result in results):.1f} at its highest during the phases, {os.getloadavg()[0]:.1f} at
the end); CPU seconds and peak RSS are the figures to compare.
"""
    write_section("load", "Load and failure: web + 2 workers + PostgreSQL + broker", body)
    return 0 if passed and kill_ok else 1


if __name__ == "__main__":
    sys.exit(main())
