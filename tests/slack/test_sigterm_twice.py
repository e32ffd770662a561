"""A second SIGTERM during shutdown (`timeout` signals the child and its group; an orchestrator repeats) is harmless.

The first SIGTERM turns into `StopRequested`; a second one arriving while the worker stops its heartbeat and
threads used to raise again from inside that cleanup: a traceback and exit 143 instead of exit 0.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.slack.fake_slack import FAKE_TOKEN
from tests.slack.harness import SIGNING_SECRET, wait_until


@pytest.mark.parametrize("gap", [0.0, 0.02, 0.1])
def test_worker_exits_0_on_two_sigterms(tmp_path: Path, gap: float) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "SLACK_BOT_TOKEN": FAKE_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": "http://127.0.0.1:9/api/",  # never called: no job is queued
        "SEGBOT_HEARTBEAT_FILE": str(tmp_path / "beat"),
    }
    env.pop("SLACK_APP_TOKEN", None)
    log = tmp_path / "out.txt"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "bot", "worker", "--no-scheduler"],
            env=env,
            cwd=Path(__file__).resolve().parents[2],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until(lambda: b"Segbot worker running" in log.read_bytes(), 60, "the worker to start")
            time.sleep(0.3)  # the heartbeat thread is running
            worker.send_signal(signal.SIGTERM)
            time.sleep(gap)
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    output = log.read_text()
    assert "Traceback" not in output, output
    assert output.rstrip().endswith("Segbot stopped."), output
    assert worker.returncode == 0, output
