"""Segmenting a file shared in Slack: download, segment, store the run, post the report and chart in the thread."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from slack_sdk import WebClient

import segmentation
from bot.metrics import timed_stage
from bot.report.chart import render_chart
from bot.report.render import render_report
from bot.services.dataset_names import dataset_name_for_upload
from bot.services.report_data import build_report
from bot.slack.files import SharedFile
from bot.slack.once import PostOnce
from bot.slack.progress import Progress
from bot.slack.runtime import SlackRuntime
from bot.slack.workflows.source_files import fetch_bytes
from bot.storage.runs import NewRun, RunChoices, RunRepository, StoredRun

CHART_FILE_NAME = "segments.png"


@dataclass(frozen=True)
class UploadRequest:
    """One file to segment, as a job carries it (`to_payload` / `from_payload`)."""

    workspace_id: str
    channel_id: str
    thread_ts: str | None
    file: SharedFile
    user_id: str | None = None
    progress_ts: str | None = None
    forced_k: int | None = None
    choices: RunChoices = field(default_factory=RunChoices)

    def to_payload(self) -> dict[str, Any]:
        payload = asdict(self)
        payload["file"] = asdict(self.file)
        return payload

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> UploadRequest:
        """The request in a job's payload (which may carry more, such as the job's key)."""
        known = {each.name for each in fields(cls)} - {"file", "choices"}
        return cls(
            **{name: value for name, value in payload.items() if name in known},
            file=SharedFile(**payload["file"]),
            choices=RunChoices.from_dict(payload.get("choices")),
        )


def process_upload(
    runtime: SlackRuntime, client: WebClient, request: UploadRequest, progress: Progress, once: PostOnce
) -> StoredRun:
    """Everything after the "working on it" note; errors propagate to the job runner, which tells the user.
    A job run again finds the run and the posts of its earlier start and makes none of them twice."""
    run = RunRepository(runtime.engine).for_job(request.workspace_id, once.job_id)
    if run is None:
        run = _segment(runtime, client, request, progress, once.job_id)
    progress.stage("influencers")
    report = build_report(runtime.engine, request.workspace_id, run.result, run.id)
    progress.stage("rendering")
    with timed_stage("post"):
        report_ts = once.report(render_report(report, file_name=request.file.name, run_id=run.id))
        title = f"Segments in {request.file.name}"
        once.chart(render_chart(report), filename=CHART_FILE_NAME, title=title, after_ts=report_ts)
    progress.finish()
    return run


def _segment(
    runtime: SlackRuntime, client: WebClient, request: UploadRequest, progress: Progress, job_id: int
) -> StoredRun:
    progress.stage("downloading")
    with timed_stage("download"):
        data = fetch_bytes(runtime, client, request.file)
    progress.stage("segmenting")
    choices = request.choices
    with timed_stage("segment"):
        result = segmentation.segment(
            data,
            k=request.forced_k,
            limits=runtime.settings.read_limits(),
            value=choices.value,
            outcomes=choices.outcomes,
        )
    return RunRepository(runtime.engine).add(
        NewRun(
            workspace_id=request.workspace_id,
            dataset_name=dataset_name_for_upload(
                runtime.engine, request.workspace_id, request.channel_id, request.file.name
            ),
            file_name=request.file.name,
            file_hash=hashlib.sha256(data).hexdigest(),
            created_by=request.user_id,
            channel_id=request.channel_id,
            thread_ts=request.thread_ts,
            source_file_id=request.file.id,
            forced_k=request.forced_k,
            choices=choices,
        ),
        result,
        job_id=job_id,
    )
