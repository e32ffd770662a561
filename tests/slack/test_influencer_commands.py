"""`/influencers import` (a shared file or the form) and `/influencers list`, end to end against the fake."""

from __future__ import annotations

import json
from pathlib import Path

from bot.catalog.reading import read_catalog
from bot.slack import catalog_modal
from bot.storage.influencers import InfluencerRepository
from tests.slack.fake_slack import FAKE_TEAM
from tests.slack.harness import RunningBot, wait_until
from tests.slack.sender import file_share_event

CATALOG = (Path(__file__).resolve().parents[2] / "bot" / "samples" / "sample_influencers.csv").read_bytes()
CREATORS = len(read_catalog(CATALOG).entries)


def test_a_file_shared_with_influencers_import_fills_the_catalog(sqlite_bot: RunningBot) -> None:
    file = sqlite_bot.fake.add_file("creators.csv", CATALOG)
    event = {**file_share_event(file), "text": "influencers import"}
    assert sqlite_bot.sender.event(event).status == 200
    assert sqlite_bot.wait_for_jobs() == {"done": 1}
    assert InfluencerRepository(sqlite_bot.engine).count(FAKE_TEAM) == CREATORS
    summary = sqlite_bot.fake.messages()[-1]["text"]
    assert summary.startswith(f"Imported creators.csv: {CREATORS:,} creators added")
    assert sqlite_bot.fake.calls_to("files.completeUploadExternal") == [], "a catalog is not segmented"

    sqlite_bot.sender.command("/influencers", "list fitness")
    [listing] = sqlite_bot.fake.wait_for("response_url")
    assert listing.params["response_type"] == "ephemeral"
    assert "fitness" in listing.params["text"].lower()


def test_influencers_import_opens_a_form_whose_file_is_imported(sqlite_bot: RunningBot) -> None:
    sqlite_bot.sender.command("/influencers", "import", trigger_id="9.trigger")
    [opened] = sqlite_bot.fake.wait_for("views.open")
    view = opened.params["view"]
    assert opened.params["trigger_id"] == "9.trigger" and view["callback_id"] == catalog_modal.IMPORT_CALLBACK

    empty = sqlite_bot.sender.submit_view(
        catalog_modal.IMPORT_CALLBACK,
        view["private_metadata"],
        {catalog_modal.IMPORT_FILE_BLOCK: {catalog_modal.IMPORT_FILE_INPUT: {"type": "file_input", "files": []}}},
    )
    assert json.loads(empty.body)["response_action"] == "errors"

    file = sqlite_bot.fake.add_file("creators.csv", CATALOG)
    chosen = {"type": "file_input", "files": [file]}
    reply = sqlite_bot.sender.submit_view(
        catalog_modal.IMPORT_CALLBACK,
        view["private_metadata"],
        {catalog_modal.IMPORT_FILE_BLOCK: {catalog_modal.IMPORT_FILE_INPUT: chosen}},
    )
    assert reply.status == 200
    wait_until(lambda: InfluencerRepository(sqlite_bot.engine).count(FAKE_TEAM) == CREATORS, what="the catalog import")


def test_an_unusable_catalog_gets_one_plain_reply(sqlite_bot: RunningBot) -> None:
    file = sqlite_bot.fake.add_file("notes.csv", b"colour,shape\nred,round\nblue,square\n")
    assert sqlite_bot.sender.event({**file_share_event(file), "text": "influencers import"}).status == 200
    assert sqlite_bot.wait_for_jobs() == {"failed": 1}
    note = sqlite_bot.fake.calls_to("chat.update")[-1].params["text"]
    assert "handle" in note and "reference" not in note


def test_a_report_nobody_in_the_catalog_fits_does_not_ask_for_a_catalog(
    sqlite_bot: RunningBot, shared_datasets: Path
) -> None:
    catalog = sqlite_bot.fake.add_file("creators.csv", CATALOG)
    sqlite_bot.sender.event({**file_share_event(catalog), "text": "influencers import"})
    sqlite_bot.wait_for_jobs()
    # Wholesale buyers: spend per product group, no age, gender, country or interests to match creators on.
    wholesale = (shared_datasets / "wholesale_customers" / "Wholesale customers data.csv").read_bytes()
    file = sqlite_bot.fake.add_file("wholesale.csv", wholesale, ts="1700000000.000300")
    sqlite_bot.sender.event(file_share_event(file, ts="1700000000.000300"))
    sqlite_bot.wait_for_jobs(2)
    report = json.dumps(sqlite_bot.fake.messages()[-1]["blocks"])
    assert (
        "No influencer suggestions: the file has no interests, country, age or gender column to match creators on"
    ) in report
    assert "Import an influencer catalog" not in report


def test_a_report_with_a_segment_nobody_fits_names_the_closest_creator_and_the_evidence(
    sqlite_bot: RunningBot,
) -> None:
    catalog = sqlite_bot.fake.add_file("creators.csv", CATALOG)
    sqlite_bot.sender.event({**file_share_event(catalog), "text": "influencers import"})
    sqlite_bot.wait_for_jobs()
    rows = ["age,country,interests,spend"]
    rows += [f"{60 + n % 20},Japan,knitting|origami,{10 + n % 40}" for n in range(0, 300, 2)]
    rows += [f"{60 + n % 20},South Korea,calligraphy|tea,{60 + n % 140}" for n in range(1, 300, 2)]
    file = sqlite_bot.fake.add_file("knitters.csv", ("\n".join(rows) + "\n").encode(), ts="1700000000.000300")
    sqlite_bot.sender.event(file_share_event(file, ts="1700000000.000300"))
    sqlite_bot.wait_for_jobs(2)
    report = json.dumps(sqlite_bot.fake.messages()[-1]["blocks"], ensure_ascii=False)
    assert f"No creator in your catalog of {CREATORS:,} fits this segment (closest: @" in report
    assert "while this segment is into knitting" in report
    assert (
        "Suggestions rest on interests, country and age only (the file has no gender column), so scores are "
        "capped at 0.85 of 1."
    ) in report


def test_a_topic_in_an_empty_catalog_says_how_to_fill_it(sqlite_bot: RunningBot) -> None:
    sqlite_bot.sender.command("/influencers", "list fitness")
    [listing] = sqlite_bot.fake.wait_for("response_url")
    assert listing.params["text"].startswith("No influencers in the catalog yet. Add some with `/influencers import`")


def test_the_import_form_takes_column_choices_and_the_reply_lists_every_column_escaped(
    sqlite_bot: RunningBot,
) -> None:
    export = ("Chaîne YouTube;Subscribers (K);ER %;<!channel> notes\n@CuisineDeMarie;1 250;3,4;call <@U123>\n").encode()
    sqlite_bot.sender.command("/influencers", "import", trigger_id="9.trigger")
    [opened] = sqlite_bot.fake.wait_for("views.open")
    metadata = opened.params["view"]["private_metadata"]
    file = sqlite_bot.fake.add_file("french.csv", export)
    chosen = {"type": "file_input", "files": [file]}

    wrong = sqlite_bot.sender.submit_view(
        catalog_modal.IMPORT_CALLBACK,
        metadata,
        {
            catalog_modal.IMPORT_FILE_BLOCK: {catalog_modal.IMPORT_FILE_INPUT: chosen},
            catalog_modal.IMPORT_MAP_BLOCK: {
                catalog_modal.IMPORT_MAP_INPUT: {"type": "plain_text_input", "value": "handel = Chaîne YouTube"}
            },
        },
    )
    errors = json.loads(wrong.body)["errors"]
    assert "did you mean 'handle'?" in errors[catalog_modal.IMPORT_MAP_BLOCK]

    reply = sqlite_bot.sender.submit_view(
        catalog_modal.IMPORT_CALLBACK,
        metadata,
        {
            catalog_modal.IMPORT_FILE_BLOCK: {catalog_modal.IMPORT_FILE_INPUT: chosen},
            catalog_modal.IMPORT_MAP_BLOCK: {
                catalog_modal.IMPORT_MAP_INPUT: {"type": "plain_text_input", "value": "handle = Chaîne YouTube\n"}
            },
        },
    )
    assert reply.status == 200
    assert sqlite_bot.wait_for_jobs() == {"done": 1}
    [entry] = InfluencerRepository(sqlite_bot.engine).entries(FAKE_TEAM)
    assert (entry.handle, entry.followers, entry.engagement_rate) == ("cuisinedemarie", 1_250_000, 0.034)
    summary = sqlite_bot.fake.messages()[-1]["text"]
    assert summary.startswith("Imported french.csv: 1 creators added, 0 updated, 0 rows skipped")
    assert "• Chaîne YouTube → handle (set with --map)" in summary
    assert "• Subscribers (K) → followers, in thousands (1,250 is read as 1,250,000)" in summary
    assert "• &lt;!channel&gt; notes — not a field Segbot reads" in summary
    assert "<!channel>" not in summary
