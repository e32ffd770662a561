"""Local HTTPS servers for source tests: a throwaway CA, and servers on 127.0.0.0/8 with scripted answers.

The CA and the server certificate are generated per test session with `cryptography`; Segbot trusts them
through SEGBOT_SOURCE_CA_FILE, the setting an operator uses for an internal certificate authority.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SERVER_NAMES = ("localhost", "files.test", "mirror.test")
SERVER_IPS = ("127.0.0.1", "127.0.0.2")


@dataclass(frozen=True)
class LocalCA:
    ca_file: Path
    cert_file: Path
    key_file: Path


def make_ca(folder: Path) -> LocalCA:
    """A CA certificate and a server certificate it signed, for SERVER_NAMES and SERVER_IPS."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Segbot test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName(name) for name in SERVER_NAMES]
    names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in SERVER_IPS]
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca = LocalCA(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    ca.ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    ca.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    ca.key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return ca


@dataclass
class Answer:
    """What a path answers: status, headers and body, or `drip` seconds between single bytes."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/csv"})
    drip: float | None = None
    drip_headers: bool = False
    chunked: bool = False


@dataclass
class Seen:
    path: str
    authorization: str | None
    host: str | None


class HTTPSServer:
    """A TLS server on `host` (127.0.0.0/8) answering each path from `answers`; it records every request."""

    def __init__(self, ca: LocalCA, host: str = "127.0.0.1") -> None:
        self.answers: dict[str, Answer] = {}
        self.seen: list[Seen] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                owner.seen.append(Seen(self.path, self.headers.get("Authorization"), self.headers.get("Host")))
                owner.answer(self, owner.answers.get(self.path.split("?")[0], Answer(404, b"not here")))

            def log_message(self, *_args: object) -> None:
                return

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(ca.cert_file, ca.key_file)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.host = host
        self.port = self.server.server_address[1]
        Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str, *, credentials: str = "", host: str | None = None) -> str:
        return f"https://{credentials}{host or self.host}:{self.port}{path}"

    @staticmethod
    def answer(handler: BaseHTTPRequestHandler, answer: Answer) -> None:
        try:
            if answer.drip is not None and answer.drip_headers:
                _drip(handler, b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\n", answer.drip)
                return
            handler.send_response(answer.status)
            for name, value in answer.headers.items():
                handler.send_header(name, value)
            if answer.chunked:
                handler.send_header("Transfer-Encoding", "chunked")
            else:
                handler.send_header("Content-Length", str(len(answer.body)))
            handler.end_headers()
            if answer.drip is not None:
                _drip(handler, answer.body, answer.drip)
            elif answer.chunked:
                for start in range(0, len(answer.body), 4096):
                    piece = answer.body[start : start + 4096]
                    handler.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                handler.wfile.write(b"0\r\n\r\n")
            else:
                handler.wfile.write(answer.body)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            return

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _drip(handler: BaseHTTPRequestHandler, data: bytes, every: float) -> None:
    for byte in data:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(every)


def stub_resolver(table: dict[str, list[str]]) -> Callable[[str, int], list[str]]:
    """A resolver answering from `table` (names missing from it do not resolve), recording each lookup."""
    calls: list[str] = []

    def resolve(host: str, _port: int) -> list[str]:
        calls.append(host)
        if host not in table:
            raise OSError(f"{host} is not in the stub resolver")
        return table[host]

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve
