"""Downloading a URL source: HTTPS only, to checked addresses only, within one deadline and one size cap.

Each hop (the URL, then every redirect) is checked before anything is sent: https:// only, every address the
host resolves to allowed by the `AddressPolicy`, and the connection made to that checked address (the
certificate is still verified against the host name). Basic-auth credentials from the URL go only to the
URL's own host and port. The deadline covers the whole pull, name lookups, TLS and every redirect included:
each read waits at most for the time that is left, so a server dripping one byte at a time is cut off.
"""

from __future__ import annotations

import base64
import http.client
import io
import socket
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, unquote, urljoin, urlsplit, urlunsplit

from bot.digests.addresses import AddressPolicy
from bot.digests.source_errors import SourceError
from bot.errors import ConfigurationError
from bot.storage.source_secrets import masked_url

CHUNK = 1 << 16
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CA_SETTING = "SEGBOT_SOURCE_CA_FILE"


@dataclass(frozen=True)
class FetchLimits:
    """The size cap and the total deadline of one pull."""

    max_bytes: int
    timeout: float


class Deadline:
    """Seconds left until a fixed moment; `left()` raises TimeoutError once it has passed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def left(self) -> float:
        remaining = self._end - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the deadline of this pull has passed")
        return remaining


def ssl_context(ca_file: str | None) -> ssl.SSLContext:
    """The system's trusted certificates, plus those in `ca_file` (an operator's internal CA)."""
    context = ssl.create_default_context()
    if ca_file:
        try:
            context.load_verify_locations(cafile=ca_file)
        except (OSError, ssl.SSLError) as error:
            raise ConfigurationError(
                f"{CA_SETTING}={ca_file!r} is not a readable PEM file of CA certificates ({error}); fix the setting."
            ) from error
    return context


def check_https(url: str) -> SplitResult:
    """The parts of `url` when it is an https:// URL with a host, else a `SourceError`."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a port out of range)
    except ValueError as error:
        raise SourceError(f"{masked_url(url)} is not a valid URL; give an https:// address of a CSV file.") from error
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise SourceError(f"{masked_url(url)} is not an HTTPS URL; give an https:// address of a CSV file.")
    return parts


def fetch(url: str, *, policy: AddressPolicy, limits: FetchLimits, context: ssl.SSLContext) -> bytes:
    """The body of `url` (following up to 5 redirects), or a `SourceError` saying in one sentence why not."""
    return _Pull(url, policy=policy, limits=limits, context=context).run()


def file_name(url: str) -> str:
    parts = urlsplit(url)
    return Path(parts.path).name or parts.hostname or "download"


class _Pull:
    """One download: its deadline, the credentials and the origin they belong to, hop after hop."""

    def __init__(self, url: str, *, policy: AddressPolicy, limits: FetchLimits, context: ssl.SSLContext) -> None:
        self.shown = masked_url(url)
        self.deadline = Deadline(limits.timeout)
        self.policy, self.limits, self.context = policy, limits, context
        parts = check_https(url)
        self.authorization = _basic_authorization(parts)
        self.origin = _origin(parts)
        self.first = _without_credentials(parts)

    def run(self) -> bytes:
        current = self.first
        try:
            for _hop in range(MAX_REDIRECTS + 1):
                answer = self._get(check_https(current))
                if isinstance(answer, bytes):
                    return answer
                current = self._redirect_target(current, answer)
        except TimeoutError as error:
            raise SourceError(
                f"{self.shown} did not send the whole file within {self.deadline.seconds:g} s "
                "(SEGBOT_SOURCE_TIMEOUT); the server is too slow, try again later or raise the setting."
            ) from error
        raise SourceError(f"{self.shown} redirected more than {MAX_REDIRECTS} times; give the address of the file.")

    def _redirect_target(self, current: str, location: str) -> str:
        target = urlsplit(urljoin(current, location.strip()))
        if target.scheme.lower() != "https":
            raise SourceError(
                f"{self.shown} redirected to a {target.scheme or 'schemeless'}:// address; Segbot only follows "
                "redirects to https:// addresses."
            )
        return _without_credentials(target)

    def _get(self, parts: SplitResult) -> bytes | str:
        """The body when the answer is 200, the Location when it is a redirect; a `SourceError` otherwise."""
        host, port = parts.hostname or "", parts.port or 443
        addresses = self.policy.checked_addresses(host, port, shown=self.shown, timeout=self.deadline.left())
        headers = {"User-Agent": "Segbot digest", "Accept-Encoding": "identity", "Connection": "close"}
        if self.authorization and _origin(parts) == self.origin:
            headers["Authorization"] = self.authorization
        connection = _PinnedHTTPSConnection(host, port, addresses, self.deadline, self.context)
        try:
            connection.request("GET", urlunsplit(("", "", parts.path or "/", parts.query, "")), headers=headers)
            response = connection.getresponse()
            if response.status in REDIRECT_STATUSES:
                location = response.getheader("Location")
                if not location:
                    raise SourceError(f"{self.shown} answered a redirect without a Location; check the address.")
                return location
            self._check_answer(response)
            return self._read_body(response)
        except ssl.SSLCertVerificationError as error:
            raise SourceError(
                f"The HTTPS certificate of {host} could not be verified ({error.verify_message}); for an internal "
                f"certificate authority, an operator can set {CA_SETTING}."
            ) from error
        except (http.client.HTTPException, ssl.SSLError) as error:
            raise SourceError(f"{self.shown} did not answer like an HTTPS server ({_describe(error)}).") from error
        except TimeoutError:
            raise
        except OSError as error:
            raise SourceError(
                f"Could not download {self.shown} ({_describe(error)}); check the address and try again."
            ) from error
        finally:
            connection.close()

    def _check_answer(self, response: http.client.HTTPResponse) -> None:
        if response.status != 200:
            raise SourceError(f"{self.shown} answered HTTP {response.status}; check the address and its access rights.")
        if "text/html" in (response.getheader("Content-Type") or ""):
            raise SourceError(f"{self.shown} returned a web page, not a data file; check the address.")
        declared = (response.getheader("Content-Length") or "").strip()
        if declared.isdigit() and int(declared) > self.limits.max_bytes:
            raise SourceError(self._too_large())

    def _read_body(self, response: http.client.HTTPResponse) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while chunk := response.read(CHUNK):
            total += len(chunk)
            if total > self.limits.max_bytes:
                raise SourceError(self._too_large())
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self) -> str:
        return f"{self.shown} is larger than the {megabytes(self.limits.max_bytes)} limit (SEGBOT_SOURCE_MAX_MB)."


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to `host`, connected to one of the already checked `addresses` and never to a fresh lookup."""

    def __init__(self, host: str, port: int, addresses: list[str], deadline: Deadline, context: ssl.SSLContext) -> None:
        super().__init__(host, port, context=context)
        self._addresses, self._deadline, self._tls = addresses, deadline, context

    def connect(self) -> None:
        raw = self._connect_first()
        try:
            raw.settimeout(self._deadline.left())
            tls = self._tls.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise
        self.sock = _DeadlineSocket(tls, self._deadline)

    def _connect_first(self) -> socket.socket:
        failure: OSError | None = None
        for address in self._addresses:
            try:
                return socket.create_connection((address, self.port), timeout=self._deadline.left())
            except TimeoutError:
                raise
            except OSError as error:
                failure = error
        raise failure or OSError("no address to connect to")


class _DeadlineSocket:
    """The parts of a socket http.client uses, each send and receive bounded by the time left."""

    def __init__(self, sock: ssl.SSLSocket, deadline: Deadline) -> None:
        self._sock, self._deadline = sock, deadline

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(self._deadline.left())
        self._sock.sendall(data)

    def makefile(self, mode: str, *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))

    def close(self) -> None:
        self._sock.close()


class _DeadlineReader(io.RawIOBase):
    def __init__(self, sock: ssl.SSLSocket, deadline: Deadline) -> None:
        self._sock, self._deadline = sock, deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        self._sock.settimeout(self._deadline.left())
        return self._sock.recv_into(buffer)


def _basic_authorization(parts: SplitResult) -> str | None:
    if parts.username is None:
        return None
    pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


def _origin(parts: SplitResult) -> tuple[str, str, int]:
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port or 443


def _without_credentials(parts: SplitResult) -> str:
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, ""))


def _describe(error: BaseException) -> str:
    if isinstance(error, http.client.IncompleteRead):
        return "the answer was cut short"
    reason = getattr(error, "strerror", None) or getattr(error, "reason", None) or str(error) or type(error).__name__
    return str(reason)


def megabytes(limit: int) -> str:
    return f"{round(limit / (1024 * 1024), 3):g} MB"
