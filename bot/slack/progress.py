"""The "working on it" note in a thread, updated as a job moves through its stages."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError

from bot.report.render import render_progress
from bot.slack.thread import ThreadReplies

log = logging.getLogger(__name__)


@dataclass
class Progress:
    replies: ThreadReplies
    file_name: str
    ts: str | None = None

    @classmethod
    def announce(cls, replies: ThreadReplies, file_name: str, stage: str = "queued") -> Progress:
        """Post the note at once; its ts travels with the job so any worker can update it."""
        progress = cls(replies, file_name)
        progress.ts = replies.post(render_progress(file_name, stage))
        return progress

    def stage(self, stage: str) -> None:
        """Show `stage` (see `bot.report.messages.STAGES`); a failed update only loses a progress line."""
        if self.ts is None:
            self.ts = self.replies.post(render_progress(self.file_name, stage))
            return
        try:
            self.replies.update(self.ts, render_progress(self.file_name, stage))
        except SlackApiError as error:
            log.info("progress update failed for %s: %s", self.file_name, error.response.get("error"))

    def finish(self) -> None:
        if self.ts is not None:
            self.replies.delete_quietly(self.ts)
            self.ts = None
