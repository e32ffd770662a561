"""Background jobs of the Slack app and the one place their failures become log lines and thread replies.

Kinds: `segment_upload` (a shared file, or a re-run of one with a forced k and the run's or the modal's value
and outcome columns), `labels_csv` (export a run's
labels) and `catalog_import` (a creator catalog file into the workspace's influencer catalog). Every payload
names the `channel_id` and `thread_ts` to answer in, and `progress_ts`, the "working on it" note posted when
the job was queued (or None).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, NoReturn

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.catalog.mapping import parse_mapping
from bot.errors import SegbotError, environment_failure, error_reference
from bot.queue.jobs import MAX_ATTEMPTS, Job
from bot.queue.workers import JobFailed, JobHandler, JobRetry, is_passing
from bot.report.render import RenderedMessage, render_catalog_import, render_error
from bot.services.catalog_import import import_catalog
from bot.services.workspace_data import forget_workspace
from bot.slack.failures import explain, is_permanent, is_transient
from bot.slack.files import SharedFile
from bot.slack.once import PostOnce
from bot.slack.progress import Progress
from bot.slack.runtime import JOB_KEY, SlackRuntime
from bot.slack.thread import ThreadReplies
from bot.slack.workflows.labels_export import export_labels, find_run
from bot.slack.workflows.process_upload import UploadRequest, process_upload
from bot.slack.workflows.source_files import fetch_bytes
from bot.storage.runs import RunChoices
from segmentation.errors import SegmentationError

log = logging.getLogger(__name__)

SEGMENT_UPLOAD = "segment_upload"
LABELS_CSV = "labels_csv"
CATALOG_IMPORT = "catalog_import"

DEAD_LETTER = (
    "Segbot tried {file} {attempts} and could not finish it (its workers stopped, or the database or Slack "
    "stayed out of reach), so it stopped trying: share the file again in a few minutes, or a smaller export, "
    "and ask your Segbot admin to check the worker logs if it happens again."
)

Work = Callable[[SlackRuntime, WebClient, dict[str, Any], Progress, Job], None]
UNEXPECTED = "Something went wrong on our side while working on this."


def job_handlers(runtime: SlackRuntime) -> dict[str, JobHandler]:
    def handler(work: Work) -> JobHandler:
        return lambda job: run_slack_job(runtime, job, work)

    return {
        SEGMENT_UPLOAD: handler(_segment_upload),
        LABELS_CSV: handler(_labels_csv),
        CATALOG_IMPORT: handler(_catalog_import),
    }


def rerun_payload(
    run_id: int, k: int, choices: RunChoices, *, channel_id: str, thread_ts: str | None, user_id: str | None
) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "k": k,
        "choices": choices.to_dict(),
        "channel_id": channel_id,
        "thread_ts": thread_ts,
        "user_id": user_id,
    }


def _segment_upload(
    runtime: SlackRuntime, client: WebClient, payload: dict[str, Any], progress: Progress, job: Job
) -> None:
    if "run_id" in payload:
        run = find_run(runtime, payload["workspace_id"], int(payload["run_id"]))
        request = UploadRequest(
            workspace_id=run.workspace_id,
            channel_id=payload["channel_id"],
            thread_ts=payload["thread_ts"],
            file=SharedFile(id=str(run.source_file_id), name=run.file_name, size=None, filetype="", download_url=None),
            user_id=payload.get("user_id"),
            forced_k=int(payload["k"]),
            choices=RunChoices.from_dict(payload.get("choices")),  # absent in jobs queued before the menus
        )
    else:
        request = UploadRequest.from_payload(payload)
    once = PostOnce(
        ThreadReplies(client, request.channel_id, request.thread_ts),
        runtime.jobs,
        job.id,
        key=str(payload.get(JOB_KEY) or f"job-{job.id}"),
        retried=job.attempts > 1,
    )
    process_upload(runtime, client, request, progress, once)


def _labels_csv(
    runtime: SlackRuntime, client: WebClient, payload: dict[str, Any], progress: Progress, _job: Job
) -> None:
    export_labels(runtime, client, find_run(runtime, payload["workspace_id"], int(payload["run_id"])), progress)


def _catalog_import(
    runtime: SlackRuntime, client: WebClient, payload: dict[str, Any], progress: Progress, _job: Job
) -> None:
    shared = SharedFile(**payload["file"])
    progress.stage("downloading")
    data = fetch_bytes(runtime, client, shared)
    progress.stage("reading")
    mapping = parse_mapping(payload.get("column_map") or [])
    outcome = import_catalog(
        runtime.engine,
        payload["workspace_id"],
        data,
        shared.name,
        mapping=mapping,
        limits=runtime.settings.read_limits(),
    )
    progress.replies.post(render_catalog_import(outcome))
    progress.finish()


def run_slack_job(runtime: SlackRuntime, job: Job, work: Work) -> None:
    """Run `work`; a user's problem gets one plain reply, Slack refusing gets a log line, anything else both.
    A passing failure (the database or Slack out of reach) raises JobRetry, and the user is told nothing yet."""
    try:
        _run_slack_job(runtime, job, work)
    except JobRetry:
        raise
    except Exception:
        _forget_if_uninstalled(runtime, job.workspace_id)
        raise


def tell_dead_letter(runtime: SlackRuntime, job: Job) -> None:
    """The job was given up on (`bot.queue.workers.JobRunner.give_up`): say so in its thread."""
    channel_id, thread_ts = job.payload["channel_id"], job.payload.get("thread_ts")
    replies = ThreadReplies(runtime.client_for(job.workspace_id), channel_id, thread_ts)
    progress = Progress(replies, _file_name(job.payload), job.payload.get("progress_ts"))
    attempts = max(1, min(job.attempts, MAX_ATTEMPTS))  # a claim that found it dead counted one more start
    times = {1: "once", 2: "twice"}.get(attempts, f"{attempts} times")
    _tell(progress, render_error(DEAD_LETTER.format(file=_file_name(job.payload), attempts=times)))


def _forget_if_uninstalled(runtime: SlackRuntime, workspace_id: str) -> None:
    """A job that was running when its workspace uninstalled the app may have stored a run after the purge:
    with OAuth, a failed job of a workspace that has no installation any more purges it again."""
    if runtime.tokens.store is None:
        return
    try:
        installed = runtime.tokens.bot_for(workspace_id) is not None
    except SegbotError:
        installed = True  # installed, its token could not be refreshed: not a reason to delete anything
    if not installed:
        forget_workspace(runtime.engine, workspace_id, reason="a job ended after the app was uninstalled")


def _run_slack_job(runtime: SlackRuntime, job: Job, work: Work) -> None:
    payload = {**job.payload, "workspace_id": job.workspace_id}
    channel_id, thread_ts = payload["channel_id"], payload.get("thread_ts")
    try:
        client = runtime.client_for(job.workspace_id)
    except SegbotError as error:
        log.error("job %s for workspace %s: %s", job.id, job.workspace_id, error)
        raise JobFailed(str(error)) from error
    progress = Progress(ThreadReplies(client, channel_id, thread_ts), _file_name(payload), payload.get("progress_ts"))
    try:
        work(runtime, client, payload, progress, job)
    except JobRetry:
        raise
    except (SegbotError, SegmentationError) as error:
        _tell(progress, render_error(str(error)))
        raise JobFailed(str(error)) from error
    except SlackApiError as error:
        if is_transient(error):
            # Slack's own retries already ran: the job is tried again later, with a backoff.
            raise JobRetry(explain(error)) from error
        if not is_permanent(error):
            _unexpected(job, progress, error, explain(error))
        log.warning("job %s (%s) in %s/%s stopped: %s", job.id, job.kind, job.workspace_id, channel_id, explain(error))
        raise JobFailed(explain(error)) from error
    except Exception as error:
        if is_passing(error):
            raise JobRetry(f"{type(error).__name__}: {error}") from error
        sentence = environment_failure(error)
        if sentence is not None:
            log.error("job %s (%s) in %s stopped: %s", job.id, job.kind, job.workspace_id, sentence)
            _tell(progress, render_error(sentence))
            raise JobFailed(sentence) from error
        _unexpected(job, progress, error, f"{type(error).__name__}: {error}")


def _unexpected(job: Job, progress: Progress, error: Exception, detail: str) -> NoReturn:
    """Log the traceback under a reference id, tell the user with the same id, and fail the job."""
    reference = error_reference()
    log.error("job %s (%s) failed unexpectedly (reference %s): %s", job.id, job.kind, reference, detail, exc_info=error)
    _tell(progress, render_error(UNEXPECTED, reference))
    raise JobFailed(f"{detail} (reference {reference})") from error


def _file_name(payload: dict[str, Any]) -> str:
    file = payload.get("file")
    return str(file["name"]) if isinstance(file, dict) else str(payload.get("file_name") or "your file")


def _tell(progress: Progress, message: RenderedMessage) -> None:
    """Replace the progress note with `message` (or post it); Slack refusing is only logged."""
    try:
        if progress.ts is not None:
            progress.replies.update(progress.ts, message)
        else:
            progress.replies.post(message)
    except SlackApiError as error:
        log.warning("could not tell the user about a failed job: %s", explain(error))
