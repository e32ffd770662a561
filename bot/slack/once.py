"""Posting a job's report and chart exactly once, even when the job runs again after its worker died.

The report carries Slack message metadata, `segbot_report` with the job's key. Before posting, a job looks
for what it already posted: first in the database (the ts recorded after each post), then, when the job is
being run again, in the thread itself (conversations.replies with `include_all_metadata`), which also covers
a worker killed between Slack's answer and the database write. The chart is found the same way: a file
message of ours with the chart's name, after the report. The run is made once by `RunRepository.for_job`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.queue.jobs import JobQueue
from bot.report.render import RenderedMessage
from bot.slack.failures import explain, slack_error_code
from bot.slack.thread import ThreadReplies

log = logging.getLogger(__name__)

REPORT_EVENT = "segbot_report"
REPORT_TS = "report_ts"
CHART_FILE = "chart_file"
# conversations.replies answers that mean "nothing of ours to find there", not "try again".
UNREADABLE = frozenset({"thread_not_found", "missing_scope"})


@dataclass(frozen=True)
class PostOnce:
    """The posts of one job in one thread; `retried` when an earlier start of the job may have posted."""

    replies: ThreadReplies
    jobs: JobQueue
    job_id: int
    key: str
    retried: bool

    def report(self, message: RenderedMessage) -> str:
        """Post the report unless this job already did; its ts either way."""
        done = self.jobs.outputs(self.job_id).get(REPORT_TS)
        if done is not None:
            return done
        ts = self._posted_report() if self.retried else None
        if ts is None:
            metadata = {"event_type": REPORT_EVENT, "event_payload": {"job": self.key}}
            ts = self.replies.post(message, metadata=metadata)
        else:
            log.info("job %s: its report was already posted (ts %s); not posting it again", self.job_id, ts)
        self.jobs.record_output(self.job_id, REPORT_TS, ts)
        return ts

    def chart(self, content: bytes, *, filename: str, title: str, after_ts: str) -> None:
        """Upload the chart unless this job already did (a file message named `filename` after `after_ts`)."""
        if CHART_FILE in self.jobs.outputs(self.job_id):
            return
        found = self._posted_file(filename, after_ts) if self.retried else None
        if found is None:
            self.replies.upload(content, filename=filename, title=title)
            found = filename
        self.jobs.record_output(self.job_id, CHART_FILE, found)

    def _posted_report(self) -> str | None:
        for message in self._thread():
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == REPORT_EVENT and payload.get("job") == self.key:
                return str(message["ts"])
        return None

    def _posted_file(self, filename: str, after_ts: str) -> str | None:
        """Our file between our report and the next report in the thread (a re-run posts one of the same name)."""
        later = sorted(
            (message for message in self._thread() if float(message.get("ts") or 0) > float(after_ts)),
            key=lambda message: float(message["ts"]),
        )
        for message in later:
            if (message.get("metadata") or {}).get("event_type") == REPORT_EVENT:
                return None
            for file in message.get("files") or []:
                if file.get("name") == filename:
                    return str(file.get("id") or filename)
        return None

    def _thread(self) -> list[dict[str, Any]]:
        try:
            return self.replies.messages()
        except SlackApiError as error:
            if slack_error_code(error) not in UNREADABLE:
                raise  # Slack is having a moment: the job is tried again rather than posting blind
            # Without the history scope (an old install) only the database remembers what was posted.
            log.warning("job %s: could not read its thread back: %s", self.job_id, explain(error))
            return []
