"""The App Home tab: the workspace's recent runs and the size of its influencer catalog."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.report.render import render_home
from bot.slack.runtime import SlackRuntime
from bot.storage.influencers import InfluencerRepository
from bot.storage.runs import RunRepository

HOME_RUNS = 10


def register(app: App, runtime: SlackRuntime) -> None:
    @app.event("app_home_opened")
    def publish_home(event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if event.get("tab", "home") != "home" or not runtime.receipts.first_delivery(body):
            return
        workspace_id = str(context.team_id or "")
        runs = RunRepository(runtime.engine).recent(workspace_id, limit=HOME_RUNS)
        client.views_publish(
            user_id=event["user"], view=render_home(runs, InfluencerRepository(runtime.engine).count(workspace_id))
        )
