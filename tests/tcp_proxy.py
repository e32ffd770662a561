"""A TCP proxy on 127.0.0.1 that can cut the line: every connection through it dropped, and new ones refused,
for some seconds (a database or broker outage as the application sees it). For tests and benchmarks."""

from __future__ import annotations

import contextlib
import socket
import threading
import time


class TcpProxy:
    """Forwards 127.0.0.1:`port` to `target`; `cut(seconds)` drops the line. Start with `start()`."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.down_until = 0.0
        self.cuts = 0
        self.lock = threading.Lock()
        self.live: set[socket.socket] = set()
        self.stopping = threading.Event()

    def start(self) -> TcpProxy:
        threading.Thread(target=self._accept, name="tcp-proxy", daemon=True).start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.listener.close()
        self._drop_all()

    def cut(self, seconds: float) -> None:
        """Drop every connection now and refuse new ones for `seconds`."""
        with self.lock:
            self.down_until = time.monotonic() + seconds
            self.cuts += 1
        self._drop_all()

    def restore(self) -> None:
        """Accept new connections again now (a cut ends early)."""
        with self.lock:
            self.down_until = 0.0

    @property
    def down(self) -> bool:
        return time.monotonic() < self.down_until

    def _drop_all(self) -> None:
        with self.lock:
            live, self.live = self.live, set()
        for sock in live:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.down:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.live.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            with self.lock:
                self.live.discard(source)
                self.live.discard(sink)
