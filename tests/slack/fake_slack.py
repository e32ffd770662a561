"""A local fake of Slack's Web API and file hosting, for tests and benchmarks (no network, no Slack account).

Start it with `FakeSlack.start()` (a threading HTTP server on a free localhost port) and point the app at
`fake.api_url` (`http://127.0.0.1:PORT/api/`, trailing slash included). Every request is recorded as a
`Call` (method, HTTP verb, path, headers, parsed JSON / form / query params, raw body), so tests assert what
the app sent. Web API methods answer with sensible defaults; override any of them:

- `fake.fail(method, "not_in_channel")` makes the next call(s) answer `{"ok": false, "error": ...}`;
- `fake.rate_limit(method, retry_after=1)` answers the next call with HTTP 429 and `Retry-After`;
- `fake.respond(method, handler)` installs a function `Call -> dict` for full control.

Tokens: API calls need a token in `fake.tokens` (the bot token; `oauth.v2.access` adds `INSTALLED_TOKEN`
for team `INSTALLED_TEAM`); anything else answers `invalid_auth` / `not_authed`, like Slack.

Files: `fake.add_file(...)` hosts bytes at `url_private_download` (served only with the right bot token;
without it, an HTML sign-in page like Slack's) and makes `files.info` describe them. Uploads through
`files_upload_v2` (files.getUploadURLExternal, the POST of the bytes, files.completeUploadExternal) are kept in
`fake.uploads`. Slash-command `response_url`s point at `fake.response_url(...)`, recorded as method "response_url".
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

FAKE_TEAM = "T0FAKE"
FAKE_BOT_USER = "U0BOT"
FAKE_BOT_ID = "B0BOT"
FAKE_TOKEN = "xoxb-fake-token"
INSTALLED_TEAM = "T0NEW"
INSTALLED_TOKEN = "xoxb-installed"

SIGN_IN_PAGE = b"<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Slack</body></html>"


@dataclass(frozen=True)
class Call:
    """One request the fake received."""

    method: str
    http_method: str
    path: str
    headers: dict[str, str]
    params: dict[str, Any]
    body: bytes

    @property
    def token(self) -> str | None:
        auth = self.headers.get("authorization", "")
        return auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None


@dataclass
class HostedFile:
    id: str
    name: str
    content: bytes
    info: dict[str, Any]


@dataclass
class Upload:
    file_id: str
    filename: str
    content: bytes = b""
    channel_id: str | None = None
    thread_ts: str | None = None
    title: str | None = None


Handler = Callable[[Call], dict[str, Any]]


@dataclass
class _Override:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class FakeSlack:
    """Slack's Web API and file hosting on 127.0.0.1; see the module docstring."""

    def __init__(self, token: str = FAKE_TOKEN, host: str = "127.0.0.1") -> None:
        self.token = token
        # Every token the fake accepts: the bot token, plus those handed out by oauth.v2.access.
        self.tokens = {token}
        self.host = host
        self.calls: list[Call] = []
        self.uploads: dict[str, Upload] = {}
        self.files: dict[str, HostedFile] = {}
        self.websocket_url = "ws://127.0.0.1:1/link"
        self.latency = 0.0
        self._overrides: dict[str, list[_Override]] = {}
        self._handlers: dict[str, Handler] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------------------
    def start(self) -> FakeSlack:
        fake = self

        class RequestHandler(_FakeRequestHandler):
            owner = fake

        self._server = ThreadingHTTPServer((self.host, 0), RequestHandler)
        self._server.daemon_threads = True
        self._server.request_queue_size = 128
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-slack", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the fake first"
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, name: str = "cmd") -> str:
        return f"{self.base_url}/response/{name}"

    # --- configuration ---------------------------------------------------------------------------------
    def fail(self, method: str, error: str, *, times: int = 1) -> None:
        """The next `times` calls of `method` answer `{"ok": false, "error": error}`."""
        self._push(method, [_Override(200, {"ok": False, "error": error})] * times)

    def rate_limit(self, method: str, *, retry_after: int = 1, times: int = 1) -> None:
        """The next `times` calls of `method` answer HTTP 429 with `Retry-After`."""
        override = _Override(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})
        self._push(method, [override] * times)

    def server_error(self, method: str, *, status: int = 503, times: int = 1) -> None:
        self._push(method, [_Override(status, {"ok": False, "error": "fatal_error"})] * times)

    def respond(self, method: str, handler: Handler) -> None:
        """Answer every call of `method` with `handler(call)`."""
        self._handlers[method] = handler

    def _push(self, method: str, overrides: list[_Override]) -> None:
        with self._lock:
            self._overrides.setdefault(method, []).extend(overrides)

    def add_file(
        self,
        name: str,
        content: bytes,
        *,
        channel: str = "C0CHAN",
        ts: str = "1700000000.000100",
        user: str = "U0USER",
        filetype: str | None = None,
        size: int | None = None,
        download_url: str | None = None,
        file_id: str | None = None,
    ) -> dict[str, Any]:
        """Host `content` and return its file object (as `files.info` and `file_share` events carry it)."""
        file_id = file_id or f"F{next(self._ids):08d}"
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else "text"
        info = {
            "id": file_id,
            "name": name,
            "title": name,
            "user": user,
            "filetype": filetype or {"gz": "gzip"}.get(extension, extension),
            "mimetype": "text/csv" if extension == "csv" else "application/octet-stream",
            "size": len(content) if size is None else size,
            "url_private": f"{self.base_url}/files-pri/{FAKE_TEAM}-{file_id}/{name}",
            "url_private_download": download_url or f"{self.base_url}/files-pri/{FAKE_TEAM}-{file_id}/download/{name}",
            "channels": [channel],
            "shares": {"public": {channel: [{"ts": ts, "channel_name": "audience", "reply_count": 0}]}},
        }
        with self._lock:
            self.files[file_id] = HostedFile(file_id, name, content, info)
        return dict(info)

    # --- inspection ------------------------------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 20.0) -> list[Call]:
        """Wait until `method` was called `count` times; the calls, or AssertionError after `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.calls_to(method)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        seen = sorted({call.method for call in self.calls})
        raise AssertionError(f"expected {count} call(s) of {method} within {timeout}s; calls seen: {seen}")

    def messages(self) -> list[dict[str, Any]]:
        """The params of every chat.postMessage, in order."""
        return [call.params for call in self.calls_to("chat.postMessage")]

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.uploads.clear()
            self._overrides.clear()
            self._handlers.clear()

    # --- request handling ------------------------------------------------------------------------------
    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def _override_for(self, method: str) -> _Override | None:
        with self._lock:
            queue = self._overrides.get(method)
            return queue.pop(0) if queue else None

    def _answer(self, call: Call) -> tuple[int, dict[str, str], bytes]:
        if self.latency:
            time.sleep(self.latency)
        override = self._override_for(call.method)
        if override is not None:
            return override.status, override.headers, json.dumps(override.body).encode()
        if call.method in self._handlers:
            return 200, {}, json.dumps(self._handlers[call.method](call)).encode()
        if call.path.startswith("/api/"):
            return 200, {}, json.dumps(self._api(call)).encode()
        if call.path.startswith("/files-pri/"):
            return self._download(call)
        if call.path.startswith("/upload/"):
            return self._receive_upload(call)
        if call.path.startswith("/response/"):
            return 200, {"Content-Type": "text/plain"}, b"ok"
        return 404, {"Content-Type": "text/plain"}, b"not found"

    def _api(self, call: Call) -> dict[str, Any]:
        method = call.method
        if method not in ("apps.connections.open", "oauth.v2.access") and call.token not in self.tokens:
            return {"ok": False, "error": "not_authed" if call.token is None else "invalid_auth"}
        answer = getattr(self, "_api_" + method.replace(".", "_"), None)
        if answer is None:
            return {"ok": True}
        return answer(call)

    def _next_ts(self) -> str:
        return f"{1700000000 + next(self._ids)}.{next(self._ids):06d}"

    def _api_auth_test(self, _call: Call) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://fake.slack.com/",
            "team": "Fake team",
            "user": "segbot",
            "team_id": FAKE_TEAM,
            "user_id": FAKE_BOT_USER,
            "bot_id": FAKE_BOT_ID,
        }

    def _api_oauth_v2_access(self, call: Call) -> dict[str, Any]:
        """Exchanging an OAuth code installs the app in team T0NEW with the bot token `xoxb-installed`."""
        if not call.params.get("code"):
            return {"ok": False, "error": "invalid_code"}
        with self._lock:
            self.tokens.add(INSTALLED_TOKEN)
        return {
            "ok": True,
            "app_id": "A0APP",
            "authed_user": {"id": "U0USER"},
            "scope": "commands,chat:write,files:read,files:write",
            "token_type": "bot",
            "access_token": INSTALLED_TOKEN,
            "bot_user_id": FAKE_BOT_USER,
            "team": {"id": INSTALLED_TEAM, "name": "New team"},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _api_apps_connections_open(self, _call: Call) -> dict[str, Any]:
        return {"ok": True, "url": self.websocket_url}

    def _api_chat_postMessage(self, call: Call) -> dict[str, Any]:
        return {"ok": True, "channel": call.params.get("channel"), "ts": self._next_ts(), "message": call.params}

    def _api_chat_update(self, call: Call) -> dict[str, Any]:
        return {"ok": True, "channel": call.params.get("channel"), "ts": call.params.get("ts")}

    def _api_chat_postEphemeral(self, _call: Call) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._next_ts()}

    def _api_views_open(self, call: Call) -> dict[str, Any]:
        return {"ok": True, "view": {"id": f"V{next(self._ids):08d}", **_as_dict(call.params.get("view"))}}

    def _api_views_publish(self, call: Call) -> dict[str, Any]:
        return {"ok": True, "view": {"id": f"V{next(self._ids):08d}", **_as_dict(call.params.get("view"))}}

    def _api_conversations_info(self, call: Call) -> dict[str, Any]:
        channel = call.params.get("channel")
        return {"ok": True, "channel": {"id": channel, "name": "audience", "is_member": True}}

    def _api_files_info(self, call: Call) -> dict[str, Any]:
        file_id = call.params.get("file")
        with self._lock:
            hosted = self.files.get(str(file_id))
            upload = self.uploads.get(str(file_id))
        if hosted is not None:
            return {"ok": True, "file": dict(hosted.info)}
        if upload is not None:
            return {"ok": True, "file": {"id": upload.file_id, "name": upload.filename, "title": upload.title}}
        return {"ok": False, "error": "file_not_found"}

    def _api_files_getUploadURLExternal(self, call: Call) -> dict[str, Any]:
        file_id = f"FUP{next(self._ids):06d}"
        with self._lock:
            self.uploads[file_id] = Upload(file_id=file_id, filename=str(call.params.get("filename")))
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _api_files_completeUploadExternal(self, call: Call) -> dict[str, Any]:
        entries = call.params.get("files")
        entries = json.loads(entries) if isinstance(entries, str) else entries or []
        completed = []
        with self._lock:
            for entry in entries:
                upload = self.uploads.get(entry["id"])
                if upload is None:
                    return {"ok": False, "error": "file_not_found"}
                upload.channel_id = call.params.get("channel_id")
                upload.thread_ts = call.params.get("thread_ts")
                upload.title = entry.get("title")
                completed.append({"id": upload.file_id, "name": upload.filename, "title": upload.title})
        return {"ok": True, "files": completed}

    def _download(self, call: Call) -> tuple[int, dict[str, str], bytes]:
        file_id = call.path.split("/")[2].split("-", 1)[-1]
        with self._lock:
            hosted = self.files.get(file_id)
        if hosted is None:
            return 404, {"Content-Type": "text/plain"}, b"not found"
        if call.token not in self.tokens:
            return 200, {"Content-Type": "text/html; charset=utf-8"}, SIGN_IN_PAGE
        return 200, {"Content-Type": "application/octet-stream"}, hosted.content

    def _receive_upload(self, call: Call) -> tuple[int, dict[str, str], bytes]:
        file_id = call.path.split("/")[2]
        with self._lock:
            upload = self.uploads.get(file_id)
            if upload is None:
                return 404, {"Content-Type": "text/plain"}, b"unknown upload"
            upload.content = _multipart_file(call) or call.body
        return 200, {"Content-Type": "text/plain"}, b"OK - " + str(len(upload.content)).encode()


class _FakeRequestHandler(BaseHTTPRequestHandler):
    owner: FakeSlack
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read `fake.calls` instead."""

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, http_method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        headers = {name.lower(): value for name, value in self.headers.items()}
        params: dict[str, Any] = {key: values[-1] for key, values in parse_qs(split.query).items()}
        method = _method_name(split.path)
        if method != "file_upload":
            params.update(_parse_body(headers.get("content-type", ""), body))
        call = Call(method, http_method, split.path, headers, params, body)
        self.owner._record(call)
        status, extra_headers, payload = self.owner._answer(call)
        self.send_response(status)
        content_type = extra_headers.pop("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Type", content_type)
        for name, value in extra_headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def _method_name(path: str) -> str:
    if path.startswith("/api/"):
        return path.removeprefix("/api/").strip("/")
    if path.startswith("/files-pri/"):
        return "file_download"
    if path.startswith("/upload/"):
        return "file_upload"
    if path.startswith("/response/"):
        return "response_url"
    return path


def _parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        parsed = json.loads(body)
        return parsed if isinstance(parsed, dict) else {"_json": parsed}
    if content_type.startswith("application/x-www-form-urlencoded"):
        return {key: values[-1] for key, values in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
    return {}


def _multipart_file(call: Call) -> bytes | None:
    """The file part of a multipart/form-data body (slack_sdk posts upload bytes that way), if any."""
    content_type = call.headers.get("content-type", "")
    if "multipart/form-data" not in content_type or "boundary=" not in content_type:
        return None
    boundary = content_type.split("boundary=", 1)[1].strip('"').encode()
    for part in call.body.split(b"--" + boundary):
        head, _, data = part.partition(b"\r\n\r\n")
        if b"filename=" in head:
            return data.removesuffix(b"\r\n")
    return None


def _as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        parsed = json.loads(value)
        return parsed if isinstance(parsed, dict) else {}
    return dict(value) if isinstance(value, dict) else {}
