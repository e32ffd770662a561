"""Buttons on reports, run lists and the Home tab: details, labels CSV, the re-run modal, showing a run.

A button's value is only a run id, which anyone can replay: every click checks again, with Slack, that the
person is in the conversation the run came from (`require_run_access`).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.errors import NotFoundError
from bot.report import actions as ids
from bot.report.render import render_brief, render_report, render_rerun_modal
from bot.services.report_data import stored_report
from bot.slack.error_handler import acknowledged
from bot.slack.jobs import LABELS_CSV
from bot.slack.rerun import queue_rerun
from bot.slack.runtime import SlackRuntime
from bot.slack.visibility import require_run_access
from bot.slack.workflows.labels_export import find_run
from bot.storage.runs import RunRepository, StoredRun


def register(app: App, runtime: SlackRuntime) -> None:
    def clicked_run(body: dict[str, Any], context: BoltContext, client: WebClient) -> StoredRun:
        run_id = ids.run_id_from_value(body["actions"][0]["value"])
        workspace_id = str(context.team_id or body["team"]["id"])
        stored = RunRepository(runtime.engine).get(workspace_id, run_id)
        if stored is not None:
            require_run_access(runtime, client, stored, body["user"]["id"])
        return find_run(runtime, workspace_id, run_id)

    @app.action(ids.SHOW_DETAILS)
    def show_details(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond, client: WebClient) -> None:
        with acknowledged(ack, body, context):
            run = clicked_run(body, context, client)
            message = render_report(
                stored_report(runtime.engine, run), file_name=run.file_name, run_id=run.id, details=True
            )
            respond(text=message.text, blocks=message.blocks, response_type="ephemeral", replace_original=False)

    @app.action(ids.SHOW_BRIEF)
    def show_brief(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond, client: WebClient) -> None:
        with acknowledged(ack, body, context):
            run_id, segment = ids.brief_from_value(body["actions"][0]["value"])
            workspace_id = str(context.team_id or body["team"]["id"])
            run = RunRepository(runtime.engine).get(workspace_id, run_id)
            if run is None:
                raise NotFoundError(f"Run {run_id} does not exist in this workspace; `/segment runs` lists runs.")
            require_run_access(runtime, client, run, body["user"]["id"])
            message = render_brief(stored_report(runtime.engine, run), segment, run_id=run.id)
            respond(text=message.text, blocks=message.blocks, response_type="ephemeral", replace_original=False)

    @app.action(ids.SHOW_RUN)
    def show_run(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        with acknowledged(ack, body, context):
            run = clicked_run(body, context, client)
            message = render_report(stored_report(runtime.engine, run), file_name=run.file_name, run_id=run.id)
            if context.respond is not None and body.get("response_url"):
                context.respond(
                    text=message.text, blocks=message.blocks, response_type="ephemeral", replace_original=False
                )
            else:
                client.chat_postMessage(channel=body["user"]["id"], text=message.text, blocks=message.blocks)

    @app.action(ids.DOWNLOAD_LABELS)
    def download_labels(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        with acknowledged(ack, body, context):
            run = clicked_run(body, context, client)
            runtime.enqueue(
                run.workspace_id,
                LABELS_CSV,
                {
                    "run_id": run.id,
                    "channel_id": run.channel_id,
                    "thread_ts": run.thread_ts,
                    "file_name": run.file_name,
                    "user_id": body["user"]["id"],
                },
            )

    @app.action(ids.RERUN_ALTERNATIVE)
    def rerun_alternative(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        with acknowledged(ack, body, context):
            request = ids.alternative_from_value(body["actions"][0]["value"])
            run = find_run(runtime, str(context.team_id or body["team"]["id"]), request.run_id)
            require_run_access(runtime, client, run, body["user"]["id"])
            queue_rerun(runtime, client, run, request.k, user_id=body["user"]["id"])

    @app.action(ids.OPEN_RERUN)
    def open_rerun(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        with acknowledged(ack, body, context):
            run = clicked_run(body, context, client)
            client.views_open(
                trigger_id=body["trigger_id"],
                view=render_rerun_modal(run.id, run.result, value=run.choices.value, outcomes=run.choices.outcomes),
            )
