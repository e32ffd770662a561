"""`segbot serve`: the Slack app over HTTP (or Socket Mode when SLACK_APP_TOKEN is set), with its workers."""

from __future__ import annotations

import argparse
import logging
import threading
from typing import Any

from bot.cli.worker_command import add_background_options, job_threads

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
    from bot.slack.app import build_slack_runtime, create_app
    from bot.slack.background import StopRequested, start_background, stop_on_sigterm
    from bot.slack.heartbeat import (
        Heartbeat,
        database_check,
        heartbeat_path,
        http_check,
        socket_check,
        workers_check,
    )
    from bot.slack.server import make_http_server
    from bot.slack.socket_mode import check_app_token, run_socket_mode
    from bot.storage.database import open_database

    settings = load_settings()
    if settings.slack_app_token:
        check_app_token(settings.slack_app_token)
    engine = open_database(settings.database_url)
    runtime = build_slack_runtime(settings, engine)
    app = create_app(settings, engine, runtime=runtime)
    workers = settings.workers if args.workers is None else args.workers
    stop_on_sigterm()
    background = start_background(settings, engine, runtime, workers=workers, scheduler=not args.no_scheduler)
    path = heartbeat_path(settings.heartbeat_file)
    checks = [database_check(engine)] + ([workers_check(background.pool)] if workers else [])
    heartbeat: Heartbeat | None = None
    try:
        if settings.slack_app_token:
            connected = threading.Event()
            heartbeat = Heartbeat(path, "serve (Socket Mode)", [*checks, socket_check(connected)]).start()
            print(f"Segbot is connecting to Slack in Socket Mode ({job_threads(workers)}).", flush=True)
            run_socket_mode(app, settings.slack_app_token, connected=connected)
        else:
            server = make_http_server(
                app, engine, args.host, args.port, signing_secret=settings.slack_signing_secret or ""
            )
            heartbeat = Heartbeat(path, "serve", [*checks, http_check(args.host, server.server_port)])
            heartbeat.start(wait=False)
            print(
                f"Segbot is listening on http://{args.host}:{server.server_port}/slack/events "
                f"({job_threads(workers)}); health check at /healthz.",
                flush=True,
            )
            server.serve_forever()
    except (KeyboardInterrupt, StopRequested):
        print("Segbot stopped.", flush=True)
    finally:
        if heartbeat is not None:
            heartbeat.stop()
        background.stop()
    return 0
