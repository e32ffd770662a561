"""The summary a report is rendered from: the result as plain data, with influencer suggestions per segment."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from bot.services.suggestions import suggest_for_result
from bot.storage.influencers import InfluencerRepository
from bot.storage.runs import StoredRun
from segmentation.result import SegmentationResult

SUGGESTIONS_PER_SEGMENT = 3


def report_summary(
    engine: Engine,
    workspace_id: str,
    result: SegmentationResult,
    run_id: int | None,
    *,
    per_segment: int = SUGGESTIONS_PER_SEGMENT,
) -> dict[str, Any]:
    """`result.to_dict()` with each segment's top influencers under `"influencers"` (empty without a catalog)
    and the number of creators in the workspace's catalog under `"catalog_size"`.

    With `run_id` the suggestions are recorded for that run (done once, when the run is made).
    """
    summary = result.to_dict()
    suggestions = suggest_for_result(engine, workspace_id, result, per_segment, run_id=run_id)
    for segment in summary["segments"]:
        segment["influencers"] = [s.to_dict() for s in suggestions.get(segment["id"], ())]
    summary["catalog_size"] = InfluencerRepository(engine).count(workspace_id)
    return summary


def stored_summary(engine: Engine, run: StoredRun) -> dict[str, Any]:
    """The summary of a stored run (profiles plus column roles), with fresh influencer suggestions."""
    result = SegmentationResult.from_dict({**run.profiles, "columns": run.column_roles})
    return report_summary(engine, run.workspace_id, result, None)
