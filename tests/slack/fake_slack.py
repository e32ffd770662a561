"""A local fake of Slack's Web API and file hosting, for tests and benchmarks (no network, no Slack account).

Start it with `FakeSlack.start()` (a threading HTTP server on a free localhost port) and point the app at
`fake.api_url` (`http://127.0.0.1:PORT/api/`, trailing slash included). Every request is recorded as a
`Call` (method, HTTP verb, path, headers, parsed JSON / form / query params, raw body), so tests assert what
the app sent. Web API methods answer with sensible defaults; override any of them:

- `fake.fail(method, "not_in_channel")` makes the next call(s) answer `{"ok": false, "error": ...}`;
- `fake.rate_limit(method, retry_after=1)` answers the next call with HTTP 429 and `Retry-After`;
- `fake.respond(method, handler)` installs a function `Call -> dict` for full control;
- `fake.hold(method, when=...)` answers the next matching call only once the test releases it (the call is
  carried out first: a held chat.postMessage is already in the conversation), to stop a worker mid-job.

Tokens: `fake.tokens` (a `TokenRegistry`, tests/slack/fake_tokens.py, the one place token checks live) holds the
bot token, the app-level token `FAKE_APP_TOKEN` and those `oauth.v2.access` hands out (`INSTALLED_TOKEN` for
team `INSTALLED_TEAM`); unknown, revoked, expired and wrong-type tokens are refused as Slack refuses them.

Workspaces: every token belongs to a team, and so does every conversation and hosted file. `fake.add_workspace(
team, token)` installs the app in another team; `fake.world.add_channel(..., team_id=team)` gives it channels.
A token used on another team's conversation gets `channel_not_found` (files: `file_not_found`, downloads:
the sign-in page), as Slack answers a workspace's token for an id it does not know; auth.test names the token's team.

Conversations: `fake.world` (tests/slack/fake_world.py) knows users, public and private channels, DMs and Slack
Connect channels and who is in each; conversations.members, users.conversations and conversations.info answer
from it (cursor-paginated), posts into a conversation the bot is not in are refused, and `files.info` only
describes files shared where the bot can see them. `fake.share_file(...)` hosts a file and returns the events
Slack would deliver for it (none when the bot is not in the conversation; stubs in Slack Connect channels).

Checks (tests/slack/fake_checks.py): every message, response_url payload and view is validated with slack_sdk's
models and Slack's size limits (refused with `invalid_blocks` / `invalid_arguments` and kept in
`fake.problems`), and every mrkdwn text is scanned for unescaped mentions, links and angle brackets (kept in
`fake.leaks`). The fixtures fail a test that leaves either list non-empty; `take_problems()` / `take_leaks()`
hand them to a test that expects them.

Rate limits: `fake.rate_limit(method, retry_after=..., times=...)` works for every Web API method, for
`file_download`, `file_upload` and `response_url`, and for `"*"` (the next calls of anything).

History: every message posted (chat.postMessage, a file shared by files.completeUploadExternal or by
`add_file`) is kept per conversation, changed by chat.update and removed by chat.delete;
conversations.replies and conversations.history read it back like Slack (cursor-paginated, `thread_not_found`
for an unknown thread, `not_in_channel` where the bot is not a member), with each message's `metadata` only
when `include_all_metadata` is set. chat.postMessage refuses malformed `metadata` (`invalid_metadata_format`).

Files: `fake.add_file(...)` hosts bytes at `url_private_download` (served only with the right bot token;
without it, an HTML sign-in page like Slack's) and makes `files.info` describe them. Uploads through
`files_upload_v2` (files.getUploadURLExternal, the POST of the bytes, files.completeUploadExternal) are kept in
`fake.uploads`. Slash-command `response_url`s point at `fake.response_url(...)`, recorded as method "response_url".
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.slack import fake_checks
from tests.slack.fake_tokens import TokenRegistry
from tests.slack.fake_world import CHANNEL_TYPES, FakeWorld

# Waits are upper bounds, left as soon as what they wait for happens. Beside another test process (pytest-xdist)
# on a busy 2-core machine a job takes several times as long, so the bounds stretch with it.
PATIENCE = 3.0 if os.environ.get("PYTEST_XDIST_WORKER") else 1.0

FAKE_TEAM = "T0FAKE"
FAKE_BOT_USER = "U0BOT"
FAKE_BOT_ID = "B0BOT"
FAKE_TOKEN = "xoxb-fake-token"
FAKE_APP_TOKEN = "xapp-fake"
FAKE_USER = "U0USER"
FAKE_CHANNEL = "C0CHAN"
FAKE_DM = "D0DM"
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
    received_at: float = field(default_factory=time.monotonic)

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
    team_id: str = FAKE_TEAM


@dataclass
class Upload:
    file_id: str
    filename: str
    content: bytes = b""
    channel_id: str | None = None
    thread_ts: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class SharedUpload:
    """A file shared in a conversation: its file object and the events Slack delivers (maybe none)."""

    file: dict[str, Any]
    events: list[dict[str, Any]]


@dataclass(frozen=True)
class Leak:
    """A text Slack would render with a live mention or link that no template wrote."""

    method: str
    text: str
    problem: str


Handler = Callable[[Call], dict[str, Any]]


@dataclass
class Hold:
    """A call whose answer waits (see `FakeSlack.hold`): `reached` is set when it arrives."""

    method: str
    when: Callable[[Call], bool]
    timeout: float = 120.0
    reached: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def wait(self, timeout: float = 60.0) -> None:
        if not self.reached.wait(timeout):
            raise AssertionError(f"no {self.method} call to hold within {timeout}s")

    def release(self) -> None:
        self.released.set()


@dataclass
class _Override:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    when: Callable[[Call], bool] | None = None


class FakeSlack:
    """Slack's Web API and file hosting on 127.0.0.1; see the module docstring."""

    def __init__(self, token: str = FAKE_TOKEN, host: str = "127.0.0.1") -> None:
        self.token = token
        # Every token the fake accepts (see fake_tokens.py): the bot token, the app-level token, and those
        # handed out by oauth.v2.access.
        self.tokens = TokenRegistry(token, FAKE_APP_TOKEN)
        self.world = default_world()
        self.host = host
        self.calls: list[Call] = []
        self.uploads: dict[str, Upload] = {}
        self.files: dict[str, HostedFile] = {}
        # channel id -> messages in it (thread replies included), as conversations.replies returns them.
        self.history: dict[str, list[dict[str, Any]]] = {}
        self.problems: list[str] = []
        self.leaks: list[Leak] = []
        self.websocket_url = "ws://127.0.0.1:1/link"
        self.latency = 0.0
        self._overrides: dict[str, list[_Override]] = {}
        self._handlers: dict[str, Handler] = {}
        self._holds: list[Hold] = []
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
    def fail(self, method: str, error: str, *, times: int = 1, when: Callable[[Call], bool] | None = None) -> None:
        """The next `times` calls of `method` (for which `when` is true) answer `{"ok": false, "error": error}`."""
        self._push(method, [_Override(200, {"ok": False, "error": error}, when=when)] * times)

    def rate_limit(self, method: str, *, retry_after: int = 1, times: int = 1) -> None:
        """The next `times` calls of `method` answer HTTP 429 with `Retry-After` (seconds), as Slack does.

        `method` is a Web API method, `file_download`, `file_upload`, `response_url`, or `"*"` for any call."""
        override = _Override(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})
        self._push(method, [override] * times)

    def server_error(self, method: str, *, status: int = 503, times: int = 1) -> None:
        self._push(method, [_Override(status, {"ok": False, "error": "fatal_error"})] * times)

    def respond(self, method: str, handler: Handler) -> None:
        """Answer every call of `method` with `handler(call)`."""
        self._handlers[method] = handler

    def hold(self, method: str, *, when: Callable[[Call], bool] = lambda call: True) -> Hold:
        """Hold the answer to the next call of `method` for which `when` is true, until `.release()`."""
        hold = Hold(method, when)
        with self._lock:
            self._holds.append(hold)
        return hold

    def _held(self, call: Call) -> Hold | None:
        with self._lock:
            for hold in self._holds:
                if hold.method == call.method and hold.when(call):
                    self._holds.remove(hold)
                    return hold
        return None

    def add_workspace(self, team_id: str, token: str) -> str:
        """Install the app in another team: `token` is its bot token, good only for that team's conversations."""
        self.tokens.add(token, team_id=team_id)
        return token

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
        conversation = self.world.get(channel)
        visibility = "private" if conversation is not None and conversation.private else "public"
        team = conversation.team_id if conversation is not None and conversation.team_id else FAKE_TEAM
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else "text"
        info = {
            "id": file_id,
            "name": name,
            "title": name,
            "user": user,
            "filetype": filetype or {"gz": "gzip"}.get(extension, extension),
            "mimetype": "text/csv" if extension == "csv" else "application/octet-stream",
            "size": len(content) if size is None else size,
            "url_private": f"{self.base_url}/files-pri/{team}-{file_id}/{name}",
            "url_private_download": download_url or f"{self.base_url}/files-pri/{team}-{file_id}/download/{name}",
            "channels": [channel],
            "shares": {visibility: {channel: [{"ts": ts, "channel_name": "audience", "reply_count": 0}]}},
        }
        with self._lock:
            self.files[file_id] = HostedFile(file_id, name, content, info, team)
            self.history.setdefault(channel, []).append({"type": "message", "user": user, "ts": ts, "files": [info]})
        return dict(info)

    def share_file(
        self,
        name: str,
        content: bytes,
        *,
        channel: str = FAKE_CHANNEL,
        user: str = FAKE_USER,
        ts: str | None = None,
        text: str = "",
    ) -> SharedUpload:
        """`user` shares a file in `channel`: host it, and build the events Slack delivers to the bot.

        Slack sends a `message` (subtype `file_share`, `channel_type` of the conversation) and a `file_shared`
        event, both only when the bot is a member of the conversation. In a Slack Connect channel the
        message's `files` entries are stubs (`file_access: check_file_info`): the bot must call files.info.
        """
        ts = ts or self._next_ts()
        file = self.add_file(name, content, channel=channel, ts=ts, user=user)
        conversation = self.world.get(channel)
        if conversation is None or self.world.bot_user not in conversation.members:
            return SharedUpload(file, [])
        entry = (
            {"id": file["id"], "mode": "file_access", "file_access": "check_file_info", "user": user}
            if conversation.shared
            else file
        )
        message = {
            "type": "message",
            "subtype": "file_share",
            "channel": channel,
            "channel_type": CHANNEL_TYPES[conversation.kind],
            "user": user,
            "ts": ts,
            "text": text,
            "upload": False,
            "display_as_bot": False,
            "files": [entry],
        }
        shared = {
            "type": "file_shared",
            "file_id": file["id"],
            "user_id": user,
            "file": {"id": file["id"]},
            "channel_id": channel,
            "event_ts": ts,
        }
        return SharedUpload(file, [message, shared])

    # --- inspection ------------------------------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 20.0) -> list[Call]:
        """Wait until `method` was called `count` times; the calls, or AssertionError after `timeout` (x PATIENCE)."""
        timeout *= PATIENCE
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

    def take_problems(self) -> list[str]:
        """The invalid messages and views seen so far (and forget them, so the fixture does not fail)."""
        with self._lock:
            found, self.problems = self.problems, []
        return found

    def take_leaks(self) -> list[Leak]:
        """The unescaped mentions and links seen so far (and forget them)."""
        with self._lock:
            found, self.leaks = self.leaks, []
        return found

    def assert_clean(self) -> None:
        """AssertionError listing every invalid message, view or leaked mention the fake received."""
        lines = [f"invalid: {problem}" for problem in self.problems]
        lines += [f"leak in {leak.method}: {leak.problem} in {leak.text[:200]!r}" for leak in self.leaks]
        if lines:
            heading = "the fake Slack received what Slack would refuse or render wrongly:"
            raise AssertionError("\n".join([heading, *lines]))

    def kept_messages(self) -> list[dict[str, Any]]:
        """Every message Slack keeps (posted and not deleted), in every conversation (`channel`), metadata included."""
        with self._lock:
            return [{**message, "channel": channel} for channel, kept in self.history.items() for message in kept]

    def thread(self, channel: str, ts: str) -> list[dict[str, Any]]:
        """The messages of a thread as Slack keeps them (parent first), metadata included."""
        with self._lock:
            kept = self.history.get(channel, [])
            return [dict(message) for message in kept if ts in (message["ts"], message.get("thread_ts"))]

    def reset(self) -> None:
        with self._lock:
            self.history.clear()
            self.calls.clear()
            self.uploads.clear()
            self._overrides.clear()
            self._handlers.clear()

    # --- request handling ------------------------------------------------------------------------------
    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def _override_for(self, call: Call) -> _Override | None:
        with self._lock:
            for key in (call.method, "*"):
                for index, override in enumerate(self._overrides.get(key) or []):
                    if override.when is None or override.when(call):
                        return self._overrides[key].pop(index)
            return None

    def _answer(self, call: Call) -> tuple[int, dict[str, str], bytes]:
        if self.latency:
            time.sleep(self.latency)
        override = self._override_for(call)
        if override is not None:
            return override.status, dict(override.headers), json.dumps(override.body).encode()
        if call.method in self._handlers:
            return 200, {}, json.dumps(self._handlers[call.method](call)).encode()
        if call.path.startswith("/api/"):
            return 200, {}, json.dumps(self._api(call)).encode()
        if call.path.startswith("/files-pri/"):
            return self._download(call)
        if call.path.startswith("/upload/"):
            return self._receive_upload(call)
        if call.path.startswith("/response/"):
            self._check_message(call)
            return 200, {"Content-Type": "text/plain"}, b"ok"
        return 404, {"Content-Type": "text/plain"}, b"not found"

    def _api(self, call: Call) -> dict[str, Any]:
        method = call.method
        refusal = self.tokens.refusal(method, call.token)
        if refusal is not None:
            return {"ok": False, "error": refusal}
        refusal = self._team_refusal(call)
        if refusal is not None:
            return {"ok": False, "error": refusal}
        if method in fake_checks.MESSAGE_METHODS:
            if not self._check_message(call):
                return {"ok": False, "error": "invalid_blocks"}
            channel_refusal = self.world.post_refusal(str(call.params.get("channel") or ""))
            if channel_refusal is not None:
                return {"ok": False, "error": channel_refusal}
        if method in fake_checks.VIEW_METHODS and not self._check_view(call):
            return {"ok": False, "error": "invalid_arguments"}
        answer = getattr(self, "_api_" + method.replace(".", "_"), None)
        if answer is None:
            return {"ok": True}
        return answer(call)

    def _team_refusal(self, call: Call) -> str | None:
        """Slack's answer when the call names a conversation or file of a team other than the token's."""
        team = self.tokens.team_of(call.token)
        for key in ("channel", "channel_id"):
            refusal = self.world.team_refusal(str(call.params.get(key) or ""), team)
            if refusal is not None:
                return refusal
        file_id = call.params.get("file")
        with self._lock:
            hosted = self.files.get(str(file_id)) if file_id else None
        if hosted is not None and not self._team_may_see(hosted, team):
            return "file_not_found"
        return None

    def _check_message(self, call: Call) -> bool:
        """Record what Slack would refuse or render as a ping; False when Slack refuses the message."""
        problems = fake_checks.message_problems(call.params)
        self._record_leaks(call)
        if problems:
            with self._lock:
                self.problems.extend(f"{call.method}: {problem}" for problem in problems)
        return not problems

    def _check_view(self, call: Call) -> bool:
        problems = fake_checks.view_problems(call.params.get("view"))
        self._record_leaks(call)
        if problems:
            with self._lock:
                self.problems.extend(f"{call.method}: {problem}" for problem in problems)
        return not problems

    def _record_leaks(self, call: Call) -> None:
        for text in fake_checks.mrkdwn_texts(call.params):
            for problem in fake_checks.leaks_in(text, self.world.is_known_mention):
                with self._lock:
                    self.leaks.append(Leak(call.method, text, problem))

    def _next_ts(self) -> str:
        return f"{1700000000 + next(self._ids)}.{next(self._ids):06d}"

    def _api_auth_test(self, call: Call) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://fake.slack.com/",
            "team": "Fake team",
            "user": "segbot",
            "team_id": self.tokens.team_of(call.token) or FAKE_TEAM,
            "user_id": FAKE_BOT_USER,
            "bot_id": FAKE_BOT_ID,
        }

    def _api_oauth_v2_access(self, call: Call) -> dict[str, Any]:
        """Exchanging an OAuth code installs the app in team T0NEW with the bot token `xoxb-installed`;
        `grant_type=refresh_token` swaps a rotating token's refresh token for a new access token."""
        if call.params.get("grant_type") == "refresh_token":
            return self._refresh(call)
        if not call.params.get("code"):
            return {"ok": False, "error": "invalid_code"}
        with self._lock:
            self.tokens.add(INSTALLED_TOKEN, team_id=INSTALLED_TEAM)
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

    def _refresh(self, call: Call) -> dict[str, Any]:
        new = self.tokens.refresh(str(call.params.get("refresh_token") or ""))
        if new is None:
            return {"ok": False, "error": "invalid_refresh_token"}
        return {
            "ok": True,
            "access_token": new.value,
            "token_type": new.kind,
            "expires_in": int((new.expires_at or 0) - self.tokens.now()),
            "refresh_token": new.refresh_token,
            "team": {"id": new.team_id},
        }

    def _api_apps_connections_open(self, _call: Call) -> dict[str, Any]:
        return {"ok": True, "url": self.websocket_url}

    def _api_chat_update(self, call: Call) -> dict[str, Any]:
        channel, ts = str(call.params.get("channel")), call.params.get("ts")
        with self._lock:
            for message in self.history.get(channel, []):
                if message["ts"] == ts:
                    message["text"] = call.params.get("text")
        return {"ok": True, "channel": channel, "ts": ts}

    def _api_chat_delete(self, call: Call) -> dict[str, Any]:
        channel, ts = str(call.params.get("channel")), call.params.get("ts")
        with self._lock:
            kept = self.history.get(channel, [])
            self.history[channel] = [message for message in kept if message["ts"] != ts]
        return {"ok": True, "channel": channel, "ts": ts}

    def _api_conversations_replies(self, call: Call) -> dict[str, Any]:
        """A thread, parent first: `thread_not_found` when there is no message with that ts."""
        channel, ts = str(call.params.get("channel") or ""), str(call.params.get("ts") or "")
        refusal = self._history_refusal(channel)
        if refusal is not None:
            return {"ok": False, "error": refusal}
        messages = sorted(self.thread(channel, ts), key=lambda message: float(message["ts"]))
        if not messages:
            return {"ok": False, "error": "thread_not_found"}
        return self._page(call, messages)

    def _api_conversations_history(self, call: Call) -> dict[str, Any]:
        """The conversation's top-level messages, newest first."""
        channel = str(call.params.get("channel") or "")
        refusal = self._history_refusal(channel)
        if refusal is not None:
            return {"ok": False, "error": refusal}
        with self._lock:
            kept = [dict(message) for message in self.history.get(channel, [])]
        top = [message for message in kept if message.get("thread_ts") in (None, message["ts"])]
        return self._page(call, sorted(top, key=lambda message: float(message["ts"]), reverse=True))

    def _history_refusal(self, channel: str) -> str | None:
        conversation = self.world.visible(channel)
        if conversation is None:
            return "channel_not_found"
        if self.world.bot_user not in conversation.members:
            return "not_in_channel"
        return None

    def _page(self, call: Call, messages: list[dict[str, Any]]) -> dict[str, Any]:
        """One page of `messages` (`limit`, default 1,000; `cursor` as handed out), metadata only on request."""
        start = int(call.params.get("cursor") or 0)
        limit = int(call.params.get("limit") or 1000)
        with_metadata = str(call.params.get("include_all_metadata")).lower() in ("1", "true")
        page = [
            message if with_metadata else {key: value for key, value in message.items() if key != "metadata"}
            for message in messages[start : start + limit]
        ]
        more = start + limit < len(messages)
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _api_chat_postEphemeral(self, _call: Call) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._next_ts()}

    def _api_views_open(self, call: Call) -> dict[str, Any]:
        return {"ok": True, "view": {"id": f"V{next(self._ids):08d}", **_as_dict(call.params.get("view"))}}

    def _api_views_publish(self, call: Call) -> dict[str, Any]:
        return {"ok": True, "view": {"id": f"V{next(self._ids):08d}", **_as_dict(call.params.get("view"))}}

    def _api_chat_postMessage(self, call: Call) -> dict[str, Any]:  # a user id opens the bot's DM
        channel = str(call.params.get("channel"))
        if channel in self.world.users and channel not in self.world.conversations:
            channel = self.world.dm_with(channel)
        metadata = call.params.get("metadata")
        if metadata is not None:
            metadata = fake_checks.message_metadata(metadata)
            if metadata is None:
                return {"ok": False, "error": "invalid_metadata_format"}
        ts = self._next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "user": self.world.bot_user,
            "bot_id": FAKE_BOT_ID,
            "text": call.params.get("text"),
            "ts": ts,
        }
        if call.params.get("thread_ts"):
            message["thread_ts"] = call.params["thread_ts"]
        if metadata is not None:
            message["metadata"] = metadata
        with self._lock:
            self.history.setdefault(channel, []).append(message)
        return {"ok": True, "channel": channel, "ts": ts, "message": call.params}

    def _api_conversations_info(self, call: Call) -> dict[str, Any]:
        return self.world.conversations_info(call.params)

    def _api_conversations_members(self, call: Call) -> dict[str, Any]:
        return self.world.conversations_members(call.params)

    def _api_users_conversations(self, call: Call) -> dict[str, Any]:
        return self.world.users_conversations(call.params, self.world.bot_user, self.tokens.team_of(call.token))

    def _api_files_info(self, call: Call) -> dict[str, Any]:
        file_id = call.params.get("file")
        with self._lock:
            hosted = self.files.get(str(file_id))
            upload = self.uploads.get(str(file_id))
        if hosted is not None:
            if not any(self.world.visible(channel) for channel in hosted.info["channels"]):
                return {"ok": False, "error": "file_not_found"}
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
        channel = call.params.get("channel_id")
        refusal = self.world.post_refusal(str(channel)) if channel else None
        if refusal is not None:
            return {"ok": False, "error": refusal}
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
            if channel and completed:
                shared: dict[str, Any] = {"type": "message", "user": self.world.bot_user, "ts": self._next_ts()}
                if call.params.get("thread_ts"):
                    shared["thread_ts"] = call.params["thread_ts"]
                self.history.setdefault(str(channel), []).append({**shared, "files": completed})
        return {"ok": True, "files": completed}

    def _download(self, call: Call) -> tuple[int, dict[str, str], bytes]:
        file_id = call.path.split("/")[2].split("-", 1)[-1]
        with self._lock:
            hosted = self.files.get(file_id)
        if hosted is None:
            return 404, {"Content-Type": "text/plain"}, b"not found"
        if self.tokens.refusal("files.download", call.token) is not None or not self._team_may_see(
            hosted, self.tokens.team_of(call.token)
        ):
            return 200, {"Content-Type": "text/html; charset=utf-8"}, SIGN_IN_PAGE
        return 200, {"Content-Type": "application/octet-stream"}, hosted.content

    def _team_may_see(self, hosted: HostedFile, team: str | None) -> bool:
        """A file is there for a token of its team, or of a team it is shared with (Slack Connect)."""
        if team is None or hosted.team_id == team:
            return True
        return any(self.world.team_refusal(channel, team) is None for channel in hosted.info["channels"])

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
        hold = self.owner._held(call)
        if hold is not None:
            hold.reached.set()
            hold.released.wait(hold.timeout)
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


def default_world() -> FakeWorld:
    """The workspace every test starts with: the marketer U0USER and the bot in #audience (C0CHAN) and
    #digests (C0DIGEST), and the marketer's DM with the bot (D0DM)."""
    world = FakeWorld(FAKE_TEAM, FAKE_BOT_USER)
    world.add_user(FAKE_USER)
    world.add_channel(FAKE_CHANNEL, "audience", members=[FAKE_USER])
    world.add_channel("C0DIGEST", "digests", members=[FAKE_USER])
    world.add_dm(FAKE_DM, FAKE_USER)
    return world
