"""`segbot serve` over HTTP in production: gunicorn's master process and its threaded (`gthread`) web processes.

Why gunicorn with threads (docs/operator.md): Bolt is a WSGI app that answers Slack within 3 seconds and does
the slow work on its own threads, so requests are short and mostly wait on the database; a threaded worker
serves many of them per process without an event loop, gunicorn's master restarts a web process that dies or
hangs (`timeout`), bounds request lines and headers, and stops gracefully on SIGTERM. It is the most used and
best kept WSGI server on Linux.

The master (the `segbot serve` process) builds the app once, binds the port itself (so a port in use is one
sentence, and port 0 works) and forks SEGBOT_WEB_PROCESSES web processes, each with SEGBOT_WEB_THREADS request
threads. A web process forgets the master's database connections (SQLAlchemy's fork recipe) and then runs what
`start_process` starts (job threads and the digest scheduler), stopped again when it exits. SIGTERM: the master
stops accepting, each web process finishes its requests within SEGBOT_GRACEFUL_TIMEOUT and its job threads
their current job, and the master exits 0.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from typing import Any

from gunicorn import glogging
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from gunicorn.sock import TCPSocket
from sqlalchemy import Engine

from bot.errors import ConfigurationError
from bot.settings import Settings
from bot.slack.server import LISTEN_BACKLOG, WSGIApp, listen_error

log = logging.getLogger(__name__)

SILENT_PROCESS_TIMEOUT_S = 60
"""A web process whose main loop has not reported for this long is stuck: the master replaces it."""

Stop = Callable[[], None]


class RoutedLogger(glogging.Logger):  # type: ignore[misc]
    """gunicorn's own messages go to Segbot's log handlers (SEGBOT_LOG_FORMAT, SEGBOT_LOG_LEVEL)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for logger in (self.error_log, self.access_log):
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
            logger.propagate = True


def bind_listener(host: str, port: int) -> socket.socket:
    """The listening socket (port 0 picks a free one); a `ConfigurationError` when it cannot be had."""
    try:
        return socket.create_server((host, port), backlog=LISTEN_BACKLOG, reuse_port=False)
    except (OSError, OverflowError) as error:
        raise ConfigurationError(listen_error(host, port, error, "another --port or --host")) from error


class WebServer(BaseApplication):  # type: ignore[misc]
    """gunicorn serving `application` on `listener`; `start_process` runs in each web process once it is up."""

    def __init__(
        self,
        application: WSGIApp,
        listener: socket.socket,
        settings: Settings,
        engine: Engine,
        *,
        start_process: Callable[[], Stop],
        when_ready: Callable[[], object] = lambda: None,
    ) -> None:
        self.application, self.listener, self.settings, self.engine = application, listener, settings, engine
        self.start_process, self.ready = start_process, when_ready
        self.stops: list[Stop] = []
        super().__init__()

    def load_config(self) -> None:
        settings = self.settings
        options: dict[str, Any] = {
            "worker_class": "gthread",
            "workers": settings.web_processes,
            "threads": settings.web_threads,
            "timeout": SILENT_PROCESS_TIMEOUT_S,
            "graceful_timeout": settings.graceful_timeout_seconds,
            "loglevel": settings.log_level.lower(),
            "errorlog": "-",
            "logger_class": RoutedLogger,
            "proc_name": "segbot-serve",
            "control_socket_disable": True,
            "post_fork": self._post_fork,
            "post_worker_init": self._post_worker_init,
            "worker_exit": self._worker_exit,
            "when_ready": self._when_ready,
        }
        for name, value in options.items():
            self.cfg.set(name, value)

    def load(self) -> WSGIApp:
        return self.application

    def serve(self) -> int:
        """Run until stopped; the exit status gunicorn's master ends with (0 after SIGTERM or Ctrl+C)."""
        arbiter = Arbiter(self)
        address = self.listener.getsockname()[:2]
        # gunicorn takes the socket over (and closes it when it stops).
        arbiter.LISTENERS = [TCPSocket(address, self.cfg, arbiter.log, fd=self.listener.detach())]
        master = os.getpid()
        try:
            arbiter.run()
        except SystemExit as exit_:
            if os.getpid() != master:
                raise  # a web process ends here: it never returns into the master's code
            return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        return 0

    def _when_ready(self, _arbiter: Any) -> None:
        self.ready()

    def _post_fork(self, _arbiter: Any, _worker: Any) -> None:
        # The master's pooled connections belong to the master: this process opens its own.
        self.engine.dispose(close=False)

    def _post_worker_init(self, _worker: Any) -> None:
        self.stops.append(self.start_process())

    def _worker_exit(self, _arbiter: Any, _worker: Any) -> None:
        for stop in self.stops:
            stop()
