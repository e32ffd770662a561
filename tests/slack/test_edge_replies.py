"""Edge cases that used to end in an internal error: each now gets one clear reply, or one log line."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from slack_bolt import BoltContext
from slack_bolt.context.respond import Respond

from bot.slack.error_handler import handle_error
from tests.slack.fake_slack import Call
from tests.slack.harness import RunningBot
from tests.slack.sender import file_shared_event


def external_file(call: Call) -> dict[str, Any]:
    """What files.info says about a Google Drive file shared in Slack: no url_private, nothing to download."""
    return {
        "ok": True,
        "file": {
            "id": call.params["file"],
            "name": "audience.csv",
            "title": "audience.csv",
            "filetype": "csv",
            "size": 2048,
            "is_external": True,
            "external_type": "gdrive",
            "shares": {"public": {"C0CHAN": [{"ts": "1700000000.000100"}]}},
        },
    }


def test_an_external_file_gets_a_clear_reply_and_no_job(sqlite_bot: RunningBot) -> None:
    sqlite_bot.fake.respond("files.info", external_file)
    assert sqlite_bot.sender.event(file_shared_event("F0DRIVE")).status == 200
    [reply] = sqlite_bot.fake.wait_for("chat.postMessage")
    assert "audience.csv is a link to a file kept outside Slack (such as Google Drive)" in reply.params["text"]
    assert "upload the file itself to Slack" in reply.params["text"]
    time.sleep(0.3)
    assert sqlite_bot.runtime.jobs.counts() == {}, "no 'working on it' note and no job"
    assert len(sqlite_bot.fake.messages()) == 1


def test_an_error_in_an_event_listener_logs_one_traceback_and_nothing_else(caplog: pytest.LogCaptureFixture) -> None:
    """Events and view submissions have a `respond` without a response_url: no second traceback for it."""
    context = BoltContext({"team_id": "T0FAKE", "respond": Respond(response_url=None)})
    with caplog.at_level(logging.INFO):
        handle_error(RuntimeError("boom"), {"type": "event_callback"}, context)
    assert [(record.levelname, record.exc_info is not None) for record in caplog.records] == [("ERROR", True)]


def test_an_error_in_a_command_still_answers_through_the_response_url(sqlite_bot: RunningBot) -> None:
    url = sqlite_bot.fake.response_url("error")
    context = BoltContext({"team_id": "T0FAKE", "respond": Respond(response_url=url)})
    handle_error(RuntimeError("boom"), {"type": "slash_commands"}, context)
    [answer] = sqlite_bot.fake.wait_for("response_url")
    assert answer.params["text"].startswith("Something went wrong on our side.")
