"""The Jinja2 environments that render `bot/templates/`: Block Kit JSON and plain-text fallbacks.

The templates are package data, loaded with `PackageLoader` (importlib.resources), so a plain `pip install .`
finds them as well as an editable checkout.

In `*.json.j2` templates every `{{ ... }}` is escaped for the inside of a JSON string, so a quote or a
backslash in user text can never break the JSON; Slack mrkdwn escaping stays explicit (`| mrkdwn`), since
plain_text fields must not be escaped. Longer mrkdwn texts live in `*.md.j2` templates, which a JSON
template renders with `md(name, ...)` (escaped for JSON once, as a whole). A blocks template writes Block Kit
objects one after another (no commas); `render_blocks` reads them back as a list.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from bot.report import actions, messages
from bot.report.filters import FILTERS, json_string


@cache
def _environment(for_json: bool) -> Environment:
    environment = Environment(
        loader=PackageLoader("bot", "templates"),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        finalize=json_string if for_json else None,
    )
    environment.filters.update(FILTERS)
    environment.globals.update(msg=messages, actions=actions)
    if for_json:
        environment.globals["md"] = render_text
    return environment


def render_text(name: str, **context: Any) -> str:
    """A plain-text (mrkdwn) template, with surrounding whitespace removed."""
    return _environment(for_json=False).get_template(name).render(**context).strip()


def render_json(name: str, **context: Any) -> Any:
    """A template holding one JSON value."""
    return json.loads(_environment(for_json=True).get_template(name).render(**context))


def render_blocks(name: str, **context: Any) -> list[dict[str, Any]]:
    """A template writing Block Kit objects one after another, as a list."""
    text = _environment(for_json=True).get_template(name).render(**context)
    decoder = json.JSONDecoder()
    blocks: list[dict[str, Any]] = []
    position = _skip_space(text, 0)
    while position < len(text):
        block, position = decoder.raw_decode(text, position)
        blocks.append(block)
        position = _skip_space(text, position)
    return blocks


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position
