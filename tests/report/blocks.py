"""Reading rendered Block Kit back: every text a person sees, and the mrkdwn parts Slack parses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def texts(blocks: list[dict[str, Any]]) -> Iterator[str]:
    """Every text a person sees in these blocks."""
    for block in blocks:
        for key in ("text",):
            if key in block:
                yield block[key]["text"]
        for item in block.get("fields", []) + block.get("elements", []):
            if "text" in item:
                yield item["text"] if isinstance(item["text"], str) else item["text"]["text"]


def mrkdwn_parts(blocks: list[dict[str, Any]]) -> Iterator[str]:
    """Every mrkdwn text (Slack parses mentions only there; plain_text is shown as typed)."""
    for block in blocks:
        candidates = [block.get("text"), *block.get("fields", []), *block.get("elements", [])]
        yield from (c["text"] for c in candidates if isinstance(c, dict) and c.get("type") == "mrkdwn")


def all_text(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(texts(blocks))
