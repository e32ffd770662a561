"""Bolt listeners, one module per kind of request; each module's `register(app, runtime)` wires its callbacks.

Listeners stay thin: read the request, acknowledge, call one service, answer with a rendered message.
"""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners import actions, commands, events, home, views
from bot.slack.runtime import SlackRuntime


def register_all(app: App, runtime: SlackRuntime) -> None:
    # Order matters for events: Bolt runs the first matching listener, and the catch-all `message`
    # listener in `events` must come after the specific ones.
    for module in (commands, actions, views, home, events):
        module.register(app, runtime)
