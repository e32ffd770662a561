"""Segmentation runs: what was segmented, when, by whom, and the aggregate result (never customer rows)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Engine, desc, func, insert, select, update
from sqlalchemy.engine import Row

from bot.storage.datasets import default_dataset_name
from bot.storage.tables_core import runs
from bot.storage.tables_slack import slack_jobs
from bot.storage.workspaces import ensure_workspace
from segmentation.result import SegmentationResult


@dataclass(frozen=True)
class RunChoices:
    """The columns a run was asked to value and compare segments on (the re-run modal, `--value`/`--outcome`).

    `value`: None, found automatically; False, none; else the column. `outcomes`: None, found automatically;
    else exactly these (none when empty). A re-run and a labels export pass them to the engine again.
    """

    value: str | Literal[False] | None = None
    outcomes: tuple[str, ...] | None = None

    @property
    def automatic(self) -> bool:
        return self.value is None and self.outcomes is None

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "outcomes": None if self.outcomes is None else list(self.outcomes)}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> RunChoices:
        if not data:
            return cls()
        outcomes = data.get("outcomes")
        return cls(value=data.get("value"), outcomes=None if outcomes is None else tuple(outcomes))


@dataclass(frozen=True)
class NewRun:
    """What the caller knows about a run besides the result itself."""

    workspace_id: str
    dataset_name: str
    file_name: str
    file_hash: str
    created_by: str | None = None
    channel_id: str | None = None
    thread_ts: str | None = None
    source_file_id: str | None = None
    forced_k: int | None = None
    choices: RunChoices = field(default_factory=RunChoices)


@dataclass(frozen=True)
class StoredRun:
    id: int
    workspace_id: str
    dataset_name: str
    file_name: str
    file_hash: str
    created_at: datetime
    created_by: str | None
    channel_id: str | None
    thread_ts: str | None
    source_file_id: str | None
    n_rows: int
    k: int
    stability: float
    seed: int
    forced_k: int | None
    result: SegmentationResult  # as stored: no row labels
    choices: RunChoices = field(default_factory=RunChoices)

    @property
    def named_dataset(self) -> bool:
        """The run's dataset has a name of its own, not just the one its file name gives."""
        return self.dataset_name != default_dataset_name(self.file_name)


def result_to_json(result: SegmentationResult) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The stored form of a result: (profiles, column roles), both plain JSON."""
    profiles = result.to_dict()
    column_roles: list[dict[str, Any]] = profiles.pop("columns")
    return profiles, column_roles


def result_from_json(profiles: dict[str, Any], column_roles: list[dict[str, Any]]) -> SegmentationResult:
    """A stored result back as the engine's dataclasses (the only place stored run JSON is read)."""
    return SegmentationResult.from_dict({**profiles, "columns": column_roles})


class RunRepository:
    """Stores and reads runs; every query is scoped to one workspace."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(
        self,
        new_run: NewRun,
        result: SegmentationResult,
        *,
        created_at: datetime | None = None,
        job_id: int | None = None,
    ) -> StoredRun:
        """Store a run; with `job_id`, the job records it in the same transaction (see `for_job`)."""
        profiles, column_roles = result_to_json(result)
        with self.engine.begin() as connection:
            ensure_workspace(connection, new_run.workspace_id)
            run_id = connection.execute(
                insert(runs)
                .values(
                    workspace_id=new_run.workspace_id,
                    dataset_name=new_run.dataset_name,
                    file_name=new_run.file_name,
                    file_hash=new_run.file_hash,
                    created_at=created_at or datetime.now(UTC),
                    created_by=new_run.created_by,
                    channel_id=new_run.channel_id,
                    thread_ts=new_run.thread_ts,
                    source_file_id=new_run.source_file_id,
                    n_rows=result.n_rows,
                    k=result.k,
                    stability=result.stability,
                    seed=result.seed,
                    forced_k=new_run.forced_k,
                    choices=None if new_run.choices.automatic else new_run.choices.to_dict(),
                    profiles=profiles,
                    column_roles=column_roles,
                )
                .returning(runs.c.id)
            ).scalar_one()
            if job_id is not None:
                connection.execute(update(slack_jobs).where(slack_jobs.c.id == job_id).values(run_id=run_id))
        stored = self.get(new_run.workspace_id, run_id)
        assert stored is not None
        return stored

    def get(self, workspace_id: str, run_id: int) -> StoredRun | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(runs).where(runs.c.workspace_id == workspace_id, runs.c.id == run_id)
            ).first()
        return _to_run(row) if row else None

    def for_job(self, workspace_id: str, job_id: int) -> StoredRun | None:
        """The run job `job_id` stored on an earlier attempt, if any (a retried job does not segment twice)."""
        with self.engine.connect() as connection:
            run_id = connection.execute(select(slack_jobs.c.run_id).where(slack_jobs.c.id == job_id)).scalar()
        return self.get(workspace_id, int(run_id)) if run_id is not None else None

    def latest(self, workspace_id: str, *, channel_id: str | None = None) -> StoredRun | None:
        found = self.recent(workspace_id, channel_id=channel_id, limit=1)
        return found[0] if found else None

    def recent(
        self,
        workspace_id: str,
        *,
        channel_id: str | None = None,
        channel_ids: Collection[str] | None = None,
        limit: int = 10,
    ) -> list[StoredRun]:
        """The newest runs first; only those of `channel_id`, or of `channel_ids` (none when it is empty)."""
        query = select(runs).where(runs.c.workspace_id == workspace_id)
        if channel_id is not None:
            query = query.where(runs.c.channel_id == channel_id)
        if channel_ids is not None:
            query = query.where(runs.c.channel_id.in_(sorted(channel_ids)))
        query = query.order_by(desc(runs.c.created_at), desc(runs.c.id)).limit(limit)
        with self.engine.connect() as connection:
            return [_to_run(row) for row in connection.execute(query)]

    def channels(self, workspace_id: str, *, dataset_name: str | None = None) -> set[str]:
        """The conversations the workspace's runs (or one dataset's runs) came from."""
        query = select(runs.c.channel_id).where(runs.c.workspace_id == workspace_id, runs.c.channel_id.is_not(None))
        if dataset_name is not None:
            query = query.where(runs.c.dataset_name == dataset_name)
        with self.engine.connect() as connection:
            return {str(channel) for channel in connection.execute(query.distinct()).scalars()}

    def count(self, workspace_id: str) -> int:
        with self.engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count()).select_from(runs).where(runs.c.workspace_id == workspace_id)
                ).scalar_one()
            )


def _to_run(row: Row[Any]) -> StoredRun:
    created_at = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    return StoredRun(
        id=row.id,
        workspace_id=row.workspace_id,
        dataset_name=row.dataset_name,
        file_name=row.file_name,
        file_hash=row.file_hash,
        created_at=created_at,
        created_by=row.created_by,
        channel_id=row.channel_id,
        thread_ts=row.thread_ts,
        source_file_id=row.source_file_id,
        n_rows=row.n_rows,
        k=row.k,
        stability=row.stability,
        seed=row.seed,
        forced_k=row.forced_k,
        result=result_from_json(row.profiles, row.column_roles),
        choices=RunChoices.from_dict(row.choices),
    )
