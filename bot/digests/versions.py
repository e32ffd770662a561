"""Adding a dataset version: segment the data, store the run (aggregates only) and number it."""

from __future__ import annotations

import io
from datetime import datetime

from sqlalchemy import Engine

from bot.digests.sources import PulledData
from bot.storage.datasets import DatasetRepository, DatasetVersion
from bot.storage.runs import NewRun, RunRepository
from segmentation import segment
from segmentation.limits import ReadLimits


def add_version(
    engine: Engine,
    workspace_id: str,
    dataset_name: str,
    pulled: PulledData,
    *,
    origin: str,
    now: datetime,
    limits: ReadLimits,
) -> DatasetVersion:
    """A new version of the dataset from `pulled` (raises the engine's error when it cannot be segmented)."""
    data = pulled.data if not isinstance(pulled.data, bytes) else io.BytesIO(pulled.data)
    result = segment(data, limits=limits)
    new_run = NewRun(
        workspace_id=workspace_id, dataset_name=dataset_name, file_name=pulled.file_name, file_hash=pulled.file_hash
    )
    run = RunRepository(engine).add(new_run, result, created_at=now)
    return DatasetRepository(engine).record_run(workspace_id, dataset_name, run.id, origin=origin)
