"""Queueing a re-run of a stored run with a forced k (and, from the modal, chosen value and outcome columns),
answered in the run's own thread."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.errors import NotFoundError, SegbotError
from bot.report.actions import RerunForm
from bot.report.rerun_choices import ChoiceError, chosen_outcomes, chosen_value
from bot.slack.jobs import SEGMENT_UPLOAD, rerun_payload
from bot.slack.progress import Progress
from bot.slack.runtime import SlackRuntime
from bot.slack.thread import ThreadReplies
from bot.storage.runs import RunChoices, StoredRun


def queue_rerun(
    runtime: SlackRuntime,
    client: WebClient,
    run: StoredRun,
    k: int,
    *,
    user_id: str | None,
    choices: RunChoices | None = None,
) -> int:
    """Post the "working on it" note in the run's thread and queue the job; the job id. The re-run keeps the
    run's value and outcome columns unless `choices` (the modal's) says otherwise."""
    if run.source_file_id is None or run.channel_id is None:
        raise NotFoundError(
            f"{run.file_name} was not shared in Slack, so Segbot can't fetch it again; upload the file here."
        )
    progress = Progress.announce(ThreadReplies(client, run.channel_id, run.thread_ts), run.file_name)
    payload = rerun_payload(
        run.id,
        k,
        choices or run.choices,
        channel_id=run.channel_id,
        thread_ts=run.thread_ts,
        user_id=user_id,
    )
    payload.update(progress_ts=progress.ts, file_name=run.file_name)
    return runtime.enqueue(run.workspace_id, SEGMENT_UPLOAD, payload)


def form_choices(run: StoredRun, form: RerunForm) -> RunChoices:
    """The value and outcome columns a submitted modal chose, read against the run's own columns."""
    try:
        value = chosen_value(run.result, form.value_option)
        outcomes = chosen_outcomes(run.result, form.outcome_options)
    except ChoiceError as error:
        raise SegbotError(str(error)) from error
    return RunChoices(value=value, outcomes=outcomes)
