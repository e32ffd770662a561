"""The typed report input: what renderers read, and the JSON `segbot segment --format json` prints from it."""

from __future__ import annotations

from dataclasses import replace

from bot.report.render import render_report
from bot.report.report_input import ReportInput
from bot.terminal.report import print_report
from segmentation.matching import Suggestion
from segmentation.result import SegmentationResult
from tests.report.summaries import summary

CREATOR = Suggestion("instagram", "ana", 0.8456, ("posts about gaming",), name="Ana")


def test_json_has_influencers_and_catalog_size_only_when_looked_up() -> None:
    result = SegmentationResult.from_dict(summary(2))
    plain = ReportInput.of(result).to_dict()
    ranking = plain.pop("ranking")
    assert plain == result.to_dict()
    sizes = {s.id: s.size for s in result.segments}
    assert [place["segment"] for place in ranking] == sorted(sizes, key=lambda i: (-sizes[i], i))
    plain["ranking"] = ranking
    assert "catalog_size" not in plain
    asked = ReportInput.of(result, {1: [CREATOR]}, catalog_size=400).to_dict()
    assert asked["catalog_size"] == 400
    assert [s["influencers"] for s in asked["segments"]] == [[CREATOR.to_dict()], []]
    assert list(asked) == [*plain, "catalog_size"]


def test_a_fresh_report_reads_like_the_same_run_reopened_from_storage() -> None:
    stored = SegmentationResult.from_dict(summary(2))
    # The engine's numbers carry more digits than runs are stored with; a report must not depend on them.
    fresh = replace(
        stored,
        stability=0.824999,
        segments=tuple(replace(s, share=s.share + 0.0000049, stability=0.894999) for s in stored.segments),
    )
    now = ReportInput.of(fresh, {1: [CREATOR]}, catalog_size=1)
    later = ReportInput.of(SegmentationResult.from_dict(fresh.to_dict()), {1: [CREATOR]}, catalog_size=1)
    assert now.to_dict() == later.to_dict()
    assert now.segments == later.segments
    assert render_report(now, file_name="a.csv", run_id=1) == render_report(later, file_name="a.csv", run_id=1)
    assert now.segments[0].influencers == (replace(CREATOR, score=0.846),)


def test_the_terminal_shows_suggestions_only_when_asked() -> None:
    from rich.console import Console

    result = SegmentationResult.from_dict(summary(2))
    for report, shown in ((ReportInput.of(result), False), (ReportInput.of(result, {}, catalog_size=0), True)):
        console = Console(record=True, width=120)
        print_report(console, report, file_name="a.csv")
        text = console.export_text()
        assert ("Suggested influencers" in text) == shown
        assert ("The catalog of this workspace is empty: import creators" in text) == shown
