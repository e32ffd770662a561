"""`labels.csv` for a run: the stored source file segmented again the same way, one line per input row."""

from __future__ import annotations

from slack_sdk import WebClient

import segmentation
from bot.csv_export import labels_csv_text
from bot.errors import NotFoundError
from bot.report.audience_csv import ids_csv_text
from bot.slack.progress import Progress
from bot.slack.runtime import SlackRuntime
from bot.slack.thread import ThreadReplies
from bot.slack.workflows.source_files import describe_file, fetch_bytes
from bot.storage.runs import RunRepository, StoredRun
from segmentation.reading import read_table

LABELS_FILE_NAME = "labels.csv"
IDS_FILE_NAME = "audience_ids.csv"


def find_run(runtime: SlackRuntime, workspace_id: str, run_id: int) -> StoredRun:
    run = RunRepository(runtime.engine).get(workspace_id, run_id)
    if run is None:
        raise NotFoundError(f"Run {run_id} does not exist in this workspace; `/segment runs` lists the recent ones.")
    if run.source_file_id is None:
        raise NotFoundError(
            f"Run {run_id} was not made from a file shared in Slack, so it can't be repeated here; upload the file."
        )
    return run


def export_labels(runtime: SlackRuntime, client: WebClient, run: StoredRun, progress: Progress) -> None:
    """Segment the run's source file again the way the run did, then upload `labels.csv` in its thread."""
    assert run.source_file_id is not None and run.channel_id is not None
    progress.stage("downloading")
    data = fetch_bytes(runtime, client, describe_file(client, run.source_file_id))
    progress.stage("segmenting")
    # The same call as the run's own (k chosen again, or the same forced k; same seed and outcome columns, which
    # stay out of the clustering): the same segments.
    result = segmentation.segment(
        data,
        k=run.forced_k,
        seed=run.seed,
        limits=runtime.settings.read_limits(),
        value=run.choices.value,
        outcomes=run.choices.outcomes,
    )
    thread = ThreadReplies(client, run.channel_id, run.thread_ts)
    thread.upload(
        labels_csv_text(result.labels).encode("utf-8"),
        filename=LABELS_FILE_NAME,
        title=f"Segment of each row in {run.file_name}",
    )
    # The same rows with the file's customer ids, for a custom audience; emails and phone numbers are never
    # posted in a channel (`segbot export --id COL` writes them locally, on request).
    table = read_table(data, limits=runtime.settings.read_limits())
    ids = ids_csv_text(table, result, personal=False)
    if ids is not None:
        title = f"Customer ids and segments of {run.file_name}"
        thread.upload(ids.encode("utf-8"), filename=IDS_FILE_NAME, title=title)
    progress.finish()
