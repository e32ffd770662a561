"""The digest slash subcommands through Segbot's real HTTP app and the local fake of Slack."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.errors import SegbotError
from bot.slack.commands.digest_commands import SubscribeWords, parse_subscribe
from bot.storage.runs import RunRepository
from bot.storage.subscriptions import Schedule, SubscriptionRepository
from tests.digests.helpers import WORKSPACE, store_version
from tests.segmentation.tracking_fixtures import BASE, LOYAL, QUIET, SPENDERS, YOUNG, audience
from tests.slack.harness import RunningBot, wait_until
from tests.slack.sender import CHANNEL, file_share_event


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ("newsletter weekly", SubscribeWords("newsletter", None, None, None)),
        ("shop customers weekly fri 17:30", SubscribeWords("shop customers", "fri", "17:30", None)),
        ("newsletter weekly 08:15 Europe/Berlin", SubscribeWords("newsletter", None, "08:15", "Europe/Berlin")),
        ("the weekly weekly tue", SubscribeWords("the weekly", "tue", None, None)),
    ],
)
def test_subscribe_words(args: str, words: SubscribeWords) -> None:
    assert parse_subscribe(args) == words


@pytest.mark.parametrize("args", ["newsletter", "weekly mon", "newsletter weekly mon tue wed"])
def test_subscribe_words_that_make_no_sense_get_the_usage(args: str) -> None:
    with pytest.raises(SegbotError, match="/segment subscribe NAME weekly"):
        parse_subscribe(args)


def _last_reply(bot: RunningBot, count: int) -> dict[str, object]:
    return bot.fake.wait_for("response_url", count)[-1].params


def test_subscribe_in_the_users_time_zone_list_and_unsubscribe(sqlite_bot: RunningBot) -> None:
    sqlite_bot.fake.respond("users.info", lambda call: {"ok": True, "user": {"id": "U0USER", "tz": "Europe/Berlin"}})
    sqlite_bot.sender.command("/segment", "subscribe newsletter weekly fri 17:30")
    reply = _last_reply(sqlite_bot, 1)
    assert reply["response_type"] == "in_channel"
    assert "weekly digest of *newsletter*: Fri 17:30 Europe/Berlin" in str(reply["text"])
    assert "no data for it yet" in str(reply["text"])
    (subscription,) = SubscriptionRepository(sqlite_bot.engine).list(WORKSPACE)
    assert subscription.schedule == Schedule(4, 17, 30, "Europe/Berlin") and subscription.channel_id == CHANNEL

    sqlite_bot.sender.command("/segment", "subscriptions")
    listing = str(_last_reply(sqlite_bot, 2)["text"])
    assert f"• *newsletter* in <#{CHANNEL}>: Fri 17:30 Europe/Berlin (next " in listing

    sqlite_bot.sender.command("/segment", "unsubscribe newsletter")
    assert "no longer gets the weekly digest of *newsletter*" in str(_last_reply(sqlite_bot, 3)["text"])
    assert SubscriptionRepository(sqlite_bot.engine).list(WORKSPACE) == []

    sqlite_bot.sender.command("/segment", "unsubscribe newsletter")
    again = str(_last_reply(sqlite_bot, 4)["text"])
    assert again == "This channel has no digest of 'newsletter'; `/segment subscriptions` lists every subscription."


def test_without_a_time_zone_from_slack_the_schedule_is_utc(sqlite_bot: RunningBot) -> None:
    sqlite_bot.fake.respond("users.info", lambda call: {"ok": False, "error": "user_not_found"})
    sqlite_bot.sender.command("/segment", "subscribe newsletter weekly")
    assert "Mon 09:00 UTC" in str(_last_reply(sqlite_bot, 1)["text"])


def test_digest_now_posts_in_the_channel(sqlite_bot: RunningBot) -> None:
    store_version(sqlite_bot.engine, "newsletter", audience(BASE), datetime(2026, 3, 1, tzinfo=UTC))
    grown = [replace(YOUNG, size=800), SPENDERS, LOYAL, QUIET]
    store_version(sqlite_bot.engine, "newsletter", audience(grown, seed=3), datetime(2026, 3, 8, tzinfo=UTC))
    sqlite_bot.sender.command("/segment", "digest newsletter now")
    (posted,) = sqlite_bot.fake.wait_for("chat.postMessage")
    assert posted.params["channel"] == CHANNEL
    assert str(posted.params["text"]).startswith("*newsletter* changed: 1,600 people (+400) in 4 segments.")


def test_digest_of_an_unknown_dataset_says_so(sqlite_bot: RunningBot) -> None:
    sqlite_bot.sender.command("/segment", "digest nothing-here now")
    assert "no dataset called 'nothing-here'" in str(_last_reply(sqlite_bot, 1)["text"])


def test_the_named_dataset_takes_the_next_upload_only(sqlite_bot: RunningBot, sample_csv: bytes) -> None:
    sqlite_bot.sender.command("/segment", "dataset weekly survey")
    assert "new version of *weekly survey*" in str(_last_reply(sqlite_bot, 1)["text"])
    for count, name in ((1, "export-march.csv"), (2, "export-april.csv")):
        file = sqlite_bot.fake.add_file(name, sample_csv, ts=f"170000000{count}.000100")
        sqlite_bot.sender.event(file_share_event(file, ts=f"170000000{count}.000100"))
        wait_until(lambda c=count: RunRepository(sqlite_bot.engine).count(WORKSPACE) == c, what="the upload's run")
    runs = RunRepository(sqlite_bot.engine).recent(WORKSPACE)
    assert sorted(run.dataset_name for run in runs) == ["export-april", "weekly survey"]
