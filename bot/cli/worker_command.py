"""`segbot worker`: run queued Slack jobs (uploads to segment, labels to export) beside `segbot serve`."""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.settings import Settings
    from bot.slack.probes import Probes


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "worker", help="run queued Slack jobs (several worker processes may share the queue)"
    )
    add_background_options(parser)
    parser.set_defaults(handler=run_worker)


def add_background_options(parser: argparse.ArgumentParser) -> None:
    """`--workers` and `--no-scheduler`, shared by `segbot worker` and `segbot serve`."""
    parser.add_argument(
        "--workers", type=int, default=None, help="job threads in this process (default SEGBOT_WORKERS; 0 for none)"
    )
    parser.add_argument("--no-scheduler", action="store_true", help="do not run the weekly digest scheduler here")


def run_worker(args: argparse.Namespace) -> int:
    from bot.cli.database_wait import open_database_when_up
    from bot.settings import load_settings
    from bot.slack.app import build_slack_runtime, require_credentials
    from bot.slack.background import StopRequested, start_background, stop_on_sigterm
    from bot.slack.heartbeat import Check, Heartbeat, database_check, heartbeat_path, workers_check
    from bot.slack.probes import Probes, broker_check, readiness_checks

    settings = load_settings()
    require_credentials(settings)
    stop_on_sigterm()
    # The health port answers while the worker waits for its database: live, not ready (the reason in `waiting`).
    waiting = ["waiting for the database: not tried yet"]
    live: list[Check] = []
    ready: list[Check] = [lambda: waiting[0] if waiting else None]
    counts: list[Callable[[], Mapping[str, int]]] = []
    probes = Probes(live=live, ready=ready, job_counts=lambda: _job_counts(counts))
    stop_health_port = start_health_port(settings, probes)
    try:
        engine = open_database_when_up(settings.database_url, waiting)
        runtime = build_slack_runtime(settings, engine)
        workers = max(1, settings.workers if args.workers is None else args.workers)
        background = start_background(settings, engine, runtime, workers=workers, scheduler=not args.no_scheduler)
    except (KeyboardInterrupt, StopRequested):
        stop_health_port()
        print("Segbot stopped.", flush=True)
        return 0
    except BaseException:
        stop_health_port()
        raise
    threads_alive = workers_check(background.pool)
    live.append(threads_alive)
    ready += readiness_checks(engine, settings) + ([broker_check(settings.broker_url)] if settings.broker_url else [])
    counts.append(runtime.jobs.counts)
    waiting.clear()
    heartbeat = Heartbeat(heartbeat_path(settings.heartbeat_file), "worker", [database_check(engine), threads_alive])
    try:
        heartbeat.start()
        print(f"Segbot worker running {job_threads(workers)}; stop with Ctrl+C.", flush=True)
        threading.Event().wait()
    except (KeyboardInterrupt, StopRequested):
        print("Segbot stopped.", flush=True)
    finally:
        heartbeat.stop()
        stop_health_port()
        background.stop()
    return 0


def _job_counts(counts: list[Callable[[], Mapping[str, int]]]) -> Mapping[str, int]:
    if not counts:
        raise ConnectionError("the worker is still waiting for its database")
    return counts[0]()


def start_health_port(settings: Settings, probes: Probes) -> Callable[[], None]:
    """/livez, /readyz and /metrics on SEGBOT_HEALTH_PORT (all interfaces, for the cluster's probes and
    Prometheus), when it is set; returns what stops it."""
    if settings.health_port is None:
        return lambda: None
    from bot.slack.server import health_server

    server = health_server(probes, "0.0.0.0", settings.health_port)
    print(f"Health and metrics at http://0.0.0.0:{server.server_port}/livez, /readyz and /metrics.", flush=True)

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return stop


def job_threads(count: int) -> str:
    return f"{count} job thread" + ("" if count == 1 else "s")
