"""Who is in which conversation, for the fake Slack: users, public and private channels, DMs, Slack Connect.

The rules follow Slack's documentation for a bot token:
- the bot sees every public channel, and private channels, group DMs and DMs only when it is a member
  (anything else is `channel_not_found`, exactly as for a channel that does not exist);
- posting needs membership: a public channel the bot is not in answers `not_in_channel`;
- `conversations.members` lists a visible conversation's members, `users.conversations` a user's public
  channels plus the private ones and DMs the bot is also in; both are cursor-paginated (`limit`, default 100,
  and `response_metadata.next_cursor`, empty on the last page);
- a Slack Connect channel (`shared=True`) has members from other teams and carries file stubs in events.
- every conversation belongs to one team (workspace): a bot token of another team gets `channel_not_found`
  for it, as a channel id of another workspace is unknown to Slack for that token (`team_refusal`); a Slack
  Connect channel is reachable from every team. One bot user id stands for the app's bot in every team.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

PUBLIC, PRIVATE, IM, MPIM = "public_channel", "private_channel", "im", "mpim"
CHANNEL_TYPES = {PUBLIC: "channel", PRIVATE: "group", IM: "im", MPIM: "mpim"}  # as message events say it


@dataclass
class Conversation:
    id: str
    name: str
    kind: str
    members: set[str] = field(default_factory=set)
    shared: bool = False  # Slack Connect: shared with another organisation
    archived: bool = False
    created: int = 1_700_000_000
    team_id: str = ""  # the workspace the conversation belongs to

    @property
    def private(self) -> bool:
        return self.kind != PUBLIC

    def info(self, bot_user: str) -> dict[str, Any]:
        """The conversation object of conversations.info / users.conversations."""
        data: dict[str, Any] = {
            "id": self.id,
            "created": self.created,
            "is_channel": self.kind == PUBLIC,
            "is_group": self.kind == PRIVATE,
            "is_im": self.kind == IM,
            "is_mpim": self.kind == MPIM,
            "is_private": self.private,
            "is_archived": self.archived,
            "is_shared": self.shared,
            "is_ext_shared": self.shared,
            "is_org_shared": False,
            "is_member": bot_user in self.members,
        }
        if self.kind == IM:
            data["user"] = next((m for m in sorted(self.members) if m != bot_user), bot_user)
        else:
            data.update(name=self.name, name_normalized=self.name, num_members=len(self.members))
        return data


class FakeWorld:
    """Users and conversations of the fake workspace (and of Slack Connect partners)."""

    def __init__(self, team_id: str, bot_user: str) -> None:
        self.team_id = team_id
        self.bot_user = bot_user
        self.users: dict[str, str] = {bot_user: team_id}  # user id -> team id
        self.conversations: dict[str, Conversation] = {}
        self._lock = threading.RLock()

    # --- building the world ----------------------------------------------------------------------------
    def add_user(self, user_id: str, *, team_id: str | None = None) -> str:
        with self._lock:
            self.users[user_id] = team_id or self.team_id
        return user_id

    def add_channel(
        self,
        channel_id: str,
        name: str | None = None,
        *,
        members: Iterable[str] = (),
        private: bool = False,
        bot: bool = True,
        shared: bool = False,
        team_id: str | None = None,
    ) -> Conversation:
        """A channel of `team_id` (the world's own team unless given); the bot is a member unless `bot=False`."""
        team = team_id or self.team_id
        people = set(members) | ({self.bot_user} if bot else set())
        for person in people:
            self.users.setdefault(person, team)
        kind = PRIVATE if private else PUBLIC
        conversation = Conversation(channel_id, name or channel_id.lower(), kind, people, shared=shared, team_id=team)
        with self._lock:
            self.conversations[channel_id] = conversation
        return conversation

    def add_dm(self, channel_id: str, user_id: str, *, with_user: str | None = None) -> Conversation:
        """A DM between `user_id` and the bot (or, with `with_user`, between two people: the bot is not in it)."""
        other = with_user or self.bot_user
        self.users.setdefault(user_id, self.team_id)
        self.users.setdefault(other, self.team_id)
        conversation = Conversation(channel_id, channel_id, IM, {user_id, other}, team_id=self.team_id)
        with self._lock:
            self.conversations[channel_id] = conversation
        return conversation

    def dm_with(self, user_id: str) -> str:
        """The id of the bot's DM with `user_id` (opened on first use, as chat.postMessage to a user id does)."""
        with self._lock:
            for conversation in self.conversations.values():
                if conversation.kind == IM and conversation.members == {user_id, self.bot_user}:
                    return conversation.id
        return self.add_dm("D" + user_id.removeprefix("U"), user_id).id

    def add_group_dm(self, channel_id: str, members: Iterable[str], *, bot: bool = True) -> Conversation:
        people = set(members) | ({self.bot_user} if bot else set())
        name = "mpdm-" + "--".join(sorted(people))
        conversation = Conversation(channel_id, name, MPIM, people, team_id=self.team_id)
        with self._lock:
            self.conversations[channel_id] = conversation
        return conversation

    def join(self, user_id: str, channel_id: str) -> dict[str, Any]:
        """Add a member; the `member_joined_channel` event Slack sends."""
        with self._lock:
            conversation = self.conversations[channel_id]
            conversation.members.add(user_id)
            self.users.setdefault(user_id, self.team_id)
        return self._membership_event("member_joined_channel", user_id, conversation)

    def leave(self, user_id: str, channel_id: str) -> dict[str, Any]:
        """Remove a member; the event Slack sends (`member_left_channel`, or `group_left`/`channel_left` when
        the bot itself leaves)."""
        with self._lock:
            conversation = self.conversations[channel_id]
            conversation.members.discard(user_id)
        if user_id == self.bot_user:
            kind = "group_left" if conversation.private else "channel_left"
            return {"type": kind, "channel": channel_id, "actor_id": "U0ADMIN", "event_ts": "1700000100.000100"}
        return self._membership_event("member_left_channel", user_id, conversation)

    def _membership_event(self, kind: str, user_id: str, conversation: Conversation) -> dict[str, Any]:
        return {
            "type": kind,
            "user": user_id,
            "channel": conversation.id,
            "channel_type": "G" if conversation.private else "C",
            "team": self.users.get(user_id, self.team_id),
            "event_ts": "1700000100.000100",
        }

    # --- what the bot may see and do -------------------------------------------------------------------
    def get(self, channel_id: str) -> Conversation | None:
        with self._lock:
            return self.conversations.get(channel_id)

    def visible(self, channel_id: str) -> Conversation | None:
        """The conversation when the bot token can see it; None reads as `channel_not_found`."""
        conversation = self.get(channel_id)
        if conversation is None:
            return None
        if conversation.private and self.bot_user not in conversation.members:
            return None
        return conversation

    def team_refusal(self, channel_id: str, team_id: str | None) -> str | None:
        """`channel_not_found` when `channel_id` is a conversation of a team other than `team_id` (the calling
        token's): Slack knows a channel id only within its workspace. Slack Connect channels, unknown ids
        and tokens without a team pass (the other checks answer for them)."""
        conversation = self.get(channel_id)
        if conversation is None or conversation.shared or team_id is None:
            return None
        return None if conversation.team_id in ("", team_id) else "channel_not_found"

    def post_refusal(self, channel_id: str) -> str | None:
        """Why Slack refuses a post by the bot into `channel_id`, or None. A user id opens the bot's DM."""
        if channel_id in self.users:
            return None
        conversation = self.visible(channel_id)
        if conversation is None:
            return "channel_not_found"
        if conversation.archived:
            return "is_archived"
        if self.bot_user not in conversation.members:
            return "not_in_channel"
        return None

    def is_known_mention(self, target: str) -> bool:
        """`<@U…>` / `<#C…>` a template may write: a real user or conversation of this world."""
        with self._lock:
            return target in self.users or target in self.conversations

    # --- Web API answers -------------------------------------------------------------------------------
    def conversations_members(self, params: dict[str, Any]) -> dict[str, Any]:
        conversation = self.visible(str(params.get("channel") or ""))
        if conversation is None:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, **_page("members", sorted(conversation.members), params)}

    def users_conversations(
        self, params: dict[str, Any], token_user: str, team_id: str | None = None
    ) -> dict[str, Any]:
        """A user's conversations as the bot token of `team_id` sees them (that team's and Slack Connect ones)."""
        user = str(params.get("user") or token_user)
        if user not in self.users:
            return {"ok": False, "error": "user_not_found"}
        types = set(str(params.get("types") or PUBLIC).split(","))
        unknown = types - set(CHANNEL_TYPES)
        if unknown:
            return {"ok": False, "error": "invalid_types"}
        exclude_archived = str(params.get("exclude_archived", "false")).lower() in ("1", "true")
        with self._lock:
            found = [
                c
                for c in sorted(self.conversations.values(), key=lambda c: c.id)
                if c.kind in types
                and user in c.members
                and (c.kind == PUBLIC or self.bot_user in c.members)
                and not (exclude_archived and c.archived)
                and self.team_refusal(c.id, team_id) is None
            ]
        return {"ok": True, **_page("channels", [c.info(self.bot_user) for c in found], params)}

    def conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        conversation = self.visible(str(params.get("channel") or ""))
        if conversation is None:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": conversation.info(self.bot_user)}


def _page(key: str, items: list[Any], params: dict[str, Any]) -> dict[str, Any]:
    """One page of `items` the way Slack's cursor pagination hands it out."""
    limit = int(params.get("limit") or 100)
    limit = max(1, min(limit, 1000))
    cursor = str(params.get("cursor") or "")
    start = int(base64.b64decode(cursor).decode().removeprefix("offset:")) if cursor else 0
    end = start + limit
    next_cursor = base64.b64encode(f"offset:{end}".encode()).decode() if end < len(items) else ""
    return {key: items[start:end], "response_metadata": {"next_cursor": next_cursor}}
