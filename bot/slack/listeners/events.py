"""Events: files shared in channels (as `file_share` messages or `file_shared` events), mentions, uninstalls
(which delete the workspace's data: docs/data-and-tokens.md), other messages.

Every listener that does work first checks the delivery's event_id against the database (after Slack was
acknowledged), so Slack's retries and replays are handled once.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.report.render import render_help
from bot.services.workspace_data import forget_user_tokens, forget_workspace
from bot.slack.jobs import CATALOG_IMPORT, SEGMENT_UPLOAD
from bot.slack.runtime import SlackRuntime
from bot.slack.workflows.accept_upload import accept_shared_file, wants_catalog_import

log = logging.getLogger(__name__)


def register(app: App, runtime: SlackRuntime) -> None:
    @app.event({"type": "message", "subtype": "file_share"})
    def on_file_share(event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if event.get("bot_id") or event.get("user") == context.bot_user_id or not runtime.receipts.first_delivery(body):
            return
        for file in event.get("files", []):
            accept_shared_file(
                runtime,
                client,
                workspace_id=_workspace(context),
                channel_id=event["channel"],
                user_id=event.get("user"),
                file=file,
                thread_ts=event.get("thread_ts") or event.get("ts"),
                kind=CATALOG_IMPORT if wants_catalog_import(event.get("text", "")) else SEGMENT_UPLOAD,
            )

    @app.event("file_shared")
    def on_file_shared(event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if event.get("user_id") == context.bot_user_id or not runtime.receipts.first_delivery(body):
            return
        accept_shared_file(
            runtime,
            client,
            workspace_id=_workspace(context),
            channel_id=event["channel_id"],
            user_id=event.get("user_id"),
            file={"id": event["file_id"]},
            thread_ts=None,
        )

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if not runtime.receipts.first_delivery(body):
            return
        message = render_help()
        client.chat_postMessage(
            channel=event["channel"],
            thread_ts=event.get("thread_ts") or event["ts"],
            text=message.text,
            blocks=message.blocks,
        )

    @app.event("member_joined_channel")
    @app.event("member_left_channel")
    @app.event("channel_left")
    @app.event("group_left")
    def on_membership_change(event: dict[str, Any], context: BoltContext) -> None:
        """Someone (or Segbot itself) joined or left: ask Slack again before showing that conversation's runs."""
        runtime.access.forget_conversation(_workspace(context), str(event.get("channel") or ""))

    @app.event("app_uninstalled")
    def on_uninstalled(context: BoltContext) -> None:
        forget_workspace(runtime.engine, _workspace(context), reason="app_uninstalled")

    @app.event("tokens_revoked")
    def on_tokens_revoked(event: dict[str, Any], context: BoltContext) -> None:
        """The bot's token revoked: the workspace is gone for Segbot. Only user tokens: drop those users' rows."""
        tokens = event.get("tokens") or {}
        if tokens.get("bot"):
            forget_workspace(runtime.engine, _workspace(context), reason="tokens_revoked")
        elif tokens.get("oauth") and runtime.tokens.store is not None:
            forget_user_tokens(
                runtime.tokens.store,
                enterprise_id=context.enterprise_id,
                team_id=context.team_id,
                user_ids=[str(user) for user in tokens["oauth"]],
            )

    @app.event("message")
    def on_other_message() -> None:
        """Acknowledge every other message, so Slack does not retry deliveries nobody handled."""


def _workspace(context: BoltContext) -> str:
    return str(context.team_id or context.enterprise_id or "")
