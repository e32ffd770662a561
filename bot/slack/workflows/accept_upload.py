"""Accepting a file shared in a channel: pick the files Segbot reads, once each, and queue their segmentation.

Runs right after Slack's request was acknowledged. A `file_share` message and a `file_shared` event for the
same file share one receipt in the database, so whichever arrives first wins and the other is skipped.
"""

from __future__ import annotations

import re
from typing import Any

from slack_sdk import WebClient

from bot.report.render import render_error
from bot.slack.files import FileTooLargeError, SharedFile, is_tabular
from bot.slack.jobs import SEGMENT_UPLOAD
from bot.slack.progress import Progress
from bot.slack.receipts import file_key
from bot.slack.runtime import SlackRuntime
from bot.slack.thread import ThreadReplies
from bot.slack.workflows.process_upload import UploadRequest
from bot.slack.workflows.source_files import ExternalFileError, check_readable, files_info

CATALOG_IMPORT_MESSAGE = re.compile(r"\s*/?influencers?\s+import\b", re.IGNORECASE)


def accept_shared_file(
    runtime: SlackRuntime,
    client: WebClient,
    *,
    workspace_id: str,
    channel_id: str,
    user_id: str | None,
    file: dict[str, Any],
    thread_ts: str | None,
    kind: str = SEGMENT_UPLOAD,
    extra: dict[str, Any] | None = None,
) -> int | None:
    """Queue the file for segmentation (or, with `kind="catalog_import"`, for the influencer catalog);
    `extra` goes into the job's payload as is (the import form's column choices).

    The job id, or None when the file is not one Segbot reads or was seen already.
    """
    shared = SharedFile.from_api(file) if "name" in file else None
    if shared is None or not shared.complete:
        info = files_info(client, str(file["id"]))
        shared = SharedFile.from_api(info)
        thread_ts = thread_ts or share_thread_ts(info, channel_id)
    if not is_tabular(shared):
        return None
    if not runtime.receipts.first_time(file_key(workspace_id, channel_id, shared.id), workspace_id):
        return None
    replies = ThreadReplies(client, channel_id, thread_ts)
    try:
        check_readable(shared, runtime.settings.max_upload_mb)
    except (FileTooLargeError, ExternalFileError) as error:
        replies.post(render_error(str(error)))
        return None
    progress = Progress.announce(replies, shared.name)
    request = UploadRequest(
        workspace_id=workspace_id,
        channel_id=channel_id,
        thread_ts=thread_ts,
        file=shared,
        user_id=user_id,
        progress_ts=progress.ts,
    )
    return runtime.enqueue(workspace_id, kind, {**request.to_payload(), **(extra or {})})


def wants_catalog_import(text: str) -> bool:
    """A file shared with the message `influencers import` goes to the catalog instead of being segmented."""
    return CATALOG_IMPORT_MESSAGE.match(text or "") is not None


def share_thread_ts(info: dict[str, Any], channel_id: str) -> str | None:
    """The thread to answer in: where the file was shared in `channel_id` (from `files.info`'s `shares`)."""
    for visibility in ("public", "private"):
        shares = info.get("shares", {}).get(visibility, {}).get(channel_id) or []
        if shares:
            return str(shares[0].get("thread_ts") or shares[0]["ts"])
    return None
