"""Suggesting creators for a segmentation result from a workspace's catalog (the CLI and Slack call this)."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.storage.influencers import InfluencerRepository
from bot.storage.suggestions import SuggestionRepository
from segmentation.matching import CatalogMatch, match_catalog
from segmentation.result import SegmentationResult


def suggest_for_result(
    engine: Engine, workspace_id: str, result: SegmentationResult, per_segment: int, *, run_id: int | None = None
) -> CatalogMatch:
    """Up to `per_segment` creators per segment id, best first, honouring the workspace's pins and blocks,
    with the evidence they rest on and, for segments nobody fits, the closest creator.

    Every segment id is a key of `suggestions`; its tuple is empty when the catalog is empty, nothing fits, or
    the file gives too little to match on. When `run_id` is given the suggestions are recorded with that run.
    """
    catalog = InfluencerRepository(engine)
    choices = catalog.choices(workspace_id)
    match = match_catalog(
        result,
        catalog.entries(workspace_id),
        per_segment=per_segment,
        pinned=choices.pinned,
        blocked=choices.blocked,
    )
    if run_id is not None:
        SuggestionRepository(engine).record(workspace_id, run_id, match.suggestions)
    return match
