"""The App Home tab: the recent runs of the conversations the viewer is in, and the influencer catalog's size."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.report.render import render_home
from bot.slack.runtime import SlackRuntime
from bot.slack.visibility import runs_visible_to
from bot.storage.influencers import InfluencerRepository

HOME_RUNS = 10


def register(app: App, runtime: SlackRuntime) -> None:
    @app.event("app_home_opened")
    def publish_home(event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if event.get("tab", "home") != "home" or not runtime.receipts.first_delivery(body):
            return
        workspace_id = str(context.team_id or "")
        runs = runs_visible_to(runtime, client, workspace_id, event["user"], limit=HOME_RUNS)
        client.views_publish(
            user_id=event["user"], view=render_home(runs, InfluencerRepository(runtime.engine).count(workspace_id))
        )
