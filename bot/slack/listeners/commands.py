"""Slash commands: acknowledge at once, then route `/segment ...` and `/influencers ...` to their subcommand."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.report.render import render_help
from bot.slack.commands import CommandRequest, build_registry
from bot.slack.error_handler import acknowledged
from bot.slack.runtime import SlackRuntime


def register(app: App, runtime: SlackRuntime) -> None:
    registry = build_registry()

    def on_command(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext) -> None:
        command = body  # a slash command's body is the command itself
        with acknowledged(ack, body, context):
            found = registry.find(command["command"], command.get("text") or "")
            if found is None:
                message = render_help()
                respond(text=message.text, blocks=message.blocks, response_type="ephemeral")
                return
            subcommand, args, match = found
            subcommand.handler(
                CommandRequest(
                    command=command["command"],
                    name=subcommand.name,
                    args=args,
                    workspace_id=str(context.team_id or command.get("team_id") or ""),
                    channel_id=command["channel_id"],
                    user_id=command["user_id"],
                    trigger_id=command.get("trigger_id"),
                    respond=respond,
                    client=client,
                    runtime=runtime,
                    match=match,
                )
            )

    for name in registry.commands():
        app.command(name)(on_command)
