from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.report import actions
from bot.report.limits import block_problems, view_problems
from bot.report.render import (
    render_error,
    render_help,
    render_home,
    render_influencer_list,
    render_progress,
    render_rerun_modal,
    render_runs,
)
from bot.storage.runs import StoredRun
from segmentation.catalog_index import CatalogEntry
from segmentation.result import SegmentationResult
from tests.report.blocks import all_text, mrkdwn_parts

HELP_COMMANDS = (
    "/segment help",
    "/segment last",
    "/segment runs",
    "/segment k=N",
    "/influencers import",
    "/influencers list [topic]",
    "/segment subscribe NAME weekly [day] [HH:MM]",
    "/segment unsubscribe NAME",
    "/segment digest NAME now",
    "/segment subscriptions",
    "/segment dataset NAME",
)


def segment(segment_id: int, name: str) -> dict[str, object]:
    return {"id": segment_id, "size": 1500, "share": 0.5, "name": name}


def stored_run(
    run_id: int, *, file_name: str = "audience.csv", dataset: str = "audience", forced_k: int | None = None
) -> StoredRun:
    return StoredRun(
        id=run_id,
        workspace_id="T1",
        dataset_name=dataset,
        file_name=file_name,
        file_hash="abc",
        created_at=datetime(2026, 11, 29, 9, 5, tzinfo=UTC),
        created_by="U1",
        channel_id="C1",
        thread_ts="1.2",
        source_file_id="F1",
        n_rows=3000,
        k=4,
        stability=0.82,
        seed=0,
        forced_k=forced_k,
        result=SegmentationResult.from_dict(
            {"rows": 3000, "k": 4, "segments": [segment(1, "Young gamers"), segment(2, "<!channel> fans")]}
        ),
    )


def test_help_lists_every_command_and_the_upload() -> None:
    message = render_help()
    assert block_problems(message.blocks) == []
    text = all_text(message.blocks)
    for command in HELP_COMMANDS:
        assert f"`{command}`" in text
        assert command in message.text
    assert "Upload a CSV, TSV, XLSX or .csv.gz file in a channel I'm in" in text


def test_help_describes_what_each_command_really_does() -> None:
    text = render_help().text
    assert "attached" not in text, "a slash command cannot carry a file"
    assert "/influencers import: Import an influencer catalog (CSV or XLSX) through a form, or share" in text
    assert "/segment dataset NAME: File the next upload in this channel as a new version of dataset NAME." in text
    assert "/segment subscriptions: List the digest subscriptions of the conversations you are in" in text


def test_runs_list_has_a_button_per_run() -> None:
    message = render_runs([stored_run(3, forced_k=5), stored_run(2, file_name="shop.csv", dataset="shop <b>")])
    assert block_problems(message.blocks) == []
    sections = message.blocks[1:]
    assert [(s["accessory"]["action_id"], s["accessory"]["value"]) for s in sections] == [
        (actions.SHOW_RUN, "3"),
        (actions.SHOW_RUN, "2"),
    ]
    first = sections[0]["text"]["text"]
    assert first == (
        "*#3 audience.csv*\n3,000 rows · 4 segments (k chosen by you) · stable (0.82) · 2026-11-29 09:05 UTC\n"
        "_Young gamers · &lt;!channel&gt; fans_"
    )
    assert sections[1]["text"]["text"].startswith("*#2 shop.csv* (dataset shop &lt;b&gt;)\n")
    assert message.text.startswith("Recent segmentation runs:\n#3 audience.csv: 3,000 rows, 4 segments")


def test_a_compressed_upload_is_not_listed_as_renamed() -> None:
    gzipped, renamed = stored_run(5, file_name="audience.csv.gz"), stored_run(4, dataset="newsletter")
    first, second = (s["text"]["text"] for s in render_runs([gzipped, renamed]).blocks[1:])
    assert first.startswith("*#5 audience.csv.gz*\n")
    assert second.startswith("*#4 audience.csv* (dataset newsletter)\n")


def test_no_runs_yet() -> None:
    message = render_runs([])
    assert "No runs yet" in message.text
    assert "No runs yet" in all_text(message.blocks)


def test_home_tab_shows_runs_and_catalog_size() -> None:
    view = render_home([stored_run(i) for i in range(1, 31)], catalog_size=1234)
    assert view["type"] == "home"
    assert view_problems(view) == []
    text = all_text(view["blocks"])
    assert "Influencer catalog: *1,234* influencers" in text
    assert len([b for b in view["blocks"] if b.get("accessory")]) == 20
    empty = render_home([], catalog_size=0)
    assert "No influencers in the catalog yet" in all_text(empty["blocks"])
    assert "No runs yet" in all_text(empty["blocks"])


@pytest.mark.parametrize(("current_k", "initial"), [(4, "4"), (1, "1"), (0, "1"), (30, "12")])
def test_rerun_modal_asks_for_a_whole_k_from_1_to_12(current_k: int, initial: str) -> None:
    view = render_rerun_modal(17, current_k)
    assert view_problems(view) == []
    assert view["callback_id"] == actions.RERUN_CALLBACK
    field = next(b for b in view["blocks"] if b["type"] == "input")
    assert field["block_id"] == actions.RERUN_K_BLOCK
    assert field["element"] == {
        "type": "number_input",
        "action_id": actions.RERUN_K_INPUT,
        "is_decimal_allowed": False,
        "min_value": "1",
        "max_value": "12",
        "initial_value": initial,
    }
    submitted = dict(view, state={"values": {actions.RERUN_K_BLOCK: {actions.RERUN_K_INPUT: {"value": "7"}}}})
    assert actions.rerun_request(submitted) == actions.RerunRequest(run_id=17, k=7)


def test_rerun_request_rejects_k_out_of_range() -> None:
    view = render_rerun_modal(17, 4)
    submitted = dict(view, state={"values": {actions.RERUN_K_BLOCK: {actions.RERUN_K_INPUT: {"value": "13"}}}})
    with pytest.raises(ValueError, match="between 1 and 12"):
        actions.rerun_request(submitted)
    with pytest.raises(ValueError):
        actions.run_id_from_value("0")


def test_influencer_list() -> None:
    influencers = [
        CatalogEntry(
            platform="tiktok",
            handle="ana",
            name="Ana",
            followers=12_500,
            engagement_rate=0.0139,
            topics=("gaming", "music"),
            audience_country="BR",
            audience_age="18-24",
            audience_female_pct=61.0,
        ),
        CatalogEntry(platform="youtube", handle="<!here>", topics=("cooking",)),
    ]
    message = render_influencer_list(influencers, "gaming")
    assert block_problems(message.blocks) == []
    assert message.blocks[0]["text"]["text"] == "Influencers about gaming"
    text = all_text(message.blocks)
    assert (
        "• *Ana* @ana · TikTok · 12.5k followers · 1.4% engagement · gaming, music\n"
        "      _audience: Brazil, 18-24, 61% female_\n"
    ) in text
    assert text.endswith("_audience: Brazil, 18-24, 61% female_\n• *@&lt;!here&gt;* · YouTube · cooking")
    assert message.text == "2 influencers about gaming in the catalog: Ana, @&lt;!here&gt;"
    assert not any(re.search(r"<!", t) for t in mrkdwn_parts(message.blocks))


def test_long_influencer_lists_are_cut_to_what_fits() -> None:
    influencers = [CatalogEntry(platform="instagram", handle=f"creator{i}", followers=1000 * i) for i in range(300)]
    message = render_influencer_list(influencers, None)
    assert block_problems(message.blocks) == []
    text = all_text(message.blocks)
    assert "creator39" in text
    assert "creator40 " not in text
    assert "Showing 40 of 300." in text


def test_empty_influencer_lists() -> None:
    assert "No influencers in the catalog match “&lt;x&gt;”" in render_influencer_list([], "<x>").text
    assert "/influencers import" in render_influencer_list([], None).text


def test_error_with_and_without_reference() -> None:
    message = render_error("That file has no rows. Upload a CSV with a header and at least 20 rows.", "a1b2c3d4")
    assert block_problems(message.blocks) == []
    assert message.blocks[0]["text"]["text"].startswith(":warning: That file has no rows.")
    assert message.blocks[1]["elements"][0]["text"] == "Reference: a1b2c3d4. Quote it when you ask for help."
    assert message.text.endswith("at least 20 rows. Reference: a1b2c3d4. Quote it when you ask for help.")
    plain = render_error("Column <!channel> & more is empty.")
    assert len(plain.blocks) == 1
    assert plain.text == "Column &lt;!channel&gt; &amp; more is empty."


def test_progress_names_the_stage() -> None:
    message = render_progress("audience.csv", "segmenting")
    assert block_problems(message.blocks) == []
    assert message.text == "Working on audience.csv: Finding segments…"
    assert render_progress("a.csv", "Reading rows 50,000 of 100,000").text.endswith("Reading rows 50,000 of 100,000…")
