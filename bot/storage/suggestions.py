"""The influencer suggestions made for each segment of a run, kept beside the run they explain."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, insert, select

from bot.storage.tables_influencers import influencer_suggestions
from bot.storage.workspaces import ensure_workspace
from segmentation.matching import Suggestion


class SuggestionRepository:
    """Records and reads suggestions; every query is scoped to one workspace."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(self, workspace_id: str, run_id: int, suggestions: Mapping[int, Sequence[Suggestion]]) -> int:
        """Store every suggestion (rank 1 = best) in one transaction, replacing any the run had (a retried job
        records them once); returns how many were stored."""
        now = datetime.now(UTC)
        rows = [
            {
                "run_id": run_id,
                "workspace_id": workspace_id,
                "segment_id": segment_id,
                "rank": rank,
                "platform": suggestion.platform,
                "handle": suggestion.handle,
                "score": suggestion.score,
                "reasons": list(suggestion.reasons),
                "flags": list(suggestion.flags),
                "pinned": int(suggestion.pinned),
                "created_at": now,
            }
            for segment_id, ranked in suggestions.items()
            for rank, suggestion in enumerate(ranked, start=1)
        ]
        with self.engine.begin() as connection:
            ensure_workspace(connection, workspace_id)
            connection.execute(
                delete(influencer_suggestions).where(
                    influencer_suggestions.c.workspace_id == workspace_id, influencer_suggestions.c.run_id == run_id
                )
            )
            if rows:
                connection.execute(insert(influencer_suggestions), rows)
        return len(rows)

    def for_run(self, workspace_id: str, run_id: int) -> dict[int, tuple[Suggestion, ...]]:
        """The suggestions of a run by segment id, best first (empty when none were made)."""
        table = influencer_suggestions
        query = (
            select(table)
            .where(table.c.workspace_id == workspace_id, table.c.run_id == run_id)
            .order_by(table.c.segment_id, table.c.rank)
        )
        found: dict[int, list[Suggestion]] = {}
        with self.engine.connect() as connection:
            for row in connection.execute(query):
                found.setdefault(row.segment_id, []).append(
                    Suggestion(
                        platform=row.platform,
                        handle=row.handle,
                        score=row.score,
                        reasons=tuple(row.reasons),
                        flags=tuple(row.flags),
                        pinned=bool(row.pinned),
                    )
                )
        return {segment_id: tuple(items) for segment_id, items in found.items()}
