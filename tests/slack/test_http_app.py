"""End-to-end: Segbot's real HTTP server and workers against the local fake of Slack, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import time
import urllib.request
from collections import Counter

from sqlalchemy import select

from bot.report import actions as ids
from bot.slack.server import health
from bot.storage.database import create_database_engine
from bot.storage.runs import RunChoices, RunRepository
from bot.storage.tables_slack import slack_event_receipts
from segmentation import segment
from tests.slack.fake_slack import FAKE_TEAM, FAKE_TOKEN, FakeSlack
from tests.slack.harness import RunningBot, wait_until
from tests.slack.sender import CHANNEL, file_share_event, file_shared_event
from tests.slack.signing import slack_signature

SHARE_TS = "1700000000.000100"


def share_file(bot: RunningBot, name: str, content: bytes, **options: object) -> dict:
    file = bot.fake.add_file(name, content, ts=SHARE_TS, **options)  # type: ignore[arg-type]
    reply = bot.sender.event(file_share_event(file, ts=SHARE_TS))
    assert reply.status == 200
    return file


def test_healthz_answers_200_when_the_database_is_usable(bot: RunningBot) -> None:
    with urllib.request.urlopen(f"{bot.base_url}/healthz", timeout=5) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"status": "ok"}


def test_bad_and_stale_signatures_are_rejected_with_401(sqlite_bot: RunningBot) -> None:
    body = "command=%2Fsegment&text=help"
    assert sqlite_bot.sender.post(body, "application/x-www-form-urlencoded", signature="v0=" + "0" * 64).status == 401
    stale = int(time.time()) - 6 * 60
    assert sqlite_bot.sender.post(body, "application/x-www-form-urlencoded", timestamp=stale).status == 401
    assert sqlite_bot.fake.calls_to("response_url") == []


def test_segment_help_is_answered_through_the_response_url(sqlite_bot: RunningBot) -> None:
    started = time.monotonic()
    reply = sqlite_bot.sender.command("/segment", "help")
    assert reply.status == 200
    assert time.monotonic() - started < 3
    [answer] = sqlite_bot.fake.wait_for("response_url")
    assert answer.params["response_type"] == "ephemeral"
    assert "/segment last" in answer.params["text"]
    assert answer.params["blocks"]


def test_unknown_subcommand_gets_the_help_text(sqlite_bot: RunningBot) -> None:
    assert sqlite_bot.sender.command("/segment", "frobnicate please").status == 200
    [answer] = sqlite_bot.fake.wait_for("response_url")
    assert "/segment runs" in answer.params["text"]


def test_upload_gets_a_threaded_report_a_chart_and_a_stored_run(bot: RunningBot, sample_csv: bytes) -> None:
    file = share_file(bot, "audience.csv", sample_csv)
    bot.fake.wait_for("files.completeUploadExternal")
    assert bot.wait_for_jobs() == {"done": 1}

    progress, report = bot.fake.messages()
    assert progress["thread_ts"] == SHARE_TS and "audience.csv" in progress["text"]
    assert report["thread_ts"] == SHARE_TS and report["channel"] == CHANNEL
    assert " segments in audience.csv" in report["text"]
    assert len(report["blocks"]) <= 50
    assert bot.fake.calls_to("chat.update"), "the progress note is updated while the file is worked on"

    [chart] = [upload for upload in bot.fake.uploads.values() if upload.channel_id]
    assert chart.thread_ts == SHARE_TS
    assert chart.content.startswith(b"\x89PNG")

    [download] = bot.fake.calls_to("file_download")
    assert download.token == FAKE_TOKEN
    [run] = RunRepository(bot.engine).recent(FAKE_TEAM)
    assert (run.file_name, run.dataset_name, run.source_file_id) == ("audience.csv", "audience", file["id"])
    assert (run.channel_id, run.thread_ts) == (CHANNEL, SHARE_TS)
    assert f"{run.k} segments in audience.csv" in report["text"]


def test_retries_duplicates_and_file_shared_twins_are_processed_once(bot: RunningBot, sample_csv: bytes) -> None:
    file = bot.fake.add_file("audience.csv", sample_csv, ts=SHARE_TS)
    event = file_share_event(file, ts=SHARE_TS)
    assert bot.sender.event(event, event_id="EvSAME").status == 200
    assert bot.sender.event(event, event_id="EvSAME", retry_num=1).status == 200
    assert bot.sender.event(event, event_id="EvSAME", retry_num=2).status == 200
    assert bot.sender.event(file_shared_event(file["id"]), event_id="EvTWIN").status == 200
    bot.fake.wait_for("files.completeUploadExternal")
    bot.wait_for_jobs()
    time.sleep(0.3)
    assert bot.runtime.jobs.counts() == {"done": 1}
    assert len(bot.fake.calls_to("file_download")) == 1
    assert len(RunRepository(bot.engine).recent(FAKE_TEAM)) == 1
    with bot.engine.connect() as connection:
        keys = set(connection.execute(select(slack_event_receipts.c.key)).scalars())
    assert {"event:EvSAME", "event:EvTWIN", f"file:{FAKE_TEAM}:{CHANNEL}:{file['id']}"} <= keys


def test_file_shared_event_alone_is_resolved_with_files_info(sqlite_bot: RunningBot, sample_csv: bytes) -> None:
    file = sqlite_bot.fake.add_file("audience.csv", sample_csv, ts=SHARE_TS)
    assert sqlite_bot.sender.event(file_shared_event(file["id"])).status == 200
    sqlite_bot.fake.wait_for("files.completeUploadExternal")
    assert sqlite_bot.fake.calls_to("files.info")[0].params["file"] == file["id"]
    assert all(message["thread_ts"] == SHARE_TS for message in sqlite_bot.fake.messages())


def test_unreadable_upload_gets_one_plain_reply(sqlite_bot: RunningBot) -> None:
    share_file(sqlite_bot, "broken.csv", b"\x00\x01\x02\x03 not a table \xff\xfe" * 10)
    assert sqlite_bot.wait_for_jobs() == {"failed": 1}
    [note] = sqlite_bot.fake.messages()
    [replaced] = sqlite_bot.fake.calls_to("chat.update")[-1:]
    assert replaced.params["ts"] is not None
    assert "Traceback" not in replaced.params["text"] and "reference" not in replaced.params["text"].lower()
    assert "broken.csv" in note["text"]
    assert RunRepository(sqlite_bot.engine).recent(FAKE_TEAM) == []


def test_images_and_other_files_are_ignored(sqlite_bot: RunningBot) -> None:
    share_file(sqlite_bot, "team-photo.png", b"\x89PNG\r\n\x1a\n")
    time.sleep(0.3)
    assert sqlite_bot.runtime.jobs.counts() == {}
    assert sqlite_bot.fake.messages() == []


def test_files_over_the_size_cap_are_refused_before_downloading(sqlite_bot: RunningBot) -> None:
    share_file(sqlite_bot, "huge.csv", b"a,b\n1,2\n", size=500_000_000)
    sqlite_bot.fake.wait_for("chat.postMessage")
    [refusal] = sqlite_bot.fake.messages()
    assert "200 MB" in refusal["text"] and refusal["thread_ts"] == SHARE_TS
    assert sqlite_bot.fake.calls_to("file_download") == []


def test_the_token_is_never_sent_to_a_foreign_host(sqlite_bot: RunningBot, sample_csv: bytes) -> None:
    foreign = FakeSlack(host="127.0.0.1").start()
    try:
        hosted = foreign.add_file("audience.csv", sample_csv)
        # Same machine, another host name: not Slack, not SLACK_API_URL's host.
        url = hosted["url_private_download"].replace("127.0.0.1", "localhost")
        share_file(sqlite_bot, "audience.csv", sample_csv, download_url=url)
        sqlite_bot.wait_for_jobs()
        assert all(call.token is None for call in foreign.calls)
        assert foreign.calls == []
        note = sqlite_bot.fake.calls_to("chat.update")[-1].params["text"]
        assert "not hosted by Slack" in note
    finally:
        foreign.stop()


def test_not_in_channel_fails_the_job_with_a_log_line_and_no_crash(
    sqlite_bot: RunningBot, sample_csv: bytes, caplog
) -> None:
    sqlite_bot.fake.fail("chat.postMessage", "not_in_channel", times=10)
    share_file(sqlite_bot, "audience.csv", sample_csv)
    time.sleep(0.5)
    assert sqlite_bot.runtime.jobs.counts() == {}
    assert sqlite_bot.sender.command("/segment", "help").status == 200
    sqlite_bot.fake.wait_for("response_url")
    # The shared file is handled on another thread than the command: its log line may come a moment later.
    wait_until(lambda: any("not_in_channel" in record.getMessage() for record in caplog.records), 5)


def test_not_in_channel_during_a_job_marks_it_failed(sqlite_bot: RunningBot, sample_csv: bytes, caplog) -> None:
    posted = []

    def refuse_after_progress(call):
        posted.append(call)
        if len(posted) == 1:
            return {"ok": True, "channel": CHANNEL, "ts": "1700000001.000001"}
        return {"ok": False, "error": "not_in_channel"}

    sqlite_bot.fake.respond("chat.postMessage", refuse_after_progress)
    share_file(sqlite_bot, "audience.csv", sample_csv)
    assert sqlite_bot.wait_for_jobs() == {"failed": 1}
    assert any("not_in_channel" in record.getMessage() for record in caplog.records)


def test_an_unexpected_slack_error_during_a_job_tells_the_user_and_clears_the_note(
    sqlite_bot: RunningBot, sample_csv: bytes, caplog
) -> None:
    posted = []

    def refuse_the_report(call):
        posted.append(call)
        if len(posted) == 1:  # the "working on it" note
            return {"ok": True, "channel": CHANNEL, "ts": "1700000001.000001"}
        return {"ok": False, "error": "invalid_blocks"}

    sqlite_bot.fake.respond("chat.postMessage", refuse_the_report)
    share_file(sqlite_bot, "audience.csv", sample_csv)
    assert sqlite_bot.wait_for_jobs() == {"failed": 1}
    note = sqlite_bot.fake.calls_to("chat.update")[-1].params
    assert note["ts"] == "1700000001.000001"
    assert note["text"].startswith("Something went wrong on our side while working on this.")
    reference = re.search(r"Reference: ([0-9a-f]{8})\.", note["text"])
    assert reference is not None
    assert any(reference.group(1) in r.getMessage() and "invalid_blocks" in r.getMessage() for r in caplog.records)


def test_segment_last_runs_and_rerun_with_k(sqlite_bot: RunningBot, sample_csv: bytes) -> None:
    share_file(sqlite_bot, "audience.csv", sample_csv)
    sqlite_bot.fake.wait_for("files.completeUploadExternal")
    sqlite_bot.wait_for_jobs()
    [run] = RunRepository(sqlite_bot.engine).recent(FAKE_TEAM)

    sqlite_bot.sender.command("/segment", "last")
    sqlite_bot.sender.command("/segment", "runs")
    last, runs = sorted(
        sqlite_bot.fake.wait_for("response_url", 2), key=lambda call: "segments in" not in call.params["text"]
    )
    assert "segments in audience.csv" in last.params["text"]
    assert "audience.csv" in runs.params["text"]

    new_k = 2 if run.k != 2 else 3
    sqlite_bot.sender.command("/segment", f"k={new_k}")
    sqlite_bot.fake.wait_for("files.completeUploadExternal", 2)
    sqlite_bot.wait_for_jobs(2)
    rerun = RunRepository(sqlite_bot.engine).latest(FAKE_TEAM)
    assert rerun is not None and rerun.forced_k == new_k and rerun.k == new_k
    assert rerun.thread_ts == SHARE_TS


def test_bad_k_gets_a_plain_sentence(sqlite_bot: RunningBot) -> None:
    sqlite_bot.sender.command("/segment", "k=99")
    [answer] = sqlite_bot.fake.wait_for("response_url")
    assert "from 1 to 12" in answer.params["text"]


def test_buttons_details_labels_and_the_rerun_modal(bot: RunningBot, sample_csv: bytes) -> None:
    share_file(bot, "audience.csv", sample_csv)
    bot.fake.wait_for("files.completeUploadExternal")
    bot.wait_for_jobs()
    [run] = RunRepository(bot.engine).recent(FAKE_TEAM)

    assert bot.sender.click(ids.SHOW_DETAILS, str(run.id)).status == 200
    [details] = bot.fake.wait_for("response_url")
    assert details.params["replace_original"] is False

    assert bot.sender.click(ids.DOWNLOAD_LABELS, str(run.id)).status == 200
    wait_until(lambda: any(u.filename == "labels.csv" and u.channel_id for u in bot.fake.uploads.values()))
    [labels] = [u for u in bot.fake.uploads.values() if u.filename == "labels.csv"]
    lines = labels.content.decode().splitlines()
    assert lines[0] == "row,segment" and len(lines) == run.n_rows + 1
    sizes = Counter(int(line.split(",")[1]) for line in lines[1:])
    assert sizes == {segment.id: segment.size for segment in run.result.segments}
    assert labels.thread_ts == SHARE_TS
    # The same rows with the customer ids, never the emails (the sample audience has both).
    wait_until(lambda: any(u.filename == "audience_ids.csv" and u.channel_id for u in bot.fake.uploads.values()))
    [audience] = [u for u in bot.fake.uploads.values() if u.filename == "audience_ids.csv"]
    id_lines = audience.content.decode().splitlines()
    assert id_lines[0] == "row,customer_id,segment" and len(id_lines) == run.n_rows + 1
    assert "@" not in audience.content.decode()
    assert [line.split(",")[2] for line in id_lines[1:]] == [line.split(",")[1] for line in lines[1:]]

    assert bot.sender.click(ids.OPEN_RERUN, str(run.id)).status == 200
    [opened] = bot.fake.wait_for("views.open")
    view = opened.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == ids.RERUN_CALLBACK

    bad = bot.sender.submit_view(
        ids.RERUN_CALLBACK, view["private_metadata"], {ids.RERUN_K_BLOCK: {ids.RERUN_K_INPUT: {"value": "13"}}}
    )
    assert bad.status == 200 and json.loads(bad.body)["response_action"] == "errors"

    good = bot.sender.submit_view(
        ids.RERUN_CALLBACK, view["private_metadata"], {ids.RERUN_K_BLOCK: {ids.RERUN_K_INPUT: {"value": "3"}}}
    )
    assert good.status == 200
    wait_until(lambda: RunRepository(bot.engine).count(FAKE_TEAM) == 2, what="the re-run")
    bot.wait_for_jobs(3)
    latest = RunRepository(bot.engine).latest(FAKE_TEAM)
    assert latest is not None and latest.k == 3 and latest.forced_k == 3

    # "Show 2 segments" on a near tie re-runs at once with the other k
    assert bot.sender.click(ids.RERUN_ALTERNATIVE, ids.alternative_value(run.id, 2)).status == 200
    wait_until(lambda: RunRepository(bot.engine).count(FAKE_TEAM) == 3, what="the re-run with the other k")
    bot.wait_for_jobs(4)
    latest = RunRepository(bot.engine).latest(FAKE_TEAM)
    assert latest is not None and latest.k == 2 and latest.forced_k == 2


def test_the_rerun_modal_chooses_the_value_and_outcome_columns(sqlite_bot: RunningBot, sample_csv: bytes) -> None:
    bot = sqlite_bot
    share_file(bot, "audience.csv", sample_csv)
    bot.fake.wait_for("files.completeUploadExternal")
    bot.wait_for_jobs()
    [run] = RunRepository(bot.engine).recent(FAKE_TEAM)
    assert run.result.value_column == "total_spend" and run.result.outcome_columns == ()

    assert bot.sender.click(ids.OPEN_RERUN, str(run.id)).status == 200
    [opened] = bot.fake.wait_for("views.open")  # the fake validates the view with slack_sdk's models
    view = opened.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    elements = {b.get("block_id"): b.get("element", {}) for b in view["blocks"]}
    value_menu, outcome_menu = elements[ids.RERUN_VALUE_BLOCK], elements[ids.RERUN_OUTCOME_BLOCK]
    assert value_menu["initial_option"]["text"]["text"] == "Found automatically: total_spend"
    assert outcome_menu["initial_options"][0]["text"]["text"] == "Found automatically: none in this file"
    option = {o["text"]["text"]: o["value"] for o in value_menu["options"] + outcome_menu["options"]}

    def submit(value: str, outcomes: list[str]) -> dict:
        reply = bot.sender.submit_view(
            ids.RERUN_CALLBACK,
            view["private_metadata"],
            {
                ids.RERUN_K_BLOCK: {ids.RERUN_K_INPUT: {"value": "3"}},
                ids.RERUN_VALUE_BLOCK: {ids.RERUN_VALUE_INPUT: {"selected_option": {"value": value}}},
                ids.RERUN_OUTCOME_BLOCK: {
                    ids.RERUN_OUTCOME_INPUT: {"selected_options": [{"value": v} for v in outcomes]}
                },
            },
        )
        assert reply.status == 200
        return json.loads(reply.body) if reply.body else {}

    mixed = submit(option["orders"], ["none", option["newsletter_opt_in"]])
    assert mixed["response_action"] == "errors" and "not a mix" in mixed["errors"][ids.RERUN_OUTCOME_BLOCK]
    assert RunRepository(bot.engine).count(FAKE_TEAM) == 1

    submit(option["orders"], [option["newsletter_opt_in"]])
    wait_until(lambda: RunRepository(bot.engine).count(FAKE_TEAM) == 2, what="the re-run")
    bot.wait_for_jobs(2)
    rerun = RunRepository(bot.engine).latest(FAKE_TEAM)
    assert rerun is not None and rerun.k == 3 and rerun.thread_ts == SHARE_TS
    # What `segbot segment --value orders --outcome newsletter_opt_in --k 3` gives: the same engine call.
    assert rerun.choices == RunChoices(value="orders", outcomes=("newsletter_opt_in",))
    assert rerun.result.value_column == "orders"
    assert rerun.result.outcome_columns == ("newsletter_opt_in",)
    expected = segment(sample_csv, k=3, value="orders", outcomes=["newsletter_opt_in"])
    assert [p.size for p in rerun.result.segments] == [p.size for p in expected.segments]
    report = json.dumps(bot.fake.messages()[-1])
    assert "newsletter_opt_in" in report and "of orders" in report

    # The labels of the re-run segment the file the way the re-run did (the outcome kept out of the clustering).
    bot.sender.click(ids.DOWNLOAD_LABELS, str(rerun.id))
    wait_until(lambda: any(u.filename == "labels.csv" and u.channel_id for u in bot.fake.uploads.values()))
    [labels] = [u for u in bot.fake.uploads.values() if u.filename == "labels.csv"]
    sizes = Counter(int(line.split(",")[1]) for line in labels.content.decode().splitlines()[1:])
    assert sizes == {p.id: p.size for p in rerun.result.segments}

    # Reopened on the re-run, the menus start at its choice; "None" takes the value column away.
    bot.sender.click(ids.OPEN_RERUN, str(rerun.id))
    reopened = bot.fake.wait_for("views.open", 2)[-1].params["view"]
    reopened = json.loads(reopened) if isinstance(reopened, str) else reopened
    assert '"initial_option": {"text": {"type": "plain_text", "text": "orders"' in json.dumps(reopened)
    bot.sender.submit_view(
        ids.RERUN_CALLBACK,
        reopened["private_metadata"],
        {
            ids.RERUN_K_BLOCK: {ids.RERUN_K_INPUT: {"value": "3"}},
            ids.RERUN_VALUE_BLOCK: {ids.RERUN_VALUE_INPUT: {"selected_option": {"value": "none"}}},
            ids.RERUN_OUTCOME_BLOCK: {ids.RERUN_OUTCOME_INPUT: {"selected_options": [{"value": "none"}]}},
        },
    )
    wait_until(lambda: RunRepository(bot.engine).count(FAKE_TEAM) == 3, what="the re-run without value")
    bot.wait_for_jobs(4)
    plain = RunRepository(bot.engine).latest(FAKE_TEAM)
    assert plain is not None and plain.result.value_column is None and plain.result.outcome_columns == ()
    assert "ranked by size" in json.dumps(bot.fake.messages()[-1])


def test_app_home_shows_recent_runs(sqlite_bot: RunningBot, sample_csv: bytes) -> None:
    share_file(sqlite_bot, "audience.csv", sample_csv)
    sqlite_bot.fake.wait_for("files.completeUploadExternal")
    sqlite_bot.wait_for_jobs()
    sqlite_bot.sender.event({"type": "app_home_opened", "user": "U0USER", "channel": "D0DM", "tab": "home"})
    [published] = sqlite_bot.fake.wait_for("views.publish")
    assert published.params["user_id"] == "U0USER"
    assert "audience.csv" in json.dumps(published.params["view"])


def test_other_messages_are_acknowledged(sqlite_bot: RunningBot) -> None:
    reply = sqlite_bot.sender.event(
        {"type": "message", "channel": CHANNEL, "user": "U0USER", "text": "hi", "ts": "1.2"}
    )
    assert reply.status == 200


def test_rate_limited_calls_are_retried_after_retry_after(sqlite_bot: RunningBot) -> None:
    sqlite_bot.fake.rate_limit("chat.postMessage", retry_after=1)
    sqlite_bot.sender.event(
        {"type": "app_mention", "channel": CHANNEL, "user": "U0USER", "text": "<@U0BOT>", "ts": "5.0"}
    )
    posts = sqlite_bot.fake.wait_for("chat.postMessage", 2, timeout=10)
    assert posts[1].params["thread_ts"] == "5.0"


def test_server_errors_are_retried(sqlite_bot: RunningBot) -> None:
    sqlite_bot.fake.server_error("chat.postMessage", status=503)
    mention = {"type": "app_mention", "channel": CHANNEL, "user": "U0USER", "text": "<@U0BOT>", "ts": "6.0"}
    sqlite_bot.sender.event(mention)
    posts = sqlite_bot.fake.wait_for("chat.postMessage", 2, timeout=10)
    assert posts[1].params["thread_ts"] == "6.0"


def test_signature_helper_agrees_with_the_server(sqlite_bot: RunningBot) -> None:
    body = "command=%2Fsegment&text=help&team_id=T0FAKE&channel_id=C0CHAN&user_id=U0USER"
    stamp = str(int(time.time()))
    signature = slack_signature("wrong-secret", stamp, body)
    assert sqlite_bot.sender.post(body, "application/x-www-form-urlencoded", signature=signature).status == 401


def test_healthz_answers_503_when_the_database_is_not_usable(tmp_path) -> None:
    broken = create_database_engine(f"sqlite:///{tmp_path / 'missing' / 'segbot.db'}")
    status, body = health(broken)
    assert status.startswith("503") and body["status"] == "unavailable"


def test_a_command_in_a_channel_segbot_is_not_in_says_so(sqlite_bot: RunningBot, sample_csv: bytes) -> None:
    share_file(sqlite_bot, "audience.csv", sample_csv)
    sqlite_bot.fake.wait_for("files.completeUploadExternal")
    sqlite_bot.wait_for_jobs()
    sqlite_bot.fake.fail("chat.postMessage", "not_in_channel")
    assert sqlite_bot.sender.command("/segment", "k=3").status == 200
    [answer] = sqlite_bot.fake.wait_for("response_url")
    assert "/invite @Segbot" in answer.params["text"]
    assert sqlite_bot.runtime.jobs.counts() == {"done": 1}, "nothing was queued"


def test_uninstall_events_are_acknowledged_and_logged(sqlite_bot: RunningBot, caplog) -> None:
    reply = sqlite_bot.sender.event({"type": "app_uninstalled"})
    assert reply.status == 200
    wait_until(lambda: any("uninstalled" in record.getMessage() for record in caplog.records), 5)
