from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bot.report import actions
from bot.report.chart import chart_title
from bot.report.folding import layouts
from bot.report.limits import block_problems
from bot.report.render import render_report
from bot.report.templating import render_blocks
from bot.report.view_model import report_view
from segmentation.profiles import confidence_note
from segmentation.result import ColumnRole
from tests.report.blocks import all_text, mrkdwn_parts, texts
from tests.report.summaries import summary, typed, with_influencers

NASTY = 'Fans of <!channel> & "quotes" \\ <@U024BE7LH>\nsecond line'


def test_fallback_text_names_the_number_of_segments() -> None:
    message = render_report(typed(summary(4, rows=3000)), file_name="audience.csv", run_id=1)
    assert message.text.startswith("4 segments in audience.csv (3,000 rows)")
    assert "Young Brazilian gamers 1 (25%)" in message.text


def test_report_reads_like_a_marketer_summary() -> None:
    message = render_report(typed(summary(4)), file_name="audience.csv", run_id=1)
    assert block_problems(message.blocks) == []
    assert message.blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Segment report: audience.csv"},
    }
    text = all_text(message.blocks)
    assert "*3,000 rows* split into *4 segments*.\nSegbot tried 2 to 12 segments: 4 is the best fit" in text
    assert "The segments are *stable* (stability 0.82 of 1" in text
    assert "*Used:* age, country, interests." in text
    assert "*Ignored:* email (every value is unique, so it cannot describe a group)." in text
    assert "*1. Young Brazilian gamers 1*\n750 people · 25% of the audience · very stable (0.90)" in text
    assert "• Median age: *24* vs 38 overall" in text
    assert "• country: Brazil — *78%* vs 12% overall (6.5x as common)" in text
    assert "interests: topic 0 — *5%* vs 40% overall (8x less common)" in text
    assert "*Age*\n18-24 52% · 25-34 30% · 35-44 12%" in text
    assert "*Gender*\nfemale 61% · male 37% · non-binary 2%\n_known for 80% of them_" in text
    assert "*Top countries*\nBrazil 78% · United States 10%" in text
    assert "*Top interests*\ngaming 70% · fitness 41%" in text
    assert "Import an influencer catalog with `/influencers import`" in text
    assert "Suggested influencers" not in text


def test_equal_medians_say_which_way_the_segment_leans() -> None:
    data = summary(2)
    teens = {"column": "Teenhome", "kind": "numeric", "label": "Teenhome", "value": None, "unit": None}
    data["segments"][0]["features"] = [
        {**teens, "segment_value": 0.0, "overall_value": 0.0, "effect": -0.9},
        {**teens, "column": "Kidhome", "label": "Kidhome", "segment_value": 1.0, "overall_value": 0.0, "effect": 0.7},
    ]
    text = all_text(render_report(typed(data), file_name="campaign.csv", run_id=1).blocks)
    assert "• Teenhome: *lower* than overall on average (median 0 in both)" in text
    assert "Median Teenhome" not in text
    assert "• Median Kidhome: *1* vs 0 overall" in text


@pytest.mark.parametrize(
    ("stability", "word"), [(0.53, "unstable"), (0.6, "fairly stable"), (0.75, "fairly stable"), (0.82, "stable")]
)
def test_the_stability_word_agrees_with_the_engines_confidence_note(stability: float, word: str) -> None:
    data = summary(2)
    data["segments"][0]["stability"] = stability
    data["segments"][0]["confidence_note"] = confidence_note(1500, 3000, stability)
    text = all_text(render_report(typed(data), file_name="campaign.csv", run_id=1).blocks)
    assert f"1,500 people · 50% of the audience · {word} ({stability:.2f})" in text
    assert ("Unstable segment" in text) == (word == "unstable")


def test_without_a_catalog_the_report_offers_the_import() -> None:
    data = with_influencers(summary(3), per_segment=0)
    text = all_text(render_report(typed(data), file_name="a.csv", run_id=1).blocks)
    assert "Import an influencer catalog with `/influencers import`" in text
    assert "No influencer in the catalog matches" not in text


def test_with_a_catalog_but_no_match_the_report_does_not_ask_for_an_import() -> None:
    data = with_influencers(summary(3), per_segment=0)
    data["catalog_size"] = 1400
    text = all_text(render_report(typed(data), file_name="wholesale.csv", run_id=1).blocks)
    assert "None of the 1,400 creators in the catalog fits these segments well enough to suggest." in text
    assert "Import an influencer catalog" not in text
    data["catalog_size"] = 0
    assert "Import an influencer catalog" in all_text(render_report(typed(data), file_name="a.csv", run_id=1).blocks)


@pytest.mark.parametrize(
    ("k_scores", "sentence"),
    [
        ({"3": -2.0}, "You asked for 3 segments."),
        (
            {"2": -2.5, "3": -2.0, "4": -2.2},
            "Segbot tried 2 to 4 segments: 3 fit the data best and hold up when re-run on subsamples.",
        ),
        (
            {"2": -2.5, "3": -2.0, "4": -1.9},
            "Segbot tried 2 to 4 segments: 3 is the best fit that holds up when re-run on subsamples "
            "(4 fit slightly better but was not reliable).",
        ),
    ],
)
def test_the_choice_of_k_in_plain_words(k_scores: dict[str, float], sentence: str) -> None:
    data = summary(3)
    data["k_scores"] = k_scores
    data["k_reason"] = "k=3: best fit score (-2.00) among the candidates (stability 0.91, bar 0.80)."
    overview = render_report(typed(data), file_name="a.csv", run_id=1).blocks[1]["text"]["text"]
    assert overview.splitlines()[1] == sentence
    assert "bar 0.80" not in overview
    details = render_report(typed(data), file_name="a.csv", run_id=1, details=True).blocks[1]["text"]["text"]
    assert details.endswith(
        "_Engine note: k=3: best fit score (-2.00) among the candidates (stability 0.91, bar 0.80)._"
    )


def test_influencers_show_reasons_and_flags() -> None:
    message = render_report(typed(with_influencers(summary(3), per_segment=2)), file_name="a.csv", run_id=1)
    text = all_text(message.blocks)
    assert "*Suggested influencers*\n• *Ana Souza* @creator1_0 · Instagram · 125k followers · match 0.82" in text
    assert "match 0.82\n      _78% of her audience is in Brazil_\n      :warning: engagement looks bought" in text
    assert "posts about gaming" not in text
    data = typed(with_influencers(summary(3), per_segment=2))
    details = all_text(render_report(data, file_name="a.csv", run_id=1, details=True).blocks)
    assert "_78% of her audience is in Brazil_\n      _posts about gaming_" in details
    assert ":warning: engagement looks bought" in text
    assert "Import an influencer catalog" not in text


def test_a_segment_without_a_good_match_says_so() -> None:
    data = with_influencers(summary(2), per_segment=1)
    data["segments"][1]["influencers"] = []
    data["segments"][0]["influencers"][0]["pinned"] = True
    text = all_text(render_report(typed(data), file_name="a.csv", run_id=1).blocks)
    assert text.count("*Suggested influencers*") == 1
    assert "· match 0.82 · :pushpin: pinned\n" in text
    assert "No influencer in the catalog matches this segment well." in text


def test_small_segment_shows_its_confidence_note() -> None:
    message = render_report(typed(summary(3, rows=250)), file_name="a.csv", run_id=1)
    notes = [b for b in message.blocks if b["type"] == "context" and "Small segment" in b["elements"][0]["text"]]
    assert len(notes) == 3
    assert notes[0]["elements"][0]["text"] == ":information_source: Small segment: treat its differences as a hint."


def test_buttons_carry_the_run_id() -> None:
    message = render_report(typed(summary()), file_name="a.csv", run_id=42)
    buttons = message.blocks[-1]
    assert buttons["type"] == "actions"
    assert buttons["block_id"] == actions.REPORT_ACTIONS_BLOCK
    assert [(b["action_id"], b["text"]["text"], b["value"]) for b in buttons["elements"]] == [
        (actions.SHOW_DETAILS, "Show details", "42"),
        (actions.DOWNLOAD_LABELS, "Download labels CSV", "42"),
        (actions.OPEN_RERUN, "Re-run with k=…", "42"),
    ]
    assert actions.run_id_from_value(buttons["elements"][0]["value"]) == 42


def test_no_buttons_without_a_stored_run() -> None:
    message = render_report(typed(summary()), file_name="a.csv", run_id=None)
    assert all(b["type"] != "actions" for b in message.blocks)


def test_user_text_never_breaks_json_or_pings_anyone() -> None:
    columns = (ColumnRole(NASTY, "numeric", True, "numbers"), ColumnRole("<!here>", "free_text", False, "text"))
    data = with_influencers(summary(3, names=(NASTY,), column_name=NASTY, columns=columns), per_segment=1)
    data["segments"][0]["influencers"][0]["name"] = NASTY
    data["segments"][0]["influencers"][0]["reasons"] = [NASTY]
    data["segments"][0]["audience"]["interests"][0]["interest"] = "<!everyone>"
    data["k_reason"] = NASTY
    for details in (False, True):
        message = render_report(typed(data), file_name='<!channel> "x".csv', run_id=1, details=details)
        assert block_problems(message.blocks) == []
        mrkdwn_texts = [t for t in mrkdwn_parts(message.blocks)] + [message.text]
        assert not any(re.search(r"<[!@#]", t) for t in mrkdwn_texts)
        assert json.loads(json.dumps(message.blocks)) == message.blocks
        text = all_text(message.blocks)
        assert 'Fans of &lt;!channel&gt; &amp; "quotes" \\ &lt;@U024BE7LH&gt;' in text
        assert "&lt;!here&gt;" in text
        assert "&lt;!everyone&gt;" in text
    # Headers are plain text: shown as typed, never parsed for mentions.
    assert message.blocks[0]["text"] == {"type": "plain_text", "text": 'Segment details: <!channel> "x".csv'}


def big_summary() -> dict[str, Any]:
    long_names = tuple(
        f"Weekend bargain hunters in coastal cities who open every newsletter and buy on mobile, group {i}"
        for i in range(12)
    )
    column = "favourite product categories and hobbies reported in the onboarding survey"
    many_columns = tuple(
        ColumnRole(f"survey question {i} about habits", "categorical", True, "5 values") for i in range(80)
    )
    return with_influencers(
        summary(12, rows=3000, names=long_names, n_features=40, column_name=column, columns=many_columns),
        per_segment=5,
    )


def test_twelve_segments_with_many_features_fit_in_one_message() -> None:
    data = big_summary()
    for details in (False, True):
        message = render_report(typed(data), file_name="audience export " * 20 + ".csv", run_id=9, details=details)
        assert block_problems(message.blocks) == []
        assert len(message.blocks) <= 50
        segment_blocks = [b for b in message.blocks if b.get("block_id", "").startswith("segment_")]
        assert len(segment_blocks) == 12  # every segment keeps its own section
        assert message.blocks[-1]["type"] == "actions"
        assert message.text.startswith("12 segments in audience export")
        notes = [t for t in texts(message.blocks) if "more in Show details" in t or "not shown" in t]
        assert len(notes) == 12
        if details:
            assert all(t.startswith("*") and ", continued\n" in t for t in notes)
            assert all(t.endswith("_…and 16 smaller differences not shown_") for t in notes)


def test_shortened_names_end_on_a_whole_word() -> None:
    message = render_report(typed(big_summary()), file_name="audience.csv", run_id=9)
    titles = [b["text"]["text"].split("\n")[0] for b in message.blocks if b.get("block_id", "").startswith("segment_")]
    assert titles[0] == "*1. Weekend bargain hunters in coastal cities who open every newsletter and buy on mobile…*"
    for title in titles:
        assert re.fullmatch(r"\*\d+\. [\w ,]+…\*", title), title


def test_details_show_every_feature_the_k_scores_and_column_reasons() -> None:
    data = summary(3, n_features=30)
    short = all_text(render_report(typed(data), file_name="a.csv", run_id=1).blocks)
    assert "topic 27" not in short
    assert "_…and 26 more in Show details_" in short
    message = render_report(typed(data), file_name="a.csv", run_id=1, details=True)
    assert block_problems(message.blocks) == []
    text = all_text(message.blocks)
    assert "topic 27" in text
    assert "Show details" not in [e["text"]["text"] for e in message.blocks[-1]["elements"]]
    assert "k=3   0.36  ◀ chosen" in text
    assert "k=12  0.54\n" in text
    assert "• email: IDs, *ignored* (every value is unique, so it cannot describe a group)" in text
    assert "• country: used, 12 distinct values\n" in text
    assert "*3. Young Brazilian gamers 3*, continued" in text


def test_folding_walks_from_dividers_to_summary_lines() -> None:
    ladder = layouts(4, details=False)
    assert ladder[0].dividers and ladder[0].separate_blocks and ladder[0].influencer_reasons
    assert not ladder[1].dividers and ladder[1].separate_blocks
    assert [layout.detailed_segments for layout in ladder[-4:]] == [3, 2, 1, 0]
    assert layouts(4, details=True)[0].feature_lines is None


def test_smallest_segments_fold_into_summary_lines() -> None:
    data = summary(4, rows=1000)
    data["segments"][2]["size"] = 40
    data["segments"][2]["share"] = 0.04
    view = report_view(typed(data), file_name="a.csv", run_id=1, details=False, layout=layouts(4, details=False)[-3])
    blocks = render_blocks("report/blocks.json.j2", view=view)
    assert block_problems(blocks) == []
    assert [b["block_id"] for b in blocks if b.get("block_id", "").startswith("segment_")] == ["segment_1", "segment_2"]
    summary_text = next(t for t in texts(blocks) if t.startswith("*Smaller segments*"))
    assert (
        summary_text.splitlines()[1]
        == "• *4. Young Brazilian gamers 4*: 250 people (25%), Median age: *24* vs 38 overall"
    )
    assert summary_text.splitlines()[2].startswith("• *3. Young Brazilian gamers 3*: 40 people (4%)")


def test_one_segment_says_there_are_no_distinct_segments() -> None:
    data = summary(1)
    data["k_scores"] = {str(k): -2.0 - 0.1 * k for k in range(1, 13)}
    data["no_distinct_segments"] = True
    message = render_report(typed(data), file_name="a.csv", run_id=1)
    assert block_problems(message.blocks) == []
    overview = message.blocks[1]["text"]["text"]
    assert overview.startswith("*3,000 rows*, *no distinct segments*.\nThis audience has no distinct segments: Segbot")
    assert "The segments are" not in overview
    assert message.text.startswith("No distinct segments in a.csv (3,000 rows)")
    data["k_merged_from"] = 3
    overview = render_report(typed(data), file_name="a.csv", run_id=1).blocks[1]["text"]["text"]
    assert "This audience has no distinct segments: the best fit cut 3 groups, but they are pieces of one" in overview


def test_asking_for_one_segment_is_said_in_the_singular() -> None:
    data = summary(1)
    data["k_scores"] = {"1": -2.0}
    overview = render_report(typed(data), file_name="a.csv", run_id=1).blocks[1]["text"]["text"]
    assert "You asked for 1 segment." in overview
    assert "1 segments" not in overview


def test_the_chart_title_of_one_segment_says_there_are_no_distinct_segments() -> None:
    assert chart_title(1, 3000, "people") == "No distinct segments in 3,000 people"
    assert chart_title(4, 1200, "bills") == "4 segments of 1,200 bills"


def test_a_forced_split_without_structure_is_called_forced() -> None:
    data = summary(3)
    data["k_scores"] = {"3": -2.0}
    data["no_distinct_segments"] = True
    overview = render_report(typed(data), file_name="a.csv", run_id=1).blocks[1]["text"]["text"]
    assert "You asked for 3 segments, but this audience has no distinct segments" in overview
    assert "treat these 3 as a forced split" in overview


def test_a_near_tie_is_said_and_offered_in_one_click() -> None:
    data = summary(4)
    data["k_alternative"] = 5
    data["k_alternative_reason"] = "it scores slightly better and is the simpler of the two"
    message = render_report(typed(data), file_name="a.csv", run_id=42)
    overview = message.blocks[1]["text"]["text"]
    assert (
        "4 or 5 segments fit about equally well; showing 4 (it scores slightly better and is the simpler of "
        "the two). Use the *Show 5 segments* button to see the other."
    ) in overview
    buttons = message.blocks[-1]["elements"]
    alternative = next(b for b in buttons if b["action_id"] == actions.RERUN_ALTERNATIVE)
    assert alternative["text"]["text"] == "Show 5 segments"
    assert actions.alternative_from_value(alternative["value"]) == actions.RerunRequest(run_id=42, k=5)
    with pytest.raises(ValueError):
        actions.alternative_from_value("42:13")


def test_outcomes_show_per_segment() -> None:
    data = summary(2)
    for segment, rate in zip(data["segments"], (0.208, 0.04), strict=True):
        segment["outcomes"] = [
            {"column": "bought", "rate": rate, "overall": 0.06, "lift": rate / 0.06, "ci": [rate - 0.02, rate + 0.02]}
        ]
    data["outcome_columns"] = ["bought"]
    text = all_text(render_report(typed(data), file_name="a.csv", run_id=1).blocks)
    assert ":dart: 20.8% bought vs 6.0% overall (95% interval 18.8%-22.8%)" in text
    assert ":dart: 4.0% bought vs 6.0% overall" in text
