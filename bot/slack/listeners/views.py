"""Modal submissions: the re-run modal (k, value and outcome columns) queues a re-run in the run's thread;
the import form, a catalog import."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.catalog.mapping import ColumnMappingError, parse_mapping
from bot.report import actions as ids
from bot.report.rerun_choices import outcome_options_problem
from bot.slack import catalog_modal
from bot.slack.error_handler import acknowledged
from bot.slack.jobs import CATALOG_IMPORT
from bot.slack.rerun import form_choices, queue_rerun
from bot.slack.runtime import SlackRuntime
from bot.slack.visibility import require_run_access
from bot.slack.workflows.accept_upload import accept_shared_file
from bot.slack.workflows.labels_export import find_run


def register(app: App, runtime: SlackRuntime) -> None:
    @app.view(ids.RERUN_CALLBACK)
    def submit_rerun(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        try:
            request = ids.rerun_request(view)
        except (ValueError, KeyError):
            ack(
                response_action="errors",
                errors={ids.RERUN_K_BLOCK: f"Enter a whole number from {ids.MIN_K} to {ids.MAX_K}."},
            )
            return
        problem = outcome_options_problem(request.outcome_options)
        if problem is not None:
            ack(response_action="errors", errors={ids.RERUN_OUTCOME_BLOCK: problem})
            return
        with acknowledged(ack, body, context):
            run = find_run(runtime, str(context.team_id or body["team"]["id"]), request.run_id)
            require_run_access(runtime, client, run, body["user"]["id"])
            choices = form_choices(run, request)
            queue_rerun(runtime, client, run, request.k, user_id=body["user"]["id"], choices=choices)

    @app.view(catalog_modal.IMPORT_CALLBACK)
    def submit_catalog(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        channel_id, files = catalog_modal.submitted_files(view)
        if not files:
            ack(response_action="errors", errors={catalog_modal.IMPORT_FILE_BLOCK: "Choose a CSV or XLSX file."})
            return
        choices = catalog_modal.submitted_mapping(view)
        try:
            parse_mapping(choices)
        except ColumnMappingError as error:
            ack(response_action="errors", errors={catalog_modal.IMPORT_MAP_BLOCK: str(error)})
            return
        with acknowledged(ack, body, context):
            accept_shared_file(
                runtime,
                client,
                workspace_id=str(context.team_id or body["team"]["id"]),
                channel_id=channel_id,
                user_id=body["user"]["id"],
                file=files[0],
                thread_ts=None,
                kind=CATALOG_IMPORT,
                extra={"column_map": choices},
            )
