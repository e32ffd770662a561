"""`segbot health`: is the `segbot serve` or `segbot worker` of this machine (container) working? Exit 0 or 1."""

from __future__ import annotations

import argparse
import time
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "health", help="exit 0 when the serve or worker process here is working (for container health checks)"
    )
    parser.add_argument("--max-age", type=float, default=None, help="seconds a heartbeat stays good (default 60)")
    parser.set_defaults(handler=run_health)


def run_health(args: argparse.Namespace) -> int:
    from bot.settings import load_settings
    from bot.slack.heartbeat import heartbeat_path, read_health

    path = heartbeat_path(load_settings().heartbeat_file)
    limits = {} if args.max_age is None else {"max_age": args.max_age}
    health = read_health(path, now=time.time(), **limits)
    print(health.sentence)
    return 0 if health.healthy else 1
