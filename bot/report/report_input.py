"""The typed input of every segment report: the engine's result plus each segment's suggested creators.

Every renderer (Block Kit and its text fallback, the chart, the terminal report) reads a `ReportInput`;
none reads a dict. `bot.services.report_input` builds one from a fresh or a stored result; `to_dict()` is the
JSON `segbot segment --format json` prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from segmentation.ranking import RankedSegment, rank_segments, ranking_note
from segmentation.result import SegmentationResult, SegmentProfile

if TYPE_CHECKING:  # the report of `segbot segment` without --influencers never loads the matching engine
    from segmentation.match_evidence import MatchEvidence
    from segmentation.matching import CatalogMatch, NearMiss, Suggestion

STORED_SCORE_DIGITS = 3  # a suggestion's score as `Suggestion.to_dict` writes it


@dataclass(frozen=True)
class SegmentReport:
    """One segment of a report: its profile and, when suggestions were asked for, its creators (best first)."""

    profile: SegmentProfile
    influencers: tuple[Suggestion, ...] | None = None  # None: not asked for; (): asked, nothing fits
    closest: NearMiss | None = None  # nothing fits: the closest creator in the catalog and why not

    @property
    def creators(self) -> tuple[str, ...]:
        """The suggested creators as the brief names them: "@handle (platform)", best first."""
        return tuple(f"@{s.handle.lstrip('@')} ({s.platform})" for s in self.influencers or ())

    def to_dict(self) -> dict[str, Any]:
        data = self.profile.to_dict()
        if data.get("brief") is not None:
            data["brief"]["creators"] = list(self.creators)
        if self.influencers is not None:
            data["influencers"] = [s.to_dict() for s in self.influencers]
        if self.closest is not None:
            data["closest_influencer"] = self.closest.to_dict()
        return data


@dataclass(frozen=True)
class ReportInput:
    """What a segment report shows. `segments` follow `result.segments` one for one."""

    result: SegmentationResult
    segments: tuple[SegmentReport, ...]
    catalog_size: int | None = None  # creators in the workspace's catalog; None: not looked up
    evidence: MatchEvidence | None = None  # what suggestions rest on; None: not asked for

    @classmethod
    def of_match(cls, result: SegmentationResult, match: CatalogMatch, *, catalog_size: int) -> ReportInput:
        """The report of `result` with a catalog match: suggestions, their evidence, the closest misses."""
        return cls.of(
            result, match.suggestions, catalog_size=catalog_size, evidence=match.evidence, closest=match.closest
        )

    @classmethod
    def of(
        cls,
        result: SegmentationResult,
        suggestions: Mapping[int, Sequence[Suggestion]] | None = None,
        *,
        catalog_size: int | None = None,
        evidence: MatchEvidence | None = None,
        closest: Mapping[int, NearMiss] | None = None,
    ) -> ReportInput:
        """The report of `result`, with `suggestions` per segment id when they were asked for.

        Numbers keep the precision runs are stored with (4 decimals; scores 3), so a report rendered now and
        the same run's report re-opened later read the same.
        """
        stored = SegmentationResult.from_dict(result.to_dict())  # no row labels: no report shows them
        segments = tuple(
            SegmentReport(
                profile,
                None
                if suggestions is None
                else tuple(
                    replace(s, score=round(s.score, STORED_SCORE_DIGITS)) for s in suggestions.get(profile.id, ())
                ),
                (closest or {}).get(profile.id),
            )
            for profile in stored.segments
        )
        return cls(result=stored, segments=segments, catalog_size=catalog_size, evidence=evidence)

    @property
    def ranking(self) -> tuple[RankedSegment, ...]:
        """Every segment once, best first, with the reason for its place (`segmentation.ranking`)."""
        result = self.result
        outcomes = {p.id: p.outcomes for p in result.segments} if result.outcome_columns else None
        return rank_segments(result.segments, outcomes=outcomes, row_noun=result.row_noun)

    @property
    def ranking_note(self) -> str | None:
        """The sentence shown when the file says nothing of what segments are worth; None otherwise."""
        return ranking_note(self.result.value_column, self.result.outcome_columns)

    @property
    def suggestions_made(self) -> bool:
        """Some segment has suggestions; without a catalog every list is empty and the report offers the import."""
        return any(segment.influencers for segment in self.segments)

    def to_dict(self) -> dict[str, Any]:
        """`SegmentationResult.to_dict()` with "influencers" (and "closest_influencer" where none fits) per
        segment, "catalog_size" and "influencer_evidence" (signals, score cap, withheld, note) when looked up."""
        data = self.result.to_dict()
        data["segments"] = [segment.to_dict() for segment in self.segments]
        data["ranking"] = [place.to_dict() for place in self.ranking]
        if self.catalog_size is not None:
            data["catalog_size"] = self.catalog_size
        if self.evidence is not None:
            data["influencer_evidence"] = {
                "signals": list(self.evidence.signals),
                "score_cap": self.evidence.cap,
                "withheld": self.evidence.withheld,
                "note": self.evidence.sentence(),
            }
        return data


class RunRecord(Protocol):
    """A stored run as run lists show it (`bot.storage.runs.StoredRun` is one); rendering never reads storage."""

    @property
    def id(self) -> int: ...
    @property
    def file_name(self) -> str: ...
    @property
    def dataset_name(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def n_rows(self) -> int: ...
    @property
    def k(self) -> int: ...
    @property
    def stability(self) -> float: ...
    @property
    def forced_k(self) -> int | None: ...
    @property
    def named_dataset(self) -> bool: ...
    @property
    def result(self) -> SegmentationResult: ...
