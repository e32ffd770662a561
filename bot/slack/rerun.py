"""Queueing a re-run of a stored run with a forced k, answered in the run's own thread."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.errors import NotFoundError
from bot.slack.jobs import SEGMENT_UPLOAD, rerun_payload
from bot.slack.progress import Progress
from bot.slack.runtime import SlackRuntime
from bot.slack.thread import ThreadReplies
from bot.storage.runs import StoredRun


def queue_rerun(runtime: SlackRuntime, client: WebClient, run: StoredRun, k: int, *, user_id: str | None) -> int:
    """Post the "working on it" note in the run's thread and queue the job; the job id."""
    if run.source_file_id is None or run.channel_id is None:
        raise NotFoundError(
            f"{run.file_name} was not shared in Slack, so Segbot can't fetch it again; upload the file here."
        )
    progress = Progress.announce(ThreadReplies(client, run.channel_id, run.thread_ts), run.file_name)
    payload = rerun_payload(run.id, k, channel_id=run.channel_id, thread_ts=run.thread_ts, user_id=user_id)
    payload.update(progress_ts=progress.ts, file_name=run.file_name)
    return runtime.enqueue(run.workspace_id, SEGMENT_UPLOAD, payload)
