"""Slash-command subcommands (`/segment last`, `/influencers list`, ...) and the registry that routes to them.

Every module here named `*_commands.py` defines `register(registry: CommandRegistry)` and adds its
subcommands with `registry.add(...)`; `build_registry()` discovers them, so a new group (e.g. the digests'
`digest_commands.py`) needs no other change. A handler receives a `CommandRequest` and answers with
`request.respond(...)`; raising `SegbotError` shows its sentence to the user instead.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.report.escaping import Mrkdwn
from bot.report.render import RenderedMessage
from bot.slack.runtime import SlackRuntime


@dataclass(frozen=True)
class CommandRequest:
    """One slash command, already acknowledged. `args` is the text after the subcommand's name."""

    command: str
    name: str
    args: str
    workspace_id: str
    channel_id: str
    user_id: str
    trigger_id: str | None
    respond: Respond
    client: WebClient
    runtime: SlackRuntime
    match: re.Match[str] | None = None

    def reply(self, message: RenderedMessage) -> None:
        """Answer only the person who typed the command (a rendered message: `text` plus `blocks`)."""
        self.respond(text=message.text, blocks=message.blocks, response_type="ephemeral", replace_original=False)

    def say(self, text: Mrkdwn, *, in_channel: bool = False) -> None:
        """Answer with one mrkdwn sentence, built by `mrkdwn_format` (user text escaped), to the person who typed
        the command or, `in_channel`, to everyone in the conversation."""
        self.respond(text=text, response_type="in_channel" if in_channel else "ephemeral", replace_original=False)


SubcommandHandler = Callable[[CommandRequest], None]


@dataclass(frozen=True)
class Subcommand:
    command: str
    name: str
    usage: str
    summary: str
    handler: SubcommandHandler
    pattern: re.Pattern[str] | None = None


@dataclass
class CommandRegistry:
    """Subcommands by slash command; the first word picks one, or a pattern matching the whole text."""

    subcommands: list[Subcommand] = field(default_factory=list)

    def add(
        self,
        command: str,
        name: str,
        handler: SubcommandHandler,
        *,
        usage: str,
        summary: str,
        pattern: str | None = None,
    ) -> None:
        compiled = re.compile(pattern, re.IGNORECASE) if pattern else None
        self.subcommands.append(Subcommand(command, name, usage, summary, handler, compiled))

    def commands(self) -> list[str]:
        return sorted({subcommand.command for subcommand in self.subcommands})

    def listing(self, command: str | None = None) -> list[Subcommand]:
        return [s for s in self.subcommands if command is None or s.command == command]

    def find(self, command: str, text: str) -> tuple[Subcommand, str, re.Match[str] | None] | None:
        """The subcommand `text` asks for, the rest of the text, and the pattern match (if any)."""
        text = " ".join(text.split())
        first, _, rest = text.partition(" ")
        for subcommand in self.listing(command):
            if subcommand.pattern is not None:
                match = subcommand.pattern.fullmatch(text)
                if match:
                    return subcommand, text, match
            elif first.lower() == subcommand.name:
                return subcommand, rest, None
        return None


def build_registry() -> CommandRegistry:
    registry = CommandRegistry()
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module_info.name.endswith("_commands"):
            importlib.import_module(f"{__name__}.{module_info.name}").register(registry)
    return registry
