"""Sending correctly signed Slack requests (events, slash commands, interactivity) to a running Segbot server."""

from __future__ import annotations

import itertools
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from tests.slack.fake_slack import FAKE_BOT_USER, FAKE_TEAM
from tests.slack.signing import signed_headers

CHANNEL = "C0CHAN"
USER = "U0USER"


@dataclass(frozen=True)
class Reply:
    status: int
    body: str
    headers: dict[str, str]


class SlackSender:
    """Builds Slack's payloads and POSTs them, signed with `secret`, to `url` (…/slack/events)."""

    def __init__(self, url: str, secret: str, response_url: str) -> None:
        self.url = url
        self.secret = secret
        self.response_url = response_url
        self._ids = itertools.count(1)

    def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> Reply:
        headers = {"Content-Type": content_type, **signed_headers(self.secret, body, timestamp=timestamp)}
        if signature is not None:
            headers["X-Slack-Signature"] = signature
        headers.update(extra_headers or {})
        request = urllib.request.Request(self.url, data=body.encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Reply(response.status, response.read().decode(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode(), dict(error.headers))

    def event(self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None) -> Reply:
        body = json.dumps(event_envelope(event, event_id or f"Ev{next(self._ids):06d}"))
        extra = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"} if retry_num else None
        return self.post(body, "application/json", extra_headers=extra)

    def command(self, command: str, text: str, *, channel: str = CHANNEL, **overrides: Any) -> Reply:
        overrides.setdefault("response_url", self.response_url)
        form = command_form(command, text, channel=channel, **overrides)
        return self.post(urlencode(form), "application/x-www-form-urlencoded")

    def interaction(self, payload: dict[str, Any]) -> Reply:
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    def click(
        self,
        action_id: str,
        value: str,
        *,
        channel: str = CHANNEL,
        message_ts: str = "1700000000.000100",
        user: str = USER,
        response_url: str | None = None,
    ) -> Reply:
        """A button on a message in `channel`, clicked by `user`."""
        return self.interaction(
            {
                "type": "block_actions",
                "team": {"id": FAKE_TEAM, "domain": "fake"},
                "user": {"id": user, "team_id": FAKE_TEAM},
                "api_app_id": "A0APP",
                "trigger_id": f"{next(self._ids)}.trigger",
                "response_url": response_url or self.response_url,
                "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
                "channel": {"id": channel, "name": "audience"},
                "message": {"ts": message_ts, "text": "report"},
                "actions": [
                    {"action_id": action_id, "block_id": "b", "value": value, "type": "button", "action_ts": "1"}
                ],
            }
        )

    def click_on_home(self, action_id: str, value: str, *, user: str = USER) -> Reply:
        """A button on the App Home tab: Slack sends no channel and no response_url."""
        return self.interaction(
            {
                "type": "block_actions",
                "team": {"id": FAKE_TEAM, "domain": "fake"},
                "user": {"id": user, "team_id": FAKE_TEAM},
                "api_app_id": "A0APP",
                "trigger_id": f"{next(self._ids)}.trigger",
                "container": {"type": "view", "view_id": "V0HOME"},
                "view": {"id": "V0HOME", "type": "home"},
                "actions": [
                    {"action_id": action_id, "block_id": "b", "value": value, "type": "button", "action_ts": "1"}
                ],
            }
        )

    def submit_view(
        self, callback_id: str, private_metadata: str, values: dict[str, Any], *, user: str = USER
    ) -> Reply:
        return self.interaction(
            {
                "type": "view_submission",
                "team": {"id": FAKE_TEAM, "domain": "fake"},
                "user": {"id": user, "team_id": FAKE_TEAM},
                "api_app_id": "A0APP",
                "trigger_id": f"{next(self._ids)}.trigger",
                "view": {
                    "id": "V0VIEW",
                    "type": "modal",
                    "callback_id": callback_id,
                    "private_metadata": private_metadata,
                    "state": {"values": values},
                },
            }
        )


def event_envelope(event: dict[str, Any], event_id: str, *, team_id: str = FAKE_TEAM) -> dict[str, Any]:
    """The Events API envelope Slack POSTs for `event` in workspace `team_id`."""
    return {
        "token": "verification-token",
        "team_id": team_id,
        "api_app_id": "A0APP",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1700000000,
        "authorizations": [{"team_id": team_id, "user_id": FAKE_BOT_USER, "is_bot": True}],
    }


def command_form(command: str, text: str, *, channel: str, response_url: str, **overrides: Any) -> dict[str, str]:
    """A slash command's form fields; `overrides` replace any of them (`user_id=...`)."""
    return {
        "token": "verification-token",
        "team_id": FAKE_TEAM,
        "team_domain": "fake",
        "channel_id": channel,
        "channel_name": "audience",
        "user_id": USER,
        "user_name": "marketer",
        "command": command,
        "text": text,
        "api_app_id": "A0APP",
        "response_url": response_url,
        "trigger_id": "1.trigger",
        **overrides,
    }


def file_share_event(file: dict[str, Any], *, channel: str = CHANNEL, ts: str = "1700000000.000100") -> dict[str, Any]:
    return {
        "type": "message",
        "subtype": "file_share",
        "channel": channel,
        "user": USER,
        "ts": ts,
        "text": "",
        "files": [file],
        "channel_type": "channel",
    }


def file_shared_event(file_id: str, *, channel: str = CHANNEL) -> dict[str, Any]:
    return {
        "type": "file_shared",
        "file_id": file_id,
        "user_id": USER,
        "file": {"id": file_id},
        "channel_id": channel,
        "event_ts": "1700000000.000200",
    }
