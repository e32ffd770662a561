"""Suggesting creators for a segmentation result from a workspace's catalog (the CLI and Slack call this)."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.storage.influencers import InfluencerRepository
from bot.storage.suggestions import SuggestionRepository
from segmentation.matching import Suggestion, match_influencers
from segmentation.result import SegmentationResult

EMPTY_CATALOG_HINT = "no catalog yet: import one with `segbot influencers import`"


def suggest_for_result(
    engine: Engine, workspace_id: str, result: SegmentationResult, per_segment: int, *, run_id: int | None = None
) -> dict[int, tuple[Suggestion, ...]]:
    """Up to `per_segment` creators per segment id, best first, honouring the workspace's pins and blocks.

    Every segment id is a key; its tuple is empty when the catalog is empty or nothing fits. When `run_id`
    is given the suggestions are recorded with that run.
    """
    catalog = InfluencerRepository(engine)
    choices = catalog.choices(workspace_id)
    suggestions = match_influencers(
        result,
        catalog.entries(workspace_id),
        per_segment=per_segment,
        pinned=choices.pinned,
        blocked=choices.blocked,
    )
    if run_id is not None:
        SuggestionRepository(engine).record(workspace_id, run_id, suggestions)
    return suggestions
