"""Block Kit limits: checks a message or view against them, and shortens text at word boundaries.

slack_sdk's validators catch most limits (`Block.parse(d).validate_json()`); the checks here add the ones they
miss (button text, context size, empty text, unknown blocks) so a message is never rejected by Slack.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from bot.report.escaping import escape_mrkdwn

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
SECTION_TEXT = 3000
SECTION_FIELDS = 10
FIELD_TEXT = 2000
HEADER_TEXT = 150
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ID_LENGTH = 255
VIEW_TEXT = 24
PRIVATE_METADATA = 3000
ELLIPSIS = "…"


class BlockKitLimitError(ValueError):
    """Blocks that Slack would reject; the message lists every problem found."""


def shorten(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else its longest run of whole words that fits, plus `…`."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS) + 1]
    space = cut.rfind(" ")
    kept = cut[:space] if space > 0 else ""
    kept = kept.rstrip(" ,;:·—-")
    return kept + ELLIPSIS if kept else ELLIPSIS


def fit_mrkdwn(text: str, limit: int) -> str:
    """`shorten`, counting characters as Slack will after escaping (`&` becomes 5 characters, `<` and `>` 4),
    so user text at its cap still fits the block it goes into."""
    budget = limit
    while True:
        kept = shorten(text, budget)
        over = len(escape_mrkdwn(kept)) - limit
        if over <= 0 or budget <= 1:
            return kept
        budget = max(1, budget - over)


def block_problems(blocks: Sequence[Mapping[str, Any]], *, max_blocks: int = MAX_MESSAGE_BLOCKS) -> list[str]:
    """Everything Slack would reject in these blocks, as readable lines; empty when they are fine."""
    problems = [] if len(blocks) <= max_blocks else [f"{len(blocks)} blocks, more than {max_blocks}"]
    for index, block in enumerate(blocks):
        problems += [f"block {index} ({block.get('type')}): {p}" for p in _one_block_problems(block)]
    return problems


def view_problems(view: Mapping[str, Any]) -> list[str]:
    """Problems of a modal or Home tab view, including its blocks."""
    problems = block_problems(view.get("blocks", []), max_blocks=MAX_VIEW_BLOCKS)
    for key in ("title", "submit", "close"):
        if key in view and len(view[key]["text"]) > VIEW_TEXT:
            problems.append(f"view {key} longer than {VIEW_TEXT} characters")
    if len(view.get("private_metadata", "")) > PRIVATE_METADATA:
        problems.append(f"private_metadata longer than {PRIVATE_METADATA} characters")
    return problems


def check_blocks(blocks: Sequence[Mapping[str, Any]], *, max_blocks: int = MAX_MESSAGE_BLOCKS) -> None:
    problems = block_problems(blocks, max_blocks=max_blocks)
    if problems:
        raise BlockKitLimitError("; ".join(problems))


def check_view(view: Mapping[str, Any]) -> None:
    problems = view_problems(view)
    if problems:
        raise BlockKitLimitError("; ".join(problems))


def first_valid(candidates: Iterable[Callable[[], list[dict[str, Any]]]]) -> list[dict[str, Any]]:
    """The blocks of the first candidate (most detailed first) that Slack accepts."""
    problems: list[str] = []
    for render in candidates:
        blocks = render()
        problems = block_problems(blocks)
        if not problems:
            return blocks
    raise BlockKitLimitError("even the most compact layout breaks Block Kit limits: " + "; ".join(problems))


def _one_block_problems(block: Mapping[str, Any]) -> list[str]:
    # Imported here: the terminal report shortens text with this module and never builds blocks.
    from slack_sdk.errors import SlackObjectFormationError
    from slack_sdk.models.blocks import Block

    try:
        parsed = Block.parse(dict(block))
        if parsed is None:
            return ["unknown block type"]
        parsed.validate_json()
    except SlackObjectFormationError as error:
        return [str(error)]
    return list(_own_checks(block))


def _own_checks(block: Mapping[str, Any]) -> Iterable[str]:
    kind = block["type"]
    if len(block.get("block_id", "")) > ID_LENGTH:
        yield f"block_id longer than {ID_LENGTH}"
    if kind == "header":
        yield from _text_problems(block["text"], HEADER_TEXT, "header text")
    elif kind == "section":
        yield from _section_problems(block)
    elif kind == "context":
        if len(block["elements"]) > CONTEXT_ELEMENTS:
            yield f"more than {CONTEXT_ELEMENTS} context elements"
        for element in block["elements"]:
            if "text" in element:
                yield from _text_problems(element, SECTION_TEXT, "context text")
    elif kind == "actions":
        if len(block["elements"]) > ACTIONS_ELEMENTS:
            yield f"more than {ACTIONS_ELEMENTS} actions"
        for element in block["elements"]:
            yield from _element_problems(element)


def _section_problems(block: Mapping[str, Any]) -> Iterable[str]:
    if "text" not in block and not block.get("fields"):
        yield "a section needs text or fields"
    if "text" in block:
        yield from _text_problems(block["text"], SECTION_TEXT, "section text")
    if len(block.get("fields", [])) > SECTION_FIELDS:
        yield f"more than {SECTION_FIELDS} fields"
    for field in block.get("fields", []):
        yield from _text_problems(field, FIELD_TEXT, "field text")
    if "accessory" in block:
        yield from _element_problems(block["accessory"])


def _element_problems(element: Mapping[str, Any]) -> Iterable[str]:
    if len(element.get("action_id", "")) > ID_LENGTH:
        yield f"action_id longer than {ID_LENGTH}"
    if element.get("type") == "button":
        yield from _text_problems(element["text"], BUTTON_TEXT, "button text")
        if len(element.get("value", "")) > BUTTON_VALUE:
            yield f"button value longer than {BUTTON_VALUE}"


def _text_problems(text: Mapping[str, Any], limit: int, what: str) -> Iterable[str]:
    content = text.get("text", "")
    if not content.strip():
        yield f"{what} is empty"
    if len(content) > limit:
        yield f"{what} has {len(content)} characters, more than {limit}"
