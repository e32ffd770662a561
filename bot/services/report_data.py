"""Building a report's typed input: a result with influencer suggestions per segment and the catalog's size."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.report.report_input import ReportInput
from bot.services.suggestions import suggest_for_result
from bot.storage.influencers import InfluencerRepository
from bot.storage.runs import StoredRun
from segmentation.result import SegmentationResult

SUGGESTIONS_PER_SEGMENT = 3


def build_report(
    engine: Engine,
    workspace_id: str,
    result: SegmentationResult,
    run_id: int | None,
    *,
    per_segment: int = SUGGESTIONS_PER_SEGMENT,
) -> ReportInput:
    """`result` with each segment's top influencers from the workspace's catalog (empty without a catalog)
    and the number of creators in that catalog.

    With `run_id` the suggestions are recorded for that run (done once, when the run is made).
    """
    match = suggest_for_result(engine, workspace_id, result, per_segment, run_id=run_id)
    return ReportInput.of_match(result, match, catalog_size=InfluencerRepository(engine).count(workspace_id))


def stored_report(engine: Engine, run: StoredRun) -> ReportInput:
    """The report of a stored run, with fresh influencer suggestions."""
    return build_report(engine, run.workspace_id, run.result, None)
