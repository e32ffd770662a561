"""A description of the machine and library versions, printed at the top of every results section."""

from __future__ import annotations

import os
import platform
import sys
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> str:
    try:
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            kib = int(meminfo.readline().split()[1])
        return f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        return "unknown"


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "absent"


def machine_line() -> str:
    """One markdown line: date, CPU, cores, memory, Python and key library versions."""
    libraries = ", ".join(
        f"{name} {_version(name)}" for name in ("pandas", "numpy", "scikit-learn", "sqlalchemy", "slack-bolt")
    )
    return (
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {_cpu_model()}, {os.cpu_count()} cores, "
        f"{_memory_gib()} RAM, Python {sys.version.split()[0]} ({platform.system()}); {libraries}."
    )
