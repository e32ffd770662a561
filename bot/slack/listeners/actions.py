"""Buttons on reports, run lists and the Home tab: details, labels CSV, the re-run modal, showing a run."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.report import actions as ids
from bot.report.render import render_report, render_rerun_modal
from bot.services.labels_export import find_run
from bot.services.report_data import stored_report
from bot.slack.error_handler import acknowledged
from bot.slack.jobs import LABELS_CSV
from bot.slack.runtime import SlackRuntime
from bot.storage.runs import StoredRun


def register(app: App, runtime: SlackRuntime) -> None:
    def clicked_run(body: dict[str, Any], context: BoltContext) -> StoredRun:
        run_id = ids.run_id_from_value(body["actions"][0]["value"])
        return find_run(runtime, str(context.team_id or body["team"]["id"]), run_id)

    @app.action(ids.SHOW_DETAILS)
    def show_details(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
        with acknowledged(ack, body, context):
            run = clicked_run(body, context)
            message = render_report(
                stored_report(runtime.engine, run), file_name=run.file_name, run_id=run.id, details=True
            )
            respond(text=message.text, blocks=message.blocks, response_type="ephemeral", replace_original=False)

    @app.action(ids.SHOW_RUN)
    def show_run(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        with acknowledged(ack, body, context):
            run = clicked_run(body, context)
            message = render_report(stored_report(runtime.engine, run), file_name=run.file_name, run_id=run.id)
            if context.respond is not None and body.get("response_url"):
                context.respond(
                    text=message.text, blocks=message.blocks, response_type="ephemeral", replace_original=False
                )
            else:
                client.chat_postMessage(channel=body["user"]["id"], text=message.text, blocks=message.blocks)

    @app.action(ids.DOWNLOAD_LABELS)
    def download_labels(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        with acknowledged(ack, body, context):
            run = clicked_run(body, context)
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

    @app.action(ids.OPEN_RERUN)
    def open_rerun(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        with acknowledged(ack, body, context):
            run = clicked_run(body, context)
            client.views_open(trigger_id=body["trigger_id"], view=render_rerun_modal(run.id, run.k))
