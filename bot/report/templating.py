"""The Jinja2 environments that render `bot/templates/`: Block Kit JSON and plain-text fallbacks.

The templates are package data, loaded with `PackageLoader` (importlib.resources), so a plain `pip install .`
finds them as well as an editable checkout.

In `*.md.j2` and `*.txt.j2` templates (mrkdwn: block texts and message fallbacks) every `{{ ... }}` is
escaped for Slack by `bot.report.escaping.escape_mrkdwn`, so user text can never ping or link; a macro's
output is marked `|rendered` so it is not escaped twice. In `*.json.j2` templates every `{{ ... }}` is
escaped for the inside of a JSON string, so a quote or a backslash in user text can never break the JSON,
and is not mrkdwn-escaped, since plain_text fields must show text as typed: mrkdwn texts in a JSON template
come from `md(name, ...)` (a `*.md.j2` template, escaped for JSON once, as a whole) or name `|mrkdwn`
explicitly (a test checks this). A blocks template writes Block Kit
objects one after another (no commas); `render_blocks` reads them back as a list.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from bot.report import actions, messages
from bot.report.escaping import Mrkdwn, escape_mrkdwn
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
        finalize=json_string if for_json else escape_mrkdwn,
    )
    environment.filters.update(FILTERS)
    if not for_json:
        environment.filters["join"] = join_mrkdwn
    environment.globals.update(msg=messages, actions=actions)
    if for_json:
        environment.globals["md"] = render_text
    return environment


def join_mrkdwn(items: Iterable[object], separator: str = "") -> Mrkdwn:
    """Jinja's `join` for mrkdwn: each item escaped once (already-escaped ones kept), the template's separator
    kept as markup, so `names|join(", ")` and `names|map("mrkdwn")|join(", ")` both come out right."""
    return Mrkdwn(separator.join(escape_mrkdwn(item) for item in items))


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
