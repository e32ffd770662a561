"""The heartbeat file of a `segbot serve` or `segbot worker` process, read by `segbot health` (container checks).

Every few seconds a thread runs the process's checks (the database answers; the job threads run; the Socket Mode
connection is up; for `segbot serve` over HTTP, its web processes answer /livez and /readyz) and writes what it
found, with the time, to SEGBOT_HEARTBEAT_FILE. A process that hangs stops writing; one that is up but cannot work
writes its problems. gunicorn's master forks while its heartbeat thread runs, so that thread only asks over HTTP:
it opens no database and imports nothing at the fork (a lock it held would stay held in the web process).

`python -m bot.slack.heartbeat` is `segbot health` without loading the whole command line (the analysis
libraries take seconds to import): the container health check runs it every 30 seconds.
"""

from __future__ import annotations

import encodings.idna  # noqa: F401  (urlopen's first connect imports it: here, before a fork, not in the thread)
import json
import logging
import os
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text

from bot.queue.workers import JobThreads

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 10.0
MAX_AGE_SECONDS = 60.0

Check = Callable[[], str | None]  # None when fine, else what is wrong, in a few words


def heartbeat_path(setting: str | None) -> Path:
    return Path(setting) if setting else Path(tempfile.gettempdir()) / "segbot-heartbeat.json"


class Heartbeat:
    """Writes `{kind, pid, at, problems}` to `path` every `interval` seconds until stopped (then removes it)."""

    def __init__(self, path: Path, kind: str, checks: Sequence[Check], *, interval: float = INTERVAL_SECONDS) -> None:
        self.path, self.kind, self.checks, self.interval = path, kind, list(checks), interval
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self, *, wait: bool = True) -> Heartbeat:
        """Beat now, then every `interval`; with `wait=False` the first beat is in the thread too (for a check
        that needs what the caller starts next, such as the HTTP server's loop)."""
        if wait:
            self.beat()
        thread = threading.Thread(target=self._loop, args=(not wait,), name="segbot-heartbeat", daemon=True)
        thread.start()
        # Kept only once started: a SIGTERM raised inside start() would otherwise leave stop() joining a thread
        # that Python counts as not started ("cannot join thread before it is started", exit 1 on a normal stop).
        self.thread = thread
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(self.interval + 10)
        self.path.unlink(missing_ok=True)

    def beat(self) -> None:
        problems = [problem for check in self.checks if (problem := _run(check)) is not None]
        record = {"kind": self.kind, "pid": os.getpid(), "at": time.time(), "problems": problems}
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            temporary.write_text(json.dumps(record), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError as error:
            log.warning("could not write the heartbeat file %s: %s", self.path, error)

    def _loop(self, beat_first: bool) -> None:
        if beat_first:
            self.beat()
        while not self.stopping.wait(self.interval):
            self.beat()


def _run(check: Check) -> str | None:
    try:
        return check()
    except Exception as error:  # a check that fails is a problem to report, not a reason to stop beating
        return f"a health check failed ({type(error).__name__})"


def database_check(engine: Engine) -> Check:
    def check() -> str | None:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            return "the database is not reachable"
        return None

    return check


def workers_check(pool: JobThreads) -> Check:
    def check() -> str | None:
        alive, started = pool.alive()
        return f"{started - alive} of {started} job threads stopped" if alive < started else None

    return check


def http_check(host: str, port: int, path: str = "/healthz") -> Check:
    local = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host

    def check() -> str | None:
        try:
            with urllib.request.urlopen(f"http://{local}:{port}{path}", timeout=5) as answer:
                return None if answer.status == 200 else f"{path} answers {answer.status}"
        except urllib.error.HTTPError as error:
            return f"{path} answers {error.code}"
        except Exception as error:
            return f"{path} does not answer ({type(error).__name__})"

    return check


def socket_check(connected: threading.Event) -> Check:
    return lambda: None if connected.is_set() else "the Socket Mode connection to Slack is down"


@dataclass(frozen=True)
class Health:
    healthy: bool
    sentence: str


def read_health(path: Path, *, now: float, max_age: float = MAX_AGE_SECONDS) -> Health:
    """What the heartbeat file says, as one sentence."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        kind, pid, at, problems = record["kind"], record["pid"], float(record["at"]), list(record["problems"])
    except FileNotFoundError:
        return Health(False, f"No heartbeat at {path}: no segbot serve or worker is running here (or it uses "
                      "another SEGBOT_HEARTBEAT_FILE).")  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError):
        return Health(False, f"The heartbeat file {path} cannot be read; is it written by segbot serve or worker?")
    name = f"segbot {kind} (pid {pid})"
    age = now - at
    if age > max_age:
        return Health(False, f"{name} has not written its heartbeat for {age:.0f} s: it is stuck or stopped.")
    if problems:
        return Health(False, f"{name} is unhealthy: {'; '.join(problems)}.")
    return Health(True, f"{name} is healthy (checked {max(age, 0):.0f} s ago).")


def main() -> int:
    """Print the health sentence; 0 when healthy, 1 otherwise (what container health checks expect)."""
    from bot.settings import load_settings

    health = read_health(heartbeat_path(load_settings().heartbeat_file), now=time.time())
    print(health.sentence)
    return 0 if health.healthy else 1


if __name__ == "__main__":
    raise SystemExit(main())
