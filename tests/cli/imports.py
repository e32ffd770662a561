"""What a `segbot` command line imports: it runs in a fresh interpreter under `-X importtime`."""

from __future__ import annotations

import subprocess
import sys


def imported_by(*argv: str, timeout: float = 120) -> tuple[str, set[str]]:
    """`python -m bot ARGV...`'s output and the names of every module it imported (it must exit 0)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    return done.stdout, {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
