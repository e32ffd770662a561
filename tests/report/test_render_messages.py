from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pandas as pd
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
from bot.report.rerun_choices import ChoiceError, chosen_outcomes, chosen_value
from bot.storage.runs import StoredRun
from segmentation import segment as segment_table
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


def test_a_run_of_one_segment_is_counted_in_the_singular() -> None:
    message = render_runs([replace(stored_run(7), k=1)])
    assert "3,000 rows · 1 segment · stable" in message.blocks[1]["text"]["text"]
    assert message.text.startswith("Recent segmentation runs:\n#7 audience.csv: 3,000 rows, 1 segment, ")


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


@pytest.fixture(scope="module")
def shop() -> SegmentationResult:
    """A real result with a money column, a count, and two yes/no columns of which one is named as an outcome."""
    rng = np.random.default_rng(4)
    n = 240
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 70, n),
            "total_spend": rng.gamma(2.0, 60.0, n).round(2),
            "orders": rng.integers(1, 12, n),
            "newsletter": rng.choice(["yes", "no"], n),
            "bought": rng.choice(["yes", "no"], n, p=[0.2, 0.8]),
        }
    )
    return segment_table(frame, seed=0)


def menu(view: dict, block_id: str) -> dict:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)["element"]


def option_names(element: dict, key: str = "options") -> list[str]:
    return [o["text"]["text"] for o in element[key]]


@pytest.mark.parametrize(("current_k", "initial"), [(4, "4"), (1, "1"), (0, "1"), (30, "12")])
def test_rerun_modal_asks_for_a_whole_k_from_1_to_12(shop: SegmentationResult, current_k: int, initial: str) -> None:
    view = render_rerun_modal(17, replace(shop, k=current_k))
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
    # A modal opened before the menus existed: both columns found automatically.
    assert actions.rerun_request(submitted) == actions.RerunForm(17, 7, "auto", ("auto",))


def test_rerun_modal_menus_list_the_run_s_columns_and_start_at_found_automatically(shop: SegmentationResult) -> None:
    assert shop.value_column == "total_spend" and shop.outcome_columns == ("bought",)
    view = render_rerun_modal(17, shop)
    value = menu(view, actions.RERUN_VALUE_BLOCK)
    assert value["type"] == "static_select"
    assert option_names(value) == [
        "Found automatically: total_spend",
        "None: rank by outcome, else by size",
        "age",
        "total_spend",
        "orders",
    ]
    assert value["initial_option"]["text"]["text"] == "Found automatically: total_spend"
    outcome = menu(view, actions.RERUN_OUTCOME_BLOCK)
    assert outcome["type"] == "multi_static_select"
    assert option_names(outcome) == [
        "Found automatically: bought",
        "None: compare segments on no outcome",
        "newsletter",
        "bought",
    ]
    assert option_names(outcome, "initial_options") == ["Found automatically: bought"]

    # Submitted: orders as the value, newsletter and bought as outcomes, read back against the run's columns.
    by_name = {o["text"]["text"]: o["value"] for o in value["options"] + outcome["options"]}
    form = actions.rerun_request(
        dict(
            view,
            state={
                "values": {
                    actions.RERUN_K_BLOCK: {actions.RERUN_K_INPUT: {"value": "3"}},
                    actions.RERUN_VALUE_BLOCK: {
                        actions.RERUN_VALUE_INPUT: {"selected_option": {"value": by_name["orders"]}}
                    },
                    actions.RERUN_OUTCOME_BLOCK: {
                        actions.RERUN_OUTCOME_INPUT: {
                            "selected_options": [{"value": by_name["newsletter"]}, {"value": by_name["bought"]}]
                        }
                    },
                }
            },
        )
    )
    assert chosen_value(shop, form.value_option) == "orders"
    assert chosen_outcomes(shop, form.outcome_options) == ("newsletter", "bought")
    assert chosen_value(shop, "none") is False and chosen_value(shop, "auto") is None
    assert chosen_outcomes(shop, ["none"]) == () and chosen_outcomes(shop, ["auto"]) is None

    # Reopened on that re-run: the menus start at what it chose.
    again = render_rerun_modal(18, shop, value="orders", outcomes=("newsletter", "bought"))
    assert menu(again, actions.RERUN_VALUE_BLOCK)["initial_option"]["text"]["text"] == "orders"
    assert option_names(menu(again, actions.RERUN_OUTCOME_BLOCK), "initial_options") == ["newsletter", "bought"]
    assert option_names(menu(again, actions.RERUN_OUTCOME_BLOCK))[0] == "Find automatically"
    unvalued = render_rerun_modal(18, shop, value=False, outcomes=())
    assert menu(unvalued, actions.RERUN_VALUE_BLOCK)["initial_option"]["value"] == "none"
    assert option_names(menu(unvalued, actions.RERUN_OUTCOME_BLOCK), "initial_options")[0].startswith("None")


def test_rerun_choices_that_name_no_suitable_column_are_one_sentence(shop: SegmentationResult) -> None:
    names = [c.name for c in shop.columns]
    with pytest.raises(ChoiceError, match="not a numeric column"):
        chosen_value(shop, f"c{names.index('newsletter')}")
    with pytest.raises(ChoiceError, match="not a yes/no column"):
        chosen_outcomes(shop, [f"c{names.index('age')}"])
    with pytest.raises(ChoiceError, match="not a mix"):
        chosen_outcomes(shop, ["auto", f"c{names.index('bought')}"])
    with pytest.raises(ChoiceError):
        chosen_value(shop, "c999")


def test_rerun_request_rejects_k_out_of_range(shop: SegmentationResult) -> None:
    view = render_rerun_modal(17, shop)
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
