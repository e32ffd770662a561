"""Replies in one Slack thread: post, update and delete messages, upload files (with `files_upload_v2`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.report.escaping import plain_text
from bot.report.limits import shorten
from bot.report.render import RenderedMessage

log = logging.getLogger(__name__)

# A file's title is shown as typed (not mrkdwn); long file names are cut so the title stays readable.
TITLE_LENGTH = 200
# Messages per conversations.replies / conversations.history page (Slack allows up to 1,000).
HISTORY_PAGE = 200


@dataclass(frozen=True)
class ThreadReplies:
    client: WebClient
    channel_id: str
    thread_ts: str | None

    def post(self, message: RenderedMessage, *, metadata: dict[str, Any] | None = None) -> str:
        """Post in the thread (or the channel when there is no thread yet); the new message's ts.
        `metadata` is Slack message metadata (`event_type`, `event_payload`), read back by `messages`."""
        response = self.client.chat_postMessage(
            channel=self.channel_id,
            thread_ts=self.thread_ts,
            text=message.text,
            blocks=message.blocks or None,
            unfurl_links=False,
            unfurl_media=False,
            metadata=metadata,
        )
        return str(response["ts"])

    def messages(self) -> list[dict[str, Any]]:
        """Every message of the thread (or the channel's latest, when there is no thread), with metadata."""
        found: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            if self.thread_ts is None:
                page = self.client.conversations_history(
                    channel=self.channel_id, include_all_metadata=True, limit=HISTORY_PAGE, cursor=cursor
                )
            else:
                page = self.client.conversations_replies(
                    channel=self.channel_id,
                    ts=self.thread_ts,
                    include_all_metadata=True,
                    limit=HISTORY_PAGE,
                    cursor=cursor,
                )
            found.extend(page.get("messages") or [])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if cursor is None or self.thread_ts is None:
                return found

    def update(self, ts: str, message: RenderedMessage) -> None:
        self.client.chat_update(channel=self.channel_id, ts=ts, text=message.text, blocks=message.blocks or [])

    def delete_quietly(self, ts: str) -> None:
        """Remove a message of ours (the progress note); a failure here is not worth failing a job for."""
        try:
            self.client.chat_delete(channel=self.channel_id, ts=ts)
        except SlackApiError as error:
            log.info("could not delete progress message %s in %s: %s", ts, self.channel_id, error.response.get("error"))

    def upload(self, content: bytes, *, filename: str, title: str) -> None:
        self.client.files_upload_v2(
            channel=self.channel_id,
            thread_ts=self.thread_ts,
            content=content,
            filename=filename,
            title=shorten(plain_text(title), TITLE_LENGTH),
        )
