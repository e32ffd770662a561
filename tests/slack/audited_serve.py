"""`segbot` with an audit hook that writes down, for the first process only, each SQLite open and each fork.

`python -m tests.slack.audited_serve LOG serve ...` runs `segbot serve ...`; LOG gets one line per event of the
process started (gunicorn's master): `connect <thread name>` for `sqlite3.connect`, `fork` for `os.fork`. The web
processes it forks write nothing. A master thread inside `sqlite3.connect` while gunicorn forks leaves SQLite's
global mutex held in the web process, so tests/slack/test_web_server.py checks with it that the master opens the
database only in its main thread and before its first fork.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

WATCHED = {"sqlite3.connect": "connect", "os.fork": "fork"}


def record_opens_and_forks(log_path: str) -> None:
    master = os.getpid()
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def hook(event: str, _args: tuple[Any, ...]) -> None:
        if event not in WATCHED or os.getpid() != master:
            return
        line = WATCHED[event] if event == "os.fork" else f"connect {threading.current_thread().name}"
        os.write(log, (line + "\n").encode())

    sys.addaudithook(hook)


def main() -> int:
    log_path, *argv = sys.argv[1:]
    record_opens_and_forks(log_path)
    from bot.cli import main as segbot

    return segbot(argv)


if __name__ == "__main__":
    raise SystemExit(main())
