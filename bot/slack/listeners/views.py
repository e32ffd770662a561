"""Modal submissions: the re-run modal (k) queues a re-run in the run's thread."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.report import actions as ids
from bot.services.labels_export import find_run
from bot.slack.rerun import queue_rerun
from bot.slack.runtime import SlackRuntime


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
        ack()
        run = find_run(runtime, str(context.team_id or body["team"]["id"]), request.run_id)
        queue_rerun(runtime, client, run, request.k, user_id=body["user"]["id"])
