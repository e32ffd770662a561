"""docs/slack-admin.md lists exactly the bot scopes and bot events of deploy/manifest.yml, so they cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _table_names(doc: str, header: str) -> set[str]:
    """Every `name` in the first cell of the rows of the Markdown table whose header row starts with `header`."""
    lines = doc.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {header} |"))
    names: set[str] = set()
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        names.update(re.findall(r"`([^`]+)`", line.split("|")[1]))
    return names


def test_scope_and_event_tables_match_the_manifest() -> None:
    manifest = yaml.safe_load((ROOT / "deploy" / "manifest.yml").read_text(encoding="utf-8"))
    doc = (ROOT / "docs" / "slack-admin.md").read_text(encoding="utf-8")
    assert _table_names(doc, "bot scope") == set(manifest["oauth_config"]["scopes"]["bot"])
    assert _table_names(doc, "bot event") == set(manifest["settings"]["event_subscriptions"]["bot_events"])
