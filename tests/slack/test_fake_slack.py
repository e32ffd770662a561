"""The fake Slack itself answers as Slack does: tokens, conversations, files, limits, rate limits, leaks."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.slack.fake_slack import FAKE_APP_TOKEN, FAKE_TOKEN, FakeSlack
from tests.slack.fake_world import IM, PRIVATE


def client(fake: FakeSlack, token: str | None = FAKE_TOKEN) -> WebClient:
    return WebClient(token=token, base_url=fake.api_url)


def error_of(call: object) -> str:
    with pytest.raises(SlackApiError) as raised:
        call()  # type: ignore[operator]
    return str(raised.value.response["error"])


@pytest.mark.parametrize(
    ("token", "setup", "expected"),
    [
        (None, None, "not_authed"),
        ("xoxb-never-issued", None, "invalid_auth"),
        ("xoxb-rotating", "expire", "token_expired"),
        ("xoxb-rotating", "revoke", "token_revoked"),
        (FAKE_APP_TOKEN, None, "not_allowed_token_type"),
    ],
)
def test_tokens_are_refused_as_slack_refuses_them(
    fake_slack: FakeSlack, token: str | None, setup: str | None, expected: str
) -> None:
    if setup:
        fake_slack.tokens.add("xoxb-rotating", expires_in=3600)
        getattr(fake_slack.tokens, setup)("xoxb-rotating")
    assert error_of(lambda: client(fake_slack, token).auth_test()) == expected


def test_only_an_app_level_token_opens_a_socket_mode_connection(fake_slack: FakeSlack) -> None:
    assert error_of(lambda: client(fake_slack).apps_connections_open(app_token=FAKE_TOKEN)) == "not_allowed_token_type"
    assert client(fake_slack, FAKE_APP_TOKEN).apps_connections_open(app_token=FAKE_APP_TOKEN)["ok"]


def test_a_rotating_token_expires_on_the_clock_and_refreshes(fake_slack: FakeSlack) -> None:
    fake_slack.tokens.add("xoxe.xoxb-1-a", expires_in=60, refresh_token="xoxe-1-r")
    assert client(fake_slack, "xoxe.xoxb-1-a").auth_test()["ok"]
    fake_slack.tokens.advance(61)
    assert error_of(lambda: client(fake_slack, "xoxe.xoxb-1-a").auth_test()) == "token_expired"
    fresh = client(fake_slack, None).oauth_v2_access(
        client_id="c", client_secret="s", grant_type="refresh_token", refresh_token="xoxe-1-r"
    )
    assert fresh["expires_in"] > 0 and client(fake_slack, fresh["access_token"]).auth_test()["ok"]


def test_membership_is_paginated_with_cursors(fake_slack: FakeSlack) -> None:
    people = [f"U{i:04d}" for i in range(250)]
    fake_slack.world.add_channel("C0BIG", "big", members=people)
    web = client(fake_slack)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = web.conversations_members(channel="C0BIG", limit=100, cursor=cursor)
        seen += page["members"]
        pages += 1
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert pages == 3 and sorted(seen) == sorted([*people, "U0BOT"])


def test_private_channels_and_other_peoples_dms_are_invisible_to_the_bot(fake_slack: FakeSlack) -> None:
    world = fake_slack.world
    world.add_channel("G0BOARD", "board", members=["U0ANA"], private=True)  # the bot is in it
    world.add_channel("G0SECRET", "secret", members=["U0ANA"], private=True, bot=False)
    world.add_dm("D0ANABEN", "U0ANA", with_user="U0BEN")
    world.add_channel("C0OPEN", "open", members=["U0ANA"], bot=False)
    web = client(fake_slack)
    assert web.conversations_members(channel="G0BOARD")["members"] == ["U0ANA", "U0BOT"]
    for hidden in ("G0SECRET", "D0ANABEN", "C0NOPE"):
        assert error_of(lambda h=hidden: web.conversations_members(channel=h)) == "channel_not_found"
        assert error_of(lambda h=hidden: web.conversations_info(channel=h)) == "channel_not_found"
    assert web.conversations_members(channel="C0OPEN")["members"] == ["U0ANA"]
    assert error_of(lambda: web.chat_postMessage(channel="C0OPEN", text="hi")) == "not_in_channel"
    assert error_of(lambda: web.chat_postMessage(channel="G0SECRET", text="hi")) == "channel_not_found"

    listed = web.users_conversations(user="U0ANA", types="public_channel,private_channel,im,mpim")["channels"]
    assert [c["id"] for c in listed] == ["C0OPEN", "G0BOARD"]
    assert web.conversations_info(channel="G0BOARD")["channel"]["is_private"] is True


def test_membership_changes_come_with_slacks_events(fake_slack: FakeSlack) -> None:
    world = fake_slack.world
    world.add_channel("G0BOARD", "board", members=["U0ANA"], private=True)
    left = world.leave("U0ANA", "G0BOARD")
    assert left == {**left, "type": "member_left_channel", "user": "U0ANA", "channel": "G0BOARD", "channel_type": "G"}
    assert world.leave("U0BOT", "G0BOARD")["type"] == "group_left"
    assert error_of(lambda: client(fake_slack).conversations_members(channel="G0BOARD")) == "channel_not_found"


def test_shared_files_arrive_as_slack_delivers_them(fake_slack: FakeSlack) -> None:
    world = fake_slack.world
    world.add_channel("G0BOARD", "board", members=["U0ANA"], private=True)
    world.add_channel("C0EXT", "partners", members=["U0ANA", "W0PARTNER"], shared=True)
    world.add_channel("G0SECRET", "secret", members=["U0ANA"], private=True, bot=False)

    private = fake_slack.share_file("salaries.csv", b"a\n1\n", channel="G0BOARD", user="U0ANA")
    message, shared = private.events
    assert message["channel_type"] == "group" and message["files"][0]["url_private_download"]
    assert shared == {**shared, "type": "file_shared", "file_id": private.file["id"], "channel_id": "G0BOARD"}
    assert set(private.file["shares"]) == {"private"}

    connect = fake_slack.share_file("partners.csv", b"a\n1\n", channel="C0EXT", user="W0PARTNER")
    assert connect.events[0]["files"] == [
        {"id": connect.file["id"], "mode": "file_access", "file_access": "check_file_info", "user": "W0PARTNER"}
    ]
    assert client(fake_slack).files_info(file=connect.file["id"])["file"]["name"] == "partners.csv"

    hidden = fake_slack.share_file("secret.csv", b"a\n1\n", channel="G0SECRET", user="U0ANA")
    assert hidden.events == []
    assert error_of(lambda: client(fake_slack).files_info(file=hidden.file["id"])) == "file_not_found"
    assert world.get("D0DM") is not None and world.get("D0DM").kind == IM  # type: ignore[union-attr]
    assert world.get("G0BOARD").kind == PRIVATE  # type: ignore[union-attr]


@pytest.mark.parametrize("method", ["chat.postMessage", "conversations.members", "file_download", "*"])
def test_429_with_retry_after_on_any_call_including_downloads(fake_slack: FakeSlack, method: str) -> None:
    file = fake_slack.add_file("a.csv", b"a\n1\n")
    fake_slack.rate_limit(method, retry_after=7)
    target = {
        "chat.postMessage": fake_slack.api_url + "chat.postMessage?channel=C0CHAN&text=hi",
        "conversations.members": fake_slack.api_url + "conversations.members?channel=C0CHAN",
        "file_download": file["url_private_download"],
        "*": file["url_private_download"],
    }[method]
    request = urllib.request.Request(target, headers={"Authorization": f"Bearer {FAKE_TOKEN}"})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=5)
    assert raised.value.code == 429 and raised.value.headers["Retry-After"] == "7"
    with urllib.request.urlopen(request, timeout=5) as again:
        assert again.status == 200


def test_a_download_with_a_refused_token_gets_the_sign_in_page(fake_slack: FakeSlack) -> None:
    file = fake_slack.add_file("a.csv", b"a\n1\n")
    fake_slack.tokens.add("xoxb-old", expires_in=10)
    fake_slack.tokens.expire("xoxb-old")
    request = urllib.request.Request(file["url_private_download"], headers={"Authorization": "Bearer xoxb-old"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.headers["Content-Type"].startswith("text/html") and b"Sign in" in response.read()


def download(url: str, token: str) -> bytes:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return bytes(response.read())


def test_a_workspaces_token_reaches_only_that_workspaces_conversations_and_files(fake_slack: FakeSlack) -> None:
    other = fake_slack.add_workspace("T0OTHER", "xoxb-other")
    fake_slack.world.add_channel("C0THEIRS", "theirs", members=["U0ANA"], team_id="T0OTHER")
    fake_slack.world.add_channel("C0EXT", "partners", members=["U0ANA"], shared=True)
    theirs = fake_slack.add_file("theirs.csv", b"a\n1\n", channel="C0THEIRS")
    ours = fake_slack.add_file("ours.csv", b"b\n2\n")
    mine, foreign = client(fake_slack), client(fake_slack, other)

    assert foreign.auth_test()["team_id"] == "T0OTHER" and mine.auth_test()["team_id"] == "T0FAKE"
    assert foreign.chat_postMessage(channel="C0THEIRS", text="hi")["ok"]
    assert foreign.chat_postMessage(channel="C0EXT", text="hi")["ok"], "Slack Connect reaches both teams"
    assert error_of(lambda: mine.chat_postMessage(channel="C0THEIRS", text="hi")) == "channel_not_found"
    assert error_of(lambda: foreign.chat_postMessage(channel="C0CHAN", text="hi")) == "channel_not_found"
    assert error_of(lambda: foreign.conversations_replies(channel="C0CHAN", ts="1")) == "channel_not_found"
    assert error_of(lambda: mine.files_info(file=theirs["id"])) == "file_not_found"
    assert foreign.files_info(file=theirs["id"])["file"]["name"] == "theirs.csv"
    assert [c["id"] for c in foreign.users_conversations(user="U0ANA")["channels"]] == ["C0EXT", "C0THEIRS"]

    assert download(theirs["url_private_download"], other) == b"a\n1\n"
    assert b"Sign in" in download(theirs["url_private_download"], FAKE_TOKEN)
    assert b"Sign in" in download(ours["url_private_download"], other)
    assert [m["text"] for m in fake_slack.kept_messages() if m["channel"] == "C0CHAN" and "text" in m] == []


def test_blocks_and_views_that_break_slacks_limits_are_refused(fake_slack: FakeSlack) -> None:
    web = client(fake_slack)
    too_long = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    assert error_of(lambda: web.chat_postMessage(channel="C0CHAN", text="t", blocks=too_long)) == "invalid_blocks"
    many = [{"type": "divider"}] * 51
    assert error_of(lambda: web.chat_postMessage(channel="C0CHAN", text="t", blocks=many)) == "invalid_blocks"
    no_fallback = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]
    with pytest.warns(UserWarning, match="top-level `text`"):  # slack_sdk warns too
        assert error_of(lambda: web.chat_postMessage(channel="C0CHAN", blocks=no_fallback)) == "invalid_blocks"
    view = {"type": "modal", "title": {"type": "plain_text", "text": "t" * 25}, "blocks": many[:1]}
    assert error_of(lambda: web.views_open(trigger_id="1", view=view)) == "invalid_arguments"
    home = {"type": "home", "blocks": [{"type": "divider"}] * 101}
    assert error_of(lambda: web.views_publish(user_id="U0USER", view=home)) == "invalid_arguments"
    problems = fake_slack.take_problems()
    assert len(problems) >= 5 and any("3000 characters" in p for p in problems)


@pytest.mark.parametrize(
    "text",
    [
        "<!channel> hi",
        "<!here>",
        "<!subteam^S1>",
        "<@U123>",
        "<#C123>",
        "<https://x|y>",
        "> quoted",
        "a < b",
        "report\u202ecsv.exe",
    ],
)
def test_unescaped_mentions_links_and_brackets_are_flagged(fake_slack: FakeSlack, text: str) -> None:
    client(fake_slack).chat_postMessage(channel="C0CHAN", text=text)
    assert fake_slack.take_leaks(), f"{text!r} was not flagged"


def test_escaped_text_and_template_mentions_are_not_flagged(fake_slack: FakeSlack) -> None:
    web = client(fake_slack)
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "<!channel> in plain text is shown as typed"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "&lt;!channel&gt; &amp; <@U0USER> in <#C0CHAN>"}},
    ]
    web.chat_postMessage(channel="C0CHAN", text="&lt;!here&gt; for <@U0USER>", blocks=blocks)
    assert fake_slack.take_leaks() == []


def test_response_url_payloads_are_checked_too(fake_slack: FakeSlack) -> None:
    body = b'{"text": "<!everyone>", "response_type": "ephemeral"}'
    request = urllib.request.Request(fake_slack.response_url(), data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5):
        pass
    assert [leak.method for leak in fake_slack.take_leaks()] == ["response_url"]


def test_threads_are_read_back_with_metadata_only_on_request(fake_slack: FakeSlack) -> None:
    web = client(fake_slack)
    parent = web.chat_postMessage(channel="C0CHAN", text="the file")["ts"]
    report = {"event_type": "segbot_report", "event_payload": {"job": "k1"}}
    first = web.chat_postMessage(channel="C0CHAN", thread_ts=parent, text="report", metadata=report)["ts"]
    note = web.chat_postMessage(channel="C0CHAN", thread_ts=parent, text="working on it")["ts"]
    web.chat_delete(channel="C0CHAN", ts=note)
    web.chat_postMessage(channel="C0DIGEST", thread_ts=parent, text="another channel")

    plain = web.conversations_replies(channel="C0CHAN", ts=parent)["messages"]
    assert [message["ts"] for message in plain] == [parent, first], "parent first, deleted messages gone"
    assert all("metadata" not in message for message in plain)
    with_metadata = web.conversations_replies(channel="C0CHAN", ts=parent, include_all_metadata=True)["messages"]
    assert with_metadata[1]["metadata"] == report

    page = web.conversations_replies(channel="C0CHAN", ts=parent, limit=1)
    assert len(page["messages"]) == 1 and page["has_more"]
    rest = web.conversations_replies(channel="C0CHAN", ts=parent, cursor=page["response_metadata"]["next_cursor"])
    assert [message["ts"] for message in rest["messages"]] == [first]


def test_reading_history_is_refused_as_slack_refuses_it(fake_slack: FakeSlack) -> None:
    web = client(fake_slack)
    fake_slack.world.add_channel("C0OUT", "elsewhere", members=["U0USER"], bot=False)
    assert error_of(lambda: web.conversations_replies(channel="C0CHAN", ts="1.000001")) == "thread_not_found"
    assert error_of(lambda: web.conversations_replies(channel="C0OUT", ts="1.000001")) == "not_in_channel"
    assert error_of(lambda: web.conversations_replies(channel="C0NONE", ts="1.000001")) == "channel_not_found"
    bad = {"event_type": "segbot_report", "event_payload": "not an object"}
    assert error_of(lambda: web.chat_postMessage(channel="C0CHAN", text="x", metadata=bad)) == (
        "invalid_metadata_format"
    )


def test_a_shared_chart_is_a_file_message_in_its_thread(fake_slack: FakeSlack) -> None:
    web = client(fake_slack)
    parent = web.chat_postMessage(channel="C0CHAN", text="the file")["ts"]
    web.files_upload_v2(channel="C0CHAN", thread_ts=parent, content=b"png", filename="segments.png", title="Chart")
    [_, shared] = web.conversations_replies(channel="C0CHAN", ts=parent)["messages"]
    assert [file["name"] for file in shared["files"]] == ["segments.png"]


def test_a_held_call_is_carried_out_and_answered_on_release(fake_slack: FakeSlack) -> None:
    hold = fake_slack.hold("chat.postMessage", when=lambda call: call.params.get("text") == "held")
    web = client(fake_slack)
    answers: list[str] = []
    worker = threading.Thread(target=lambda: answers.append(web.chat_postMessage(channel="C0CHAN", text="held")["ts"]))
    worker.start()
    hold.wait(10)
    assert [message["text"] for message in fake_slack.kept_messages()] == ["held"], "in Slack before the answer"
    assert answers == []
    hold.release()
    worker.join(10)
    assert len(answers) == 1
