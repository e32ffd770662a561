"""Campaign briefs (JSON, Block Kit, Markdown, HTML) and audience exports, through the real CLI."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.image
import numpy as np
import pandas as pd
import pytest
from slack_sdk.models.blocks import Block

from bot.cli import main
from bot.cli.brief_files import write_briefs
from bot.errors import SegbotError
from bot.report.briefs import brief_views, briefs_html, slug
from bot.report.render import render_brief, render_report
from bot.report.report_input import ReportInput
from segmentation import segment
from segmentation.sample_audience import sample_audience_csv
from tests.report.preview import screenshot
from tests.targeting.public_tables import segmented, shared_file

# Rows of the sample audience for the export and escaping tests: what reaches the file (the ids' text, the emails)
# or a brief (a device's name, in three segments' briefs as with all rows) does not depend on the size, and
# segmenting all 3,000 rows costs about 5 CPU seconds a run (600: under 2).
EXPORT_ROWS = 600
BRIEF_PARTS = {"who", "differences", "cares_about", "reach", "lead_with", "worth", "creators"}


@pytest.fixture(scope="module")
def sample_report() -> ReportInput:
    return ReportInput.of(segment(sample_audience_csv().encode()))


def test_every_segment_of_the_sample_audience_has_a_brief_in_block_kit(sample_report: ReportInput) -> None:
    for profile in sample_report.result.segments:
        message = render_brief(sample_report, profile.id, run_id=7)
        for block in message.blocks:
            Block.parse(block).validate_json()
        text = json.dumps(message.blocks)
        assert profile.name in text and "How to reach them" in text and "What it is worth" in text
    report = render_report(sample_report, file_name="sample.csv", run_id=7)
    buttons = [b["accessory"]["value"] for b in report.blocks if "accessory" in b]
    assert buttons == [f"7:{p.id}" for p in sample_report.result.segments]
    assert report.blocks[2]["block_id"] == "segbot_ranking" and "Where to start" in report.blocks[2]["text"]["text"]


def test_user_text_in_a_brief_is_escaped_for_slack_and_html(sample_report: ReportInput) -> None:
    frame = pd.read_csv(io.StringIO(sample_audience_csv()), nrows=EXPORT_ROWS)
    frame["device"] = frame["device"].replace({"desktop": "<!channel> & <b>desk</b>"})
    report = ReportInput.of(segment(frame.to_csv(index=False).encode()))
    texts = [json.dumps(render_brief(report, p.id, run_id=1).blocks) for p in report.result.segments]
    joined = "".join(texts)
    assert "<!channel>" not in joined and "&lt;!channel&gt; &amp;" in joined
    page = briefs_html(brief_views(report), file_name="<x>.csv", note=None)
    assert "<b>desk</b>" not in page and "&lt;b&gt;desk&lt;/b&gt;" in page and "&lt;x&gt;.csv" in page


class _Sections(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.headings: list[str] = []
        self._tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag = tag
        if tag == "section":
            self.sections.append(dict(attrs).get("id") or "")

    def handle_data(self, data: str) -> None:
        if self._tag == "h3" and data.strip():
            self.headings.append(data.strip())


def test_cli_segment_writes_json_fields_briefs_and_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = shared_file("customer_personality", "marketing_campaign.csv")
    ids, labels, briefs = tmp_path / "ids.csv", tmp_path / "labels.csv", tmp_path / "briefs"
    code = main(
        [
            "segment",
            str(path),
            "--format",
            "json",
            "--ids-out",
            str(ids),
            "--labels-out",
            str(labels),
            "--briefs",
            str(briefs),
        ]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["value_column"] == "MntWines"
    assert sorted(r["segment"] for r in data["ranking"]) == [s["id"] for s in data["segments"]]
    for s in data["segments"]:
        assert set(s["brief"]) == BRIEF_PARTS
        assert set(s["value"]) == {"column", "share", "per_person_index"}
    label_rows = list(csv.reader(labels.open()))
    assert label_rows[0] == ["row", "segment"] and len(label_rows) == 2241
    id_rows = list(csv.reader(ids.open()))
    frame = pd.read_csv(path, sep="\t")
    assert id_rows[0] == ["row", "ID", "segment"]
    assert [r[1] for r in id_rows[1:]] == frame["ID"].astype(str).tolist()
    assert [r[2] for r in id_rows[1:]] == [r[1] for r in label_rows[1:]]
    markdown = sorted(briefs.glob("segment-*.md"))
    assert len(markdown) == len(data["segments"])
    assert "## How to reach them" in markdown[0].read_text()
    parser = _Sections()
    parser.feed((briefs / "briefs.html").read_text())
    assert len(parser.sections) == len(data["segments"])
    assert parser.sections[0] == f"segment-{data['ranking'][0]['segment']}"
    assert parser.headings[:6] == [
        "Who they are",
        "What they care about",
        "How to reach them",
        "What to lead with",
        "Suggested creators",
        "What it is worth",
    ]


def test_cli_export_writes_one_segments_ids_under_their_kind(tmp_path: Path) -> None:
    path = shared_file("customer_personality", "marketing_campaign.csv")
    out = tmp_path / "audience.csv"
    assert main(["export", str(path), "--segment", "1", "--out", str(out)]) == 0
    rows = list(csv.reader(out.open()))
    result = segmented("customer_personality", "marketing_campaign.csv")
    frame = pd.read_csv(path, sep="\t")
    expected = frame.loc[result.labels == 1, "ID"].astype(str).tolist()
    assert rows[0] == ["customer_id"] and [r[0] for r in rows[1:]] == expected


def test_exported_ids_are_the_files_text_not_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Leading zeros and number-like ids ("2E5") reach the CRM exactly as the file wrote them."""
    frame = pd.read_csv(io.StringIO(sample_audience_csv()), nrows=EXPORT_ROWS).drop(columns=["customer_id"])
    ids = [f"{i:06d}" for i in range(len(frame))]
    ids[3] = "2E5\n1"  # number-like, with a quoted line break: still one id in the count
    frame.insert(0, "customer_id", ids)
    path = tmp_path / "crm.csv"
    frame.to_csv(path, index=False)
    ids_out, audience = tmp_path / "ids.csv", tmp_path / "audience.csv"
    assert main(["segment", str(path), "--ids-out", str(ids_out)]) == 0
    rows = list(csv.reader(ids_out.open()))
    assert rows[0][:2] == ["row", "customer_id"] and rows[0][-1] == "segment"
    assert [r[1] for r in rows[1:]] == ids
    segment_of_row_3 = rows[4][-1]
    assert main(["export", str(path), "--segment", segment_of_row_3, "--out", str(audience)]) == 0
    exported = [r[0] for r in csv.reader(audience.open())][1:]
    assert "2E5\n1" in exported and all(re.fullmatch(r"\d{6}|2E5\n1", value) for value in exported)
    assert f"Wrote {len(exported):,} customer_id ids" in capsys.readouterr().err


def test_briefs_of_an_earlier_run_are_replaced_and_a_failed_ids_export_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = pd.read_csv(io.StringIO(sample_audience_csv())).drop(columns=["customer_id", "email"])
    path = tmp_path / "no_ids.csv"
    frame.to_csv(path, index=False)
    briefs, labels = tmp_path / "briefs", tmp_path / "labels.csv"
    assert main(["segment", str(path), "--k", "4", "--briefs", str(briefs)]) == 0
    mine = briefs / "segment-7-q3-plan.md"  # a marketer's own file, named like a brief
    mine.write_text("mine")
    assert main(["segment", str(path), "--k", "2", "--briefs", str(briefs)]) == 0
    assert sorted(p.name.split("-")[1] for p in briefs.glob("segment-*.md")) == ["0", "1", "7"]
    assert mine.read_text() == "mine"
    assert "Wrote 2 briefs and briefs.html to" in capsys.readouterr().err
    assert main(["segment", str(path), "--k", "2", "--labels-out", str(labels), "--ids-out", str(tmp_path / "i")]) == 2
    assert "no identifier column" in capsys.readouterr().err and not labels.exists()


def test_briefs_that_cannot_all_be_written_write_none(
    tmp_path: Path, sample_report: ReportInput, capsys: pytest.CaptureFixture[str]
) -> None:
    blocked = tmp_path / "blocked"
    (blocked / "briefs.html").mkdir(parents=True)
    path = tmp_path / "sample.csv"
    path.write_text(sample_audience_csv())
    assert main(["segment", str(path), "--briefs", str(blocked)]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"segbot: --briefs {blocked}: briefs.html cannot be written there (")
    assert error.rstrip().endswith("remove it or choose another folder.")
    assert sorted(p.name for p in blocked.iterdir()) == ["briefs.html"]
    # A segment's brief blocked by a folder of its name: found before the first file is written.
    views = brief_views(sample_report)
    late = tmp_path / "late"
    (late / f"segment-{views[-1].segment}-{slug(views[-1].name)}.md").mkdir(parents=True)
    with pytest.raises(SegbotError, match="cannot be written there"):
        write_briefs(late, sample_report, file_name="sample.csv")
    assert [p.name for p in late.iterdir()] == [f"segment-{views[-1].segment}-{slug(views[-1].name)}.md"]


def test_emails_are_exported_only_on_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    frame = pd.read_csv(io.StringIO(sample_audience_csv()), nrows=EXPORT_ROWS)
    frame = frame.drop(columns=["customer_id"])
    frame["email"] = [f"=user{i}@example.com" for i in range(len(frame))]
    path = tmp_path / "people.csv"
    frame.to_csv(path, index=False)
    assert main(["export", str(path), "--segment", "0"]) == 2
    assert "add --id email" in capsys.readouterr().err
    assert main(["export", str(path), "--segment", "0", "--id", "email"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "email" and rows[1].startswith("'=user")  # spreadsheet-safe


def test_cli_brief_prints_one_segment_and_refuses_an_unknown_one(capsys: pytest.CaptureFixture[str]) -> None:
    path = shared_file("mall_customers", "Mall_Customers.csv")
    assert main(["brief", str(path), "--segment", "0"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Campaign brief: 0.") and "## What it is worth" in out
    assert main(["brief", str(path), "--segment", "9"]) == 2
    assert "There is no segment 9; this report has segments 0 to 4." in capsys.readouterr().err
    # A number no run can have is refused before the file is even opened.
    for command in ("brief", "export"):
        assert main([command, "missing.csv", "--segment", "42"]) == 2
        assert capsys.readouterr().err == (
            "segbot: There is no segment 42: segments are numbered from 0, and there are at most 12 (0 to 11); "
            "see the report for this file's segments.\n"
        )
    assert main(["export", "missing.csv", "--segment", "3", "--k", "3"]) == 2
    assert "There is no segment 3: with --k 3 the segments are 0 to 2;" in capsys.readouterr().err


def test_brief_angles_claim_no_more_than_the_shares_they_rest_on(sample_report: ReportInput) -> None:
    """ "TikTok-first" only when most of the segment came through TikTok; else "Over-indexes on ..." with its shares,
    which are the shares the "how to reach them" lines (checked against pandas elsewhere) show."""
    seen = 0
    for profile in sample_report.result.segments:
        assert profile.brief is not None
        for angle in profile.brief.lead_with:
            shares = re.search(r"\((\d+)% of them vs (\d+)% overall\)$", angle)
            if shares is None:
                continue
            seen += 1
            share = int(shares.group(1))
            assert share >= 50 if "-first" in angle or angle.startswith("Reach them in") else share < 50, angle
            line = f"{share}% vs {shares.group(2)}% overall"
            assert any(line in reach for reach in profile.brief.reach), (angle, profile.brief.reach)
    assert seen >= 3


def test_a_brief_names_spend_columns_and_products_in_plain_words() -> None:
    result = segmented("customer_personality", "marketing_campaign.csv")
    top = next(p for p in result.segments if p.id == ReportInput.of(result).ranking[0].segment)
    assert top.brief is not None
    assert "Lead with meat and fish" in top.brief.lead_with
    assert "meat spend (MntMeatProducts) higher than average" in top.brief.who
    (response,) = top.outcomes
    assert f"Response {response.rate * 100:.1f}% vs {response.overall * 100:.1f}% overall" in top.brief.worth
    assert not any(angle.endswith("-first") for angle in top.brief.lead_with), "no channel is most of them"


def test_the_briefs_page_looks_right_in_a_real_browser(tmp_path: Path, sample_report: ReportInput) -> None:
    """briefs.html looked at as a picture: headless Chromium draws the cards, the first place outlined in green."""
    if not any(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")):
        pytest.skip("no Chromium to look at briefs.html with (apt-get install -y chromium)")
    page, png = tmp_path / "briefs.html", tmp_path / "briefs.png"
    page.write_text(briefs_html(brief_views(sample_report), file_name="sample.csv", note=None), encoding="utf-8")
    screenshot(page, png, 1500)
    pixels = matplotlib.image.imread(png)[..., :3]
    height, width = pixels.shape[:2]
    outline = (np.abs(pixels - np.array([0x2E, 0xB6, 0x7D]) / 255) < 0.08).all(axis=2)
    ys, xs = np.nonzero(outline)
    assert outline.sum() > 1000, "the first place's green outline is drawn"
    assert xs.max() < width * 0.55 and ys.min() < height * 0.2, "around the first card, top left"
    ink = (pixels.mean(axis=2) < 0.3).mean()
    assert 0.005 < ink < 0.3, f"text is drawn and the page is not a dark block ({ink:.3f} dark)"


def test_a_segment_known_only_by_codes_gets_no_invented_message_angle() -> None:
    rng = np.random.default_rng(0)
    planted = np.repeat([0, 1], [600, 400])
    frame = pd.DataFrame(
        {
            "MOSTYPE": np.where(planted == 0, rng.normal(10, 2, 1000), rng.normal(30, 2, 1000)).round(1),
            "MKOOPKLA": np.where(planted == 0, rng.normal(3, 1, 1000), rng.normal(7, 1, 1000)).round(1),
        }
    )
    result = segment(frame.to_csv(index=False).encode())
    angles = [angle for s in result.segments if s.brief for angle in s.brief.lead_with]
    assert angles and all(angle.startswith("No message angle in this file's words") for angle in angles)
    assert not any("Lead with what sets them apart" in angle for angle in angles)


def test_a_brief_never_says_a_segment_cares_about_what_it_is_less_into() -> None:
    """An interest that sets a segment apart by being rarer in it ("shopping: 5% vs 30% overall") was listed under
    "What they care about" and "Lead with" (found on the teen SNS table: shopping 10% vs 25% overall)."""
    rng = np.random.default_rng(3)
    older = np.repeat([False, True], [700, 300])
    interests = [
        "|".join(
            label
            for label, rate in (("shopping", 0.05 if old else 0.4), ("music", 0.5), ("baseball", 0.3 if old else 0.25))
            if rng.random() < rate
        )
        or "none"
        for old in older
    ]
    frame = pd.DataFrame(
        {"age": np.where(older, rng.normal(45, 3, 1000), rng.normal(20, 2, 1000)).round(), "interests": interests}
    )
    result = segment(frame.to_csv(index=False).encode(), k=2)
    checked = 0
    for profile in result.segments:
        assert profile.brief is not None
        for feature in profile.features:
            if feature.kind == "label" and feature.effect < 1:
                checked += 1
                assert feature.value not in profile.brief.cares_about, (profile.name, profile.brief.cares_about)
                assert not any(feature.value in angle for angle in profile.brief.lead_with), profile.brief.lead_with
    assert checked >= 1


def test_a_brief_carries_its_segments_caveat() -> None:
    """A brief is read on its own (a file, a Slack message): Mall's 23-person segment's brief said nothing of its
    "Small segment: treat its profile as a hint" that the report shows."""
    result = segmented("mall_customers", "Mall_Customers.csv")
    noted = [p for p in result.segments if p.confidence_note]
    assert noted, "Mall has a small segment"
    for profile in result.segments:
        assert profile.brief is not None
        if profile.confidence_note:
            assert profile.brief.worth.endswith(f". {profile.confidence_note}")
        else:
            assert "treat its profile as a hint" not in profile.brief.worth
