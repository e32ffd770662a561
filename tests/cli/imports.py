"""What a `segbot` command line imports: it runs in a fresh interpreter under `-X importtime`."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def imported_by(
    *argv: str,
    timeout: float = 120,
    exit_code: int = 0,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> tuple[str, set[str]]:
    """`python -m bot ARGV...`'s output and the names of every module it imported (it must exit `exit_code`)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=env,
        cwd=cwd,
    )
    assert done.returncode == exit_code, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout, {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
