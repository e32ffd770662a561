"""The `/influencers import` modal: a file input for a catalog CSV or XLSX and optional column choices (one
`field = Column` per line, like the CLI's `--map`), answered in the command's channel."""

from __future__ import annotations

import json
from typing import Any

IMPORT_CALLBACK = "segbot_influencers_import"
IMPORT_FILE_BLOCK = "segbot_catalog_file_block"
IMPORT_FILE_INPUT = "segbot_catalog_file"
IMPORT_MAP_BLOCK = "segbot_catalog_map_block"
IMPORT_MAP_INPUT = "segbot_catalog_map"
MAX_FILES = 1


def catalog_import_modal(channel_id: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": IMPORT_CALLBACK,
        "private_metadata": json.dumps({"channel_id": channel_id}),
        "title": {"type": "plain_text", "text": "Import influencers"},
        "submit": {"type": "plain_text", "text": "Import"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "input",
                "block_id": IMPORT_FILE_BLOCK,
                "label": {"type": "plain_text", "text": "Catalog file (CSV or XLSX)"},
                "hint": {
                    "type": "plain_text",
                    "text": "One creator per row, with at least a handle and a follower count. "
                    "Creators already in the catalog are updated.",
                },
                "element": {
                    "type": "file_input",
                    "action_id": IMPORT_FILE_INPUT,
                    "filetypes": ["csv", "tsv", "xlsx", "gz"],
                    "max_files": MAX_FILES,
                },
            },
            {
                "type": "input",
                "block_id": IMPORT_MAP_BLOCK,
                "optional": True,
                "label": {"type": "plain_text", "text": "Columns (optional)"},
                "hint": {
                    "type": "plain_text",
                    "text": "Only when Segbot reads a column wrong: one per line, field = column as in the file, "
                    "e.g. followers = Followers (K). The import reply lists every column and what it was read as.",
                },
                "element": {
                    "type": "plain_text_input",
                    "action_id": IMPORT_MAP_INPUT,
                    "multiline": True,
                    "placeholder": {"type": "plain_text", "text": "followers = Followers (K)"},
                },
            },
        ],
    }


def submitted_files(view: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The channel the command came from and the files chosen in a submitted import modal."""
    channel_id = str(json.loads(view["private_metadata"])["channel_id"])
    element = view["state"]["values"][IMPORT_FILE_BLOCK][IMPORT_FILE_INPUT]
    return channel_id, list(element.get("files") or [])


def submitted_mapping(view: dict[str, Any]) -> list[str]:
    """The `field = Column` lines typed in a submitted import modal (none when left empty)."""
    element = view["state"]["values"].get(IMPORT_MAP_BLOCK, {}).get(IMPORT_MAP_INPUT, {})
    return [line.strip() for line in str(element.get("value") or "").splitlines() if line.strip()]
