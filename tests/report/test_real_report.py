"""The report of the built-in sample audience, segmented by the real engine with the sample catalog's creators."""

from __future__ import annotations

import pytest

from bot.report.chart import render_chart
from bot.report.limits import block_problems
from bot.report.render import render_report
from bot.report.report_input import ReportInput
from tests.report.blocks import all_text
from tests.report.png import decode
from tests.report.preview import demo_report


@pytest.fixture(scope="module")
def sample_report() -> ReportInput:
    return demo_report()


def test_sample_report_fits_and_names_every_segment(sample_report: ReportInput) -> None:
    segments = sample_report.result.segments
    message = render_report(sample_report, file_name="sample_audience.csv", run_id=1)
    assert block_problems(message.blocks) == []
    assert message.text.startswith(f"{len(segments)} segments in sample_audience.csv (3,000 rows): ")
    text = all_text(message.blocks)
    for segment in segments:
        assert f"*{segment.id}. {segment.name}*" in text
    assert "*Suggested influencers*" in text
    assert "Median age: *" in text
    tried = sample_report.result.k_scores
    assert f"Segbot tried {min(tried)} to {max(tried)} segments: {sample_report.result.k}" in text


def test_sample_details_and_chart(sample_report: ReportInput) -> None:
    message = render_report(sample_report, file_name="sample_audience.csv", run_id=1, details=True)
    assert block_problems(message.blocks) == []
    text = all_text(message.blocks)
    assert "◀ chosen" in text
    assert "_Engine note: " in text
    width, height = decode(render_chart(sample_report))
    assert width > 1000
    assert height > 300
