"""`segbot` for the docs' console blocks without paying Segbot's imports in every command (tests/doc_outputs.py).

A guide runs twenty-odd `segbot` commands, and each fresh process spends a CPU second or two importing pandas,
scikit-learn and SQLAlchemy before it does anything. Here one server process imports them once; for each command,
a `segbot` on PATH hands the server its arguments, folder, environment and its standard input, output and error
(the file descriptors themselves), and the server forks a child that becomes that command: it takes those file
descriptors as 0, 1 and 2, moves to the folder, takes the environment and runs the console script's
`sys.exit(main())`, ending like any Python process (exit code, flushing, a reader gone away). The server reports
the child's exit status and the `segbot` on PATH exits with it. What the doc is compared with is still what
Segbot's real CLI printed, byte for byte; only the imports were paid once.

    server = WarmSegbot.start(folder, env)   # the folder the commands run in, and their environment
    env["PATH"] = f"{server.bin}:{env['PATH']}"
    ...
    server.stop()
"""

from __future__ import annotations

import array
import json
import os
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Imported once by the server: what every `segbot` command would otherwise import again.
PRELOAD = (
    "numpy",
    "pandas",
    "scipy.linalg",
    "scipy.sparse",
    "pyarrow.compute",
    "sqlalchemy",
    "alembic",
    "pydantic_settings",
    "rich.console",
    "jinja2",
    "segmentation",
    "bot.cli",
    "bot.settings",
    "bot.report",
    "bot.storage.database",
)
SEGBOT = Path(sys.executable).with_name("segbot")
# The `segbot` on PATH: plain Python without site-packages, so it starts in a few milliseconds.
CLIENT = """#!{python} -S
import array, json, os, socket, sys
request = json.dumps({{"argv": sys.argv[1:], "cwd": os.getcwd(), "env": dict(os.environ)}}).encode()
with socket.socket(socket.AF_UNIX) as server:
    server.connect({socket!r})
    fds = array.array("i", [0, 1, 2])
    server.sendmsg([len(request).to_bytes(4, "big") + request], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds)])
    status = server.recv(4)
sys.exit(int.from_bytes(status, "big", signed=True) if len(status) == 4 else 70)
"""
START_SECONDS = 120


@dataclass
class WarmSegbot:
    process: subprocess.Popen[bytes]
    folder: tempfile.TemporaryDirectory[str]

    @property
    def bin(self) -> Path:
        """The folder holding the `segbot` to put first on PATH."""
        return Path(self.folder.name) / "bin"

    @classmethod
    def start(cls, cwd: Path, env: dict[str, str]) -> WarmSegbot:
        folder = tempfile.TemporaryDirectory(prefix="segbot-warm-")
        address = str(Path(folder.name) / "socket")
        (Path(folder.name) / "bin").mkdir()
        client = Path(folder.name) / "bin" / "segbot"
        client.write_text(CLIENT.format(python=sys.executable, socket=address), encoding="utf-8")
        client.chmod(0o755)
        process = subprocess.Popen(
            [sys.executable, __file__, address], cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE
        )
        assert process.stdout is not None
        if process.stdout.readline() != b"ready\n":  # the imports done and the socket listening
            process.kill()
            folder.cleanup()
            raise RuntimeError(f"the warm segbot server did not start (exit {process.wait(START_SECONDS)})")
        return cls(process, folder)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.folder.cleanup()


def serve(address: str) -> None:
    """Import once, then fork a child per connection that runs it as `segbot`; never returns in the server."""
    sys.path[0] = str(SEGBOT.parent)  # where the console script's own sys.path starts
    for module in PRELOAD:
        __import__(module)
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(address)
    listener.listen()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        connection, _ = listener.accept()
        child = os.fork()
        if child == 0:
            listener.close()
            become_the_command(connection)  # exits
        status = os.waitpid(child, 0)[1]
        code = os.waitstatus_to_exitcode(status)
        connection.sendall((code if code >= 0 else 128 - code).to_bytes(4, "big", signed=True))
        connection.close()


def become_the_command(connection: socket.socket) -> None:
    message, ancillary, _, _ = connection.recvmsg(1 << 22, socket.CMSG_SPACE(3 * array.array("i").itemsize))
    fds = array.array("i")
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
    size = int.from_bytes(message[:4], "big")
    while len(message) < 4 + size:  # a long environment may come in more than one piece
        message += connection.recv(4 + size - len(message))
    request = json.loads(message[4:])
    connection.close()
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = [str(SEGBOT), *request["argv"]]
    from bot.cli import main

    sys.exit(main())


if __name__ == "__main__":
    serve(sys.argv[1])
