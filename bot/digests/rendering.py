"""Rendering a digest view into a Slack message: Block Kit blocks and the plain-text fallback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.digests.view_model import DigestView
from bot.report.templating import render_blocks, render_text


@dataclass(frozen=True)
class RenderedDigest:
    text: str
    blocks: list[dict[str, Any]]


def render_digest(view: DigestView) -> RenderedDigest:
    return RenderedDigest(
        text=render_text("digest.txt.j2", view=view),
        blocks=render_blocks("digest.json.j2", view=view),
    )
