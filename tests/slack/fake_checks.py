"""What the fake Slack checks in everything the bot sends: Block Kit, views, sizes, and unescaped user text.

Validity (Slack refuses the call): every block through slack_sdk's models (`Block.parse(d).validate_json()`),
every view through `View(**v).validate_json()`, plus the limits Slack enforces that the models leave out
(checked here independently of Segbot's own `bot.report.limits`, so the fake is an oracle, not a mirror):
50 blocks per message and 100 per view, section text 3,000, fields at most 10 of 2,000, header 150,
context at most 10 elements, actions at most 25, button text 75 and value 2,000, ids 255, no empty text,
`text` at most 40,000 characters and always sent next to `blocks`.

Leaks (Slack accepts the call, and pings or links): in message `text` and every mrkdwn text object, any
`<...>` that is not a mention of a real user or conversation of the fake's world (templates only mention the
requesting user or the channel Slack named), any special mention (`<!channel>`, `<!here>`, `<!everyone>`,
`<!subteam^…>`), any link, any lone `<` or `>` (user text that was not escaped; `>` opens a quote), and any
bidirectional-control character (a right-to-left override can disguise a file name). plain_text objects are
not parsed by Slack and are not checked for mentions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
MESSAGE_TEXT = 40_000
LIMITS = {"section": 3000, "field": 2000, "header": 150, "context_elements": 10, "actions": 25}
BUTTON_TEXT, BUTTON_VALUE, ID_LENGTH = 75, 2000, 255

_ANGLE_TOKEN = re.compile(r"<([^<>]*)>")
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")

MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.update", "chat.postEphemeral", "chat.scheduleMessage"})
VIEW_METHODS = frozenset({"views.open", "views.publish", "views.update", "views.push"})


def decoded(value: Any) -> Any:
    """slack_sdk sends `blocks` / `view` as JSON strings in form posts; the parsed value either way."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


# --- validity ----------------------------------------------------------------------------------------------
def message_metadata(value: Any) -> dict[str, Any] | None:
    """Slack message metadata as Slack keeps it, or None when Slack refuses it (`invalid_metadata_format`):
    an object with a string `event_type` and an object `event_payload`."""
    metadata = decoded(value)
    if not isinstance(metadata, dict):
        return None
    if not isinstance(metadata.get("event_type"), str) or not metadata["event_type"]:
        return None
    if not isinstance(metadata.get("event_payload"), dict):
        return None
    return {"event_type": metadata["event_type"], "event_payload": metadata["event_payload"]}


def message_problems(params: Mapping[str, Any]) -> list[str]:
    """Why Slack would refuse (or silently cut) this message; empty when it is fine."""
    problems = []
    blocks = decoded(params.get("blocks")) or []
    text = params.get("text")
    if len(str(text or "")) > MESSAGE_TEXT:
        problems.append(f"text has {len(str(text))} characters, more than {MESSAGE_TEXT}")
    if blocks and not str(text or "").strip():
        problems.append("blocks sent without a text fallback")
    if not blocks and not str(text or "").strip() and not params.get("attachments"):
        problems.append("no text and no blocks")
    problems += blocks_problems(blocks, MESSAGE_BLOCKS)
    return problems


def view_problems(view: Any) -> list[str]:
    view = decoded(view)
    if not isinstance(view, dict):
        return ["view is not a JSON object"]
    problems = []
    try:
        View(**view).validate_json()
    except (SlackObjectFormationError, TypeError, KeyError) as error:
        problems.append(f"view: {error}")
    return problems + blocks_problems(view.get("blocks") or [], VIEW_BLOCKS)


def blocks_problems(blocks: Any, max_blocks: int) -> list[str]:
    if not isinstance(blocks, list):
        return ["blocks is not a list"]
    problems = [f"{len(blocks)} blocks, more than {max_blocks}"] if len(blocks) > max_blocks else []
    for index, block in enumerate(blocks):
        problems += [f"block {index} ({block.get('type')}): {p}" for p in _block_problems(block)]
    return problems


def _block_problems(block: dict[str, Any]) -> list[str]:
    try:
        parsed = Block.parse(dict(block))
        if parsed is None:
            return ["unknown block type"]
        parsed.validate_json()
    except (SlackObjectFormationError, TypeError, KeyError, AttributeError) as error:
        return [f"slack_sdk: {error}"]
    return list(_limits(block))


def _limits(block: dict[str, Any]) -> Iterator[str]:
    kind = block.get("type")
    if len(str(block.get("block_id", ""))) > ID_LENGTH:
        yield "block_id longer than 255"
    if kind == "header":
        yield from _text(block.get("text"), LIMITS["header"], "header")
    elif kind == "section":
        if "text" not in block and not block.get("fields"):
            yield "section without text or fields"
        if "text" in block:
            yield from _text(block["text"], LIMITS["section"], "section text")
        fields = block.get("fields") or []
        if len(fields) > 10:
            yield f"{len(fields)} fields, more than 10"
        for item in fields:
            yield from _text(item, LIMITS["field"], "field")
        if "accessory" in block:
            yield from _element(block["accessory"])
    elif kind == "context":
        elements = block.get("elements") or []
        if len(elements) > LIMITS["context_elements"]:
            yield f"{len(elements)} context elements, more than 10"
        for element in elements:
            if element.get("type") in ("mrkdwn", "plain_text"):
                yield from _text(element, LIMITS["section"], "context text")
    elif kind == "actions":
        elements = block.get("elements") or []
        if len(elements) > LIMITS["actions"]:
            yield f"{len(elements)} actions, more than 25"
        for element in elements:
            yield from _element(element)


def _element(element: dict[str, Any]) -> Iterator[str]:
    if len(str(element.get("action_id", ""))) > ID_LENGTH:
        yield "action_id longer than 255"
    if element.get("type") == "button":
        yield from _text(element.get("text"), BUTTON_TEXT, "button text")
        if len(str(element.get("value", ""))) > BUTTON_VALUE:
            yield "button value longer than 2000"


def _text(text: Any, limit: int, what: str) -> Iterator[str]:
    content = str((text or {}).get("text", "")) if isinstance(text, dict) else str(text or "")
    if not content.strip():
        yield f"{what} is empty"
    if len(content) > limit:
        yield f"{what} has {len(content)} characters, more than {limit}"


# --- leaks -------------------------------------------------------------------------------------------------
def mrkdwn_texts(params: Mapping[str, Any]) -> Iterator[str]:
    """Every text Slack parses for mentions and links: the message `text` and each mrkdwn text object."""
    if params.get("text") is not None and params.get("mrkdwn", True) is not False:
        yield str(params["text"])
    for key in ("blocks", "view", "attachments"):
        yield from _mrkdwn_objects(decoded(params.get(key)))


def _mrkdwn_objects(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn" and isinstance(value.get("text"), str):
            yield value["text"]
        for child in value.values():
            yield from _mrkdwn_objects(child)
    elif isinstance(value, list):
        for child in value:
            yield from _mrkdwn_objects(child)


def leaks_in(text: str, is_known_mention: Callable[[str], bool]) -> list[str]:
    """Unescaped mentions, links, angle brackets and bidi controls in one mrkdwn text."""
    found = []
    for match in _ANGLE_TOKEN.finditer(text):
        inner = match.group(1)
        if inner[:1] in ("@", "#") and is_known_mention(inner[1:].split("|", 1)[0]):
            continue
        found.append(f"unescaped {match.group(0)[:80]!r}")
    rest = _ANGLE_TOKEN.sub("", text)
    if "<" in rest or ">" in rest:
        found.append("unescaped < or > (user text not escaped; > at a line start opens a quote)")
    if _BIDI_CONTROLS.search(text):
        found.append("bidirectional control character (can disguise a name)")
    return found
