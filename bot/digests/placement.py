"""Where a dataset's digest may be posted: only in the conversation its uploads came from.

A digest shows a dataset's segments, so posting it elsewhere would show a private channel's data to another
audience. A dataset whose runs all came from conversation C may have its digest in C only; one whose runs
came from several conversations, in none of them; one made only outside Slack (the CLI, a pulled source)
anywhere an admin's subscription points. SEGBOT_DIGEST_ANY_CHANNEL=true lets an admin lift the rule.
"""

from __future__ import annotations

from sqlalchemy import Engine

from bot.settings import Settings
from bot.storage.runs import RunRepository


def digest_refusal(
    settings: Settings, engine: Engine, workspace_id: str, dataset_name: str, channel_id: str
) -> str | None:
    """Why the digest of `dataset_name` may not go to `channel_id` (a sentence), or None when it may."""
    if settings.digest_any_channel:
        return None
    origins = RunRepository(engine).channels(workspace_id, dataset_name=dataset_name)
    if not origins or origins == {channel_id}:
        return None
    if len(origins) == 1:
        return (
            "its uploads came from another conversation, so its digest may only be posted there "
            "(an admin can allow any channel with SEGBOT_DIGEST_ANY_CHANNEL)"
        )
    return (
        "its uploads came from several conversations, so its digest would show one conversation's data in "
        "another (an admin can allow that with SEGBOT_DIGEST_ANY_CHANNEL)"
    )
