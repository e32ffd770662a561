"""Where every Segbot process writes its log: stderr, as text lines or (SEGBOT_LOG_FORMAT=json) one JSON object each.

The same setup serves the command line, `segbot serve` (its gunicorn master and web processes, whose own logs are
routed here too), `segbot worker` and Socket Mode, so a log collector reads one format from every process.
"""

from __future__ import annotations

import logging
import sys

TEXT_FORMAT = logging.BASIC_FORMAT  # "LEVEL:logger:message", as Segbot always wrote
JSON_FIELDS = ["asctime", "levelname", "name", "process", "threadName", "message"]
JSON_NAMES = {"asctime": "time", "levelname": "level", "name": "logger", "process": "pid", "threadName": "thread"}


def configure_logging(level: str, log_format: str) -> None:
    """Root logging at `level` to stderr; like `logging.basicConfig`, nothing changes when a handler is already
    there (a test's capture, or a host application's own setup)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(log_format))
    logging.basicConfig(level=level, handlers=[handler])


def formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        from pythonjsonlogger.json import JsonFormatter  # only when asked: it costs start-up time

        return JsonFormatter(JSON_FIELDS, rename_fields=JSON_NAMES, json_ensure_ascii=False)
    return logging.Formatter(TEXT_FORMAT)
