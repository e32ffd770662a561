"""The hostile corpus through every message path: nothing a user typed reaches Slack as a live mention or link.

File names, column names, cell values, dataset names and catalog fields carry `<!channel>`, `<!here>`,
`<!subteam^S1>`, `<@U123>`, `<#C123>`, `<https://x|y>`, `&`, `>` quotes, zero-width and right-to-left
characters and 10,000-character names. The fake Slack scans every text and mrkdwn object it receives (its
fixture fails the test on any leak or invalid block); each test also checks that the hostile text did reach
Slack, escaped, so the test cannot pass by showing nothing.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest

from bot.storage.runs import RunRepository
from tests.digests.helpers import store_version
from tests.segmentation.tracking_fixtures import BASE, audience
from tests.slack.fake_slack import FAKE_TEAM, FakeSlack
from tests.slack.harness import RunningBot, wait_until
from tests.slack.sender import CHANNEL, USER

CORPUS = (
    "<!channel>",
    "<!here>",
    "<!subteam^S1>",
    "<@U123>",
    "<#C123>",
    "<https://x|y>",
    "Fish & Chips",
    "> quoted",
    "zero\u200bwidth",
    "rtl\u202eexe.csv",
)
LONG = "L" * 10_000
HOSTILE_FILE = "<!channel> <https://evil.example|click> & more.csv"


def hostile_csv(rows: int = 240) -> bytes:
    """An audience whose headers and category values are the corpus (plus a 10,000-character header)."""
    rng = np.random.default_rng(7)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["<!channel> age", "<@U123> spend", "<#C123> country", "&plan>", LONG, "<!here>"])
    for i in range(rows):
        group = i % 3
        writer.writerow(
            [
                int(rng.normal((22, 40, 61)[group], 3)),
                round(float(rng.normal((20, 200, 900)[group], 10)), 2),
                CORPUS[group],
                CORPUS[3 + group],
                CORPUS[6 + group % 4],
                "",
            ]
        )
    return out.getvalue().encode()


def texts_sent(fake: FakeSlack) -> str:
    """Everything the bot sent to Slack, as one string (to check the corpus arrived escaped)."""
    return "\n".join(json.dumps(call.params, ensure_ascii=False) for call in fake.calls)


def reply_to(bot: RunningBot, command: str, text: str, count: int) -> str:
    bot.sender.command(command, text)
    return str(bot.fake.wait_for("response_url", count)[-1].params.get("text"))


@pytest.fixture
def hostile_run(sqlite_bot: RunningBot) -> RunningBot:
    shared = sqlite_bot.fake.share_file(HOSTILE_FILE, hostile_csv(), channel=CHANNEL, ts="1700000000.000100")
    sqlite_bot.sender.event(shared.events[0])
    sqlite_bot.fake.wait_for("files.completeUploadExternal", timeout=90)
    assert sqlite_bot.wait_for_jobs() == {"done": 1}
    return sqlite_bot


def test_upload_report_progress_and_chart_title(hostile_run: RunningBot) -> None:
    sent = texts_sent(hostile_run.fake)
    assert "&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; more.csv" in sent
    assert "&lt;#C123&gt; country" in sent or "&lt;@U123&gt; spend" in sent
    assert LONG not in sent, "a 10,000-character name is shortened"
    report = hostile_run.fake.messages()[-1]
    header = report["blocks"][0]["text"]
    assert header["type"] == "plain_text" and "<!channel> <https://evil.example|click> & more.csv" in header["text"]
    assert hostile_run.fake.leaks == []


def test_commands_echo_names_escaped(hostile_run: RunningBot) -> None:
    bot = hostile_run
    bot.fake.respond("users.info", lambda call: {"ok": True, "user": {"id": "U0USER", "tz": "UTC"}})
    rerun = reply_to(bot, "/segment", "k=3", 1)
    assert "&lt;https://evil.example|click&gt;" in rerun
    assert "&lt;!channel&gt;" in reply_to(bot, "/segment", "runs", 2)
    assert "&lt;!channel&gt;" in reply_to(bot, "/segment", "last", 3)
    assert "&lt;!here&gt;" in reply_to(bot, "/segment", "dataset <!here> & co", 4)
    assert "&lt;@U123&gt;" in reply_to(bot, "/segment", "subscribe <@U123> weekly", 5)
    assert "subscribed this channel" in reply_to(bot, "/segment", "subscribe @here !channel weekly", 6)
    listing = reply_to(bot, "/segment", "subscriptions", 7)
    assert f"*@here !channel* in <#{CHANNEL}>" in listing, "the template's channel mention stays a mention"
    assert "&lt;#C123&gt;" in reply_to(bot, "/segment", "unsubscribe <#C123>", 8)
    assert "&lt;!subteam^S1&gt;" in reply_to(bot, "/segment", "digest <!subteam^S1> now", 9)
    assert "/influencers import" in reply_to(bot, "/influencers", "list <!channel>", 10)  # empty catalog
    bot.wait_for_jobs(2)
    assert bot.fake.leaks == []


def test_home_lists_hostile_names_escaped(hostile_run: RunningBot) -> None:
    hostile_run.sender.event({"type": "app_home_opened", "user": "U0USER", "channel": "D0DM", "tab": "home"})
    [published] = hostile_run.fake.wait_for("views.publish")
    assert "&lt;!channel&gt;" in json.dumps(published.params["view"])
    assert hostile_run.fake.leaks == []


def test_catalog_import_summary_escapes_file_name_and_cells(sqlite_bot: RunningBot) -> None:
    rows = ["platform,handle,followers,topics"]
    rows += [f"instagram,creator{i},{1000 + i},{CORPUS[i % len(CORPUS)].replace(',', ' ')}" for i in range(8)]
    rows += ["instagram,bad1,<!here>,music", f"tiktok,<@U123>,{LONG},gaming"]
    shared = sqlite_bot.fake.share_file(
        "<!channel> creators.csv", "\n".join(rows).encode(), channel=CHANNEL, text="influencers import"
    )
    sqlite_bot.sender.event(shared.events[0])
    wait_until(lambda: len(sqlite_bot.fake.messages()) >= 2, 30, "the import summary")
    sqlite_bot.wait_for_jobs()
    summary = sqlite_bot.fake.messages()[-1]["text"]
    assert "&lt;!channel&gt; creators.csv" in summary and "&lt;!here&gt;" in summary
    assert len(summary) < 5000, "a 10,000-character cell does not make a 10,000-character message"
    assert sqlite_bot.fake.leaks == []


def test_digest_with_hostile_segment_names(sqlite_bot: RunningBot) -> None:
    """Dataset names cannot hold < > & (they are refused, escaped, above); segment names come from the data."""
    result = audience(BASE)
    hostile = tuple(replace(s, name=CORPUS[i] + " fans") for i, s in enumerate(result.segments))
    store_version(sqlite_bot.engine, "survey", replace(result, segments=hostile), datetime(2026, 3, 1, tzinfo=UTC))
    sqlite_bot.sender.command("/segment", "digest survey now")
    [posted] = sqlite_bot.fake.wait_for("chat.postMessage")
    assert "&lt;!channel&gt; fans" in json.dumps(posted.params["blocks"])
    assert sqlite_bot.fake.leaks == []


def test_errors_echo_names_escaped(sqlite_bot: RunningBot) -> None:
    shared = sqlite_bot.fake.share_file("<!here> broken.csv", b"\x00\x01\x02 not a table \xff" * 10, channel=CHANNEL)
    sqlite_bot.sender.event(shared.events[0])
    sqlite_bot.wait_for_jobs()
    assert "&lt;!here&gt; broken.csv" in texts_sent(sqlite_bot.fake)
    assert "&lt;!channel&gt;" in reply_to(sqlite_bot, "/segment", "digest <!channel> now", 1)
    assert RunRepository(sqlite_bot.engine).count(FAKE_TEAM) == 0
    assert sqlite_bot.fake.leaks == []


def test_mentions_of_real_people_and_channels_in_user_text_arrive_escaped(sqlite_bot: RunningBot) -> None:
    """The fake lets the bot's own mentions of people and channels it knows through, so user text naming a real
    member or channel must be checked by what arrives, not only by the fake's leak list."""
    name = f"<@{USER}> <#{CHANNEL}> list.csv"
    shared = sqlite_bot.fake.share_file(name, hostile_csv(), channel=CHANNEL, ts="1700000000.000200")
    sqlite_bot.sender.event(shared.events[0])
    sqlite_bot.fake.wait_for("files.completeUploadExternal", timeout=90)
    assert sqlite_bot.wait_for_jobs() == {"done": 1}
    mrkdwn = "\n".join(_mrkdwn_texts([call.params for call in sqlite_bot.fake.calls]))
    assert f"&lt;@{USER}&gt; &lt;#{CHANNEL}&gt; list.csv" in mrkdwn
    assert name not in mrkdwn


def _mrkdwn_texts(node: object) -> list[str]:
    """Every string Slack parses for mentions: message `text` fields and mrkdwn text objects (not plain_text)."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") != "plain_text" and isinstance(node.get("text"), str):
            found.append(node["text"])
        for value in node.values():
            found += _mrkdwn_texts(value)
    elif isinstance(node, list):
        for item in node:
            found += _mrkdwn_texts(item)
    elif isinstance(node, str) and node.startswith(("[", "{")):
        with contextlib.suppress(ValueError):
            found += _mrkdwn_texts(json.loads(node))
    return found
