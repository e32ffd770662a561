"""Where the web processes of `segbot serve` share their metric samples (prometheus_client's multiprocess mode).

prometheus_client reads PROMETHEUS_MULTIPROC_DIR once, when it is first imported, so this runs before anything
that defines a metric is imported. Samples of an earlier run are removed: a counter must start from zero.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

SAMPLE_FILES = ("counter_*.db", "gauge_*.db", "histogram_*.db", "summary_*.db")


def use_metrics_dir(setting: str | None) -> Callable[[], None]:
    """Point multiprocess mode at SEGBOT_METRICS_DIR (emptied of old samples) or a fresh temporary directory;
    returns what removes the temporary directory again."""
    if setting:
        folder = Path(setting)
        folder.mkdir(parents=True, exist_ok=True)
        for pattern in SAMPLE_FILES:
            for old in folder.glob(pattern):
                old.unlink(missing_ok=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
        return lambda: None
    temporary = tempfile.mkdtemp(prefix="segbot-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = temporary
    return lambda: shutil.rmtree(temporary, ignore_errors=True)
