"""Who may see what Segbot stored: the members of the conversation a run came from, as Slack says right now.

Slack is the only judge of membership. `ConversationAccess` asks it (`conversations.members` for one
conversation, `users.conversations` for one person's conversations, both cursor-paginated) and keeps each
answer for SEGBOT_ACCESS_CACHE_SECONDS, so a person who leaves a channel loses its reports within that time
(at once when Slack's `member_left_channel` / `group_left` / `channel_left` event reaches this process).

A conversation Slack will not describe to the bot (deleted, private and the bot removed) has no members:
its runs are shown to nobody. A run made outside Slack (the CLI) has no conversation and is shown to nobody
in Slack. See docs/privacy.md for the whole model.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import SegbotError

# Slack's answers meaning "the bot cannot see this conversation": nobody may see what came from it.
GONE = frozenset({"channel_not_found", "not_in_channel", "is_archived", "method_not_supported_for_channel_type"})
CONVERSATION_TYPES = "public_channel,private_channel,mpim,im"
PAGE_SIZE = 1000  # Slack's largest page for both methods


class AccessDeniedError(SegbotError):
    """The person may not see this stored run (they are not in its conversation)."""


class AccessUnknownError(SegbotError):
    """Slack would not say who is in a conversation (a missing scope): access is refused until it can."""


NOT_A_MEMBER = (
    "That report came from a conversation you are not in, so Segbot can't show it to you; ask someone there "
    "to share it, or upload the file where you are."
)
NOT_IN_THIS_CONVERSATION = "Segbot can't show this conversation's reports to you: Slack says you are not in it."


@dataclass
class _Entry:
    expires: float
    ids: frozenset[str]


@dataclass
class ConversationAccess:
    """Slack's membership answers, kept `ttl_seconds` per conversation and per person (0: always ask)."""

    ttl_seconds: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _members: dict[tuple[str, str], _Entry] = field(default_factory=dict)
    _conversations: dict[tuple[str, str], _Entry] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def is_member(self, client: WebClient, workspace_id: str, channel_id: str | None, user_id: str) -> bool:
        if not channel_id or not user_id:
            return False
        members = self._cached(self._members, (workspace_id, channel_id), lambda: _members(client, channel_id))
        return user_id in members

    def conversations_of(self, client: WebClient, workspace_id: str, user_id: str) -> frozenset[str]:
        """The conversations `user_id` is in that Segbot could have received a file from."""
        return self._cached(self._conversations, (workspace_id, user_id), lambda: _conversations(client, user_id))

    def visible_channels(
        self, client: WebClient, workspace_id: str, user_id: str, channel_ids: Iterable[str | None]
    ) -> set[str]:
        """Which of `channel_ids` the person is in."""
        wanted = {channel for channel in channel_ids if channel}
        if not wanted:
            return set()
        return wanted & self.conversations_of(client, workspace_id, user_id)

    def forget_conversation(self, workspace_id: str, channel_id: str) -> None:
        """Someone joined or left `channel_id`: ask Slack again next time (for it and for everyone's lists)."""
        with self._lock:
            self._members.pop((workspace_id, channel_id), None)
            for key in [k for k in self._conversations if k[0] == workspace_id]:
                del self._conversations[key]

    def _cached(
        self, store: dict[tuple[str, str], _Entry], key: tuple[str, str], ask: Callable[[], frozenset[str]]
    ) -> frozenset[str]:
        now = self.clock()
        with self._lock:
            entry = store.get(key)
            if entry is not None and entry.expires > now:
                return entry.ids
        ids = ask()
        if self.ttl_seconds > 0:
            with self._lock:
                store[key] = _Entry(now + self.ttl_seconds, ids)
        return ids


def _members(client: WebClient, channel_id: str) -> frozenset[str]:
    found: set[str] = set()
    try:
        for page in client.conversations_members(channel=channel_id, limit=PAGE_SIZE):
            found.update(page.get("members") or [])
    except SlackApiError as error:
        return _refused(error)
    return frozenset(found)


def _conversations(client: WebClient, user_id: str) -> frozenset[str]:
    found: set[str] = set()
    try:
        for page in client.users_conversations(user=user_id, types=CONVERSATION_TYPES, limit=PAGE_SIZE):
            found.update(str(channel["id"]) for channel in page.get("channels") or [])
    except SlackApiError as error:
        return _refused(error)
    return frozenset(found)


def _refused(error: SlackApiError) -> frozenset[str]:
    code = str(error.response.get("error", ""))
    if code in GONE:
        return frozenset()
    if code == "missing_scope":
        raise AccessUnknownError(
            "Segbot can't check who is in this conversation, so it shows nothing from it: the app lacks a scope "
            "(channels:read, groups:read, im:read or mpim:read); ask your Slack admin to reinstall it from "
            "deploy/manifest.yml."
        ) from error
    raise error
