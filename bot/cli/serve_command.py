"""`segbot serve`: the Slack app over HTTP (or Socket Mode when SLACK_APP_TOKEN is set), with its workers."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from typing import TYPE_CHECKING, Any

from bot.cli.worker_command import add_background_options, job_threads, start_health_port

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_PORT = 3000


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve", help="run the Slack app (HTTP on /slack/events, or Socket Mode with SLACK_APP_TOKEN)"
    )
    parser.add_argument("--host", default="0.0.0.0", help="address to listen on (default 0.0.0.0)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})")
    add_background_options(parser)
    parser.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    from bot.settings import load_settings
    from bot.slack.socket_mode import check_app_token

    settings = load_settings()
    if settings.slack_app_token:
        check_app_token(settings.slack_app_token)
        return serve_socket_mode(args, settings)
    from bot.cli.metrics_dir import use_metrics_dir

    remove_metrics_dir = use_metrics_dir(settings.metrics_dir)  # before anything imports prometheus_client
    master = os.getpid()
    try:
        return serve_http(args, settings)
    finally:
        if os.getpid() == master:  # not when a web process exits
            remove_metrics_dir()


def serve_http(args: argparse.Namespace, settings: Settings) -> int:
    """gunicorn's master here, the app with its job threads and scheduler in each web process."""
    from bot.slack.app import build_slack_runtime, create_app
    from bot.slack.background import start_background
    from bot.slack.heartbeat import Check, Heartbeat, heartbeat_path, http_check, workers_check
    from bot.slack.probes import LIVE_PATH, READY_PATH, Probes, readiness_checks
    from bot.slack.server import wsgi_app
    from bot.slack.web_server import Stop, WebServer, bind_listener
    from bot.storage.database import open_database

    engine = open_database(settings.database_url)
    runtime = build_slack_runtime(settings, engine)
    app = create_app(settings, engine, runtime=runtime)
    workers = settings.workers if args.workers is None else args.workers
    listener = bind_listener(args.host, args.port)
    port = listener.getsockname()[1]
    # Filled in each web process once its job threads run: /livez then checks them.
    job_threads_alive: list[Check] = []
    probes = Probes(live=job_threads_alive, ready=readiness_checks(engine, settings), job_counts=runtime.jobs.counts)
    # Run the readiness checks once here, before the heartbeat thread starts and gunicorn forks: the lazy imports
    # they trigger (SQLAlchemy's dialect, alembic's runtime) then happen in one thread, and a web process can never
    # inherit an import lock that a master thread held at the fork (a /readyz that hung forever under load).
    probes.answer("GET", READY_PATH)
    engine.dispose()
    application = wsgi_app(
        app, engine, signing_secret=settings.slack_signing_secret or "", probes=probes,
        body_timeout=settings.request_timeout_seconds,
    )  # fmt: skip

    def start_process() -> Stop:
        background = start_background(settings, engine, runtime, workers=workers, scheduler=not args.no_scheduler)
        if workers:
            job_threads_alive.append(workers_check(background.pool))
        return background.stop

    # The master asks its web processes over HTTP and never opens the database after the check above: a master
    # thread inside sqlite3's connect while gunicorn forks leaves SQLite's global mutex held in the new web process,
    # whose every connect then hangs (py-spy on a /readyz that hung for 30 s in a loaded test run).
    checks = [http_check(args.host, port, LIVE_PATH), http_check(args.host, port, READY_PATH)]
    heartbeat = Heartbeat(heartbeat_path(settings.heartbeat_file), "serve", checks)
    server = WebServer(
        application, listener, settings, engine, start_process=start_process,
        when_ready=lambda: heartbeat.start(wait=False),
    )  # fmt: skip
    processes = "" if settings.web_processes == 1 else f"{settings.web_processes} web processes, "
    print(
        f"Segbot is listening on http://{args.host}:{port}/slack/events ({processes}{job_threads(workers)}"
        f"{' each' if processes else ''}); probes at /livez and /readyz, metrics at /metrics.",
        flush=True,
    )
    master = os.getpid()
    try:
        status = server.serve()
    finally:
        if os.getpid() == master:  # a web process leaves through here too, and must not touch the master's files
            heartbeat.stop()
    if status != 0:
        print("segbot: the web server stopped with an error (see the log above).", file=sys.stderr, flush=True)
        return 1
    print("Segbot stopped.", flush=True)
    return 0


def serve_socket_mode(args: argparse.Namespace, settings: Settings) -> int:
    from bot.slack.app import build_slack_runtime, create_app
    from bot.slack.background import StopRequested, start_background, stop_on_sigterm
    from bot.slack.heartbeat import Heartbeat, database_check, heartbeat_path, socket_check, workers_check
    from bot.slack.probes import Probes, readiness_checks
    from bot.slack.socket_mode import run_socket_mode
    from bot.storage.database import open_database

    assert settings.slack_app_token is not None
    engine = open_database(settings.database_url)
    runtime = build_slack_runtime(settings, engine)
    app = create_app(settings, engine, runtime=runtime)
    workers = settings.workers if args.workers is None else args.workers
    stop_on_sigterm()
    background = start_background(settings, engine, runtime, workers=workers, scheduler=not args.no_scheduler)
    connected = threading.Event()
    threads_alive = [workers_check(background.pool)] if workers else []
    probes = Probes(
        live=threads_alive, ready=[*readiness_checks(engine, settings), socket_check(connected)],
        job_counts=runtime.jobs.counts,
    )  # fmt: skip
    stop_health_port = start_health_port(settings, probes)
    heartbeat = Heartbeat(
        heartbeat_path(settings.heartbeat_file),
        "serve (Socket Mode)",
        [database_check(engine), *threads_alive, socket_check(connected)],
    )
    try:
        heartbeat.start()
        print(f"Segbot is connecting to Slack in Socket Mode ({job_threads(workers)}).", flush=True)
        run_socket_mode(app, settings.slack_app_token, connected=connected)
    except (KeyboardInterrupt, StopRequested):
        print("Segbot stopped.", flush=True)
    finally:
        heartbeat.stop()
        stop_health_port()
        background.stop()
    return 0
