"""Access follows Slack: two people, a private channel, a public channel and a DM, through every surface.

Ana is in the private channel #board (G0BOARD), the public channel #marketing (C0PUB) and her DM with Segbot
(D0ANA); Ben only in #marketing. Each conversation gets one upload. Each person must see exactly the runs,
reports, labels and digests of the conversations they are in, on the Home tab, through every button, the
re-run modal and every slash command, and nothing more once they leave.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from bot.report import actions as ids
from bot.slack.access import NOT_A_MEMBER, NOT_IN_THIS_CONVERSATION, ConversationAccess
from bot.storage.runs import RunRepository, StoredRun
from tests.slack.fake_slack import FAKE_TEAM, Call
from tests.slack.harness import RunningBot, sample_rows, wait_until

ANA, BEN = "U0ANA", "U0BEN"
BOARD, PUBLIC, DM = "G0BOARD", "C0PUB", "D0ANA"
FILES = {BOARD: "board-only-salaries.csv", PUBLIC: "campaign.csv", DM: "ana-notes.csv"}
SHARER = {BOARD: ANA, PUBLIC: BEN, DM: ANA}
MEMBERS = {ANA: {BOARD, PUBLIC, DM}, BEN: {PUBLIC}}
_names = (f"r{n}" for n in itertools.count())
ACCESS_ROWS = 60


@dataclass
class Workspace:
    bot: RunningBot
    runs: dict[str, StoredRun]  # by conversation

    def answer(self, send: Callable[[str], object]) -> Call:
        """Send a request whose reply goes to a fresh response_url; that reply."""
        name = next(_names)
        send(self.bot.fake.response_url(name))
        path = f"/response/{name}"
        wait_until(lambda: any(c.path == path for c in self.bot.fake.calls), 15, f"the reply at {path}")
        return next(c for c in self.bot.fake.calls if c.path == path)

    def home_of(self, user: str) -> str:
        before = len(self.bot.fake.calls_to("views.publish"))
        self.bot.sender.event({"type": "app_home_opened", "user": user, "channel": "D0X", "tab": "home"})
        published = self.bot.fake.wait_for("views.publish", before + 1)[-1]
        assert published.params["user_id"] == user
        return json.dumps(published.params["view"])


def build_world(bot: RunningBot) -> None:
    world = bot.fake.world
    world.add_user(ANA)
    world.add_user(BEN)
    world.add_channel(BOARD, "board", members=[ANA], private=True)
    world.add_channel(PUBLIC, "marketing", members=[ANA, BEN])
    world.add_dm(DM, ANA)


def upload_everywhere(bot: RunningBot, csv: bytes) -> dict[str, StoredRun]:
    for channel, name in FILES.items():
        shared = bot.fake.share_file(name, csv, channel=channel, user=SHARER[channel])
        assert bot.sender.event(shared.events[0]).status == 200
    wait_until(lambda: RunRepository(bot.engine).count(FAKE_TEAM) == 3, 60, "three runs")
    bot.wait_for_jobs(3)
    return {run.channel_id or "": run for run in RunRepository(bot.engine).recent(FAKE_TEAM)}


@pytest.fixture
def workspace(bot: RunningBot) -> Iterator[Workspace]:
    build_world(bot)
    # Who sees which run does not depend on the file's size: 60 rows segment in a fraction of 200's time.
    yield Workspace(bot, upload_everywhere(bot, sample_rows(ACCESS_ROWS)))


def refused(reply: Call) -> bool:
    return reply.params.get("text") in (NOT_A_MEMBER, NOT_IN_THIS_CONVERSATION)


def click(workspace: Workspace, action: str, run: StoredRun, channel: str, user: str) -> Call:
    sender = workspace.bot.sender
    return workspace.answer(lambda url: sender.click(action, str(run.id), channel=channel, user=user, response_url=url))


def command(workspace: Workspace, text: str, channel: str, user: str) -> Call:
    sender = workspace.bot.sender
    return workspace.answer(
        lambda url: sender.command("/segment", text, channel=channel, user_id=user, response_url=url)
    )


def test_each_person_sees_exactly_their_conversations_everywhere(workspace: Workspace) -> None:
    seen: dict[tuple[str, str, str], bool] = {}
    expected: dict[tuple[str, str, str], bool] = {}
    for user, channel in itertools.product((ANA, BEN), (BOARD, PUBLIC, DM)):
        name, run = FILES[channel], workspace.runs[channel]
        seen[(user, channel, "home")] = name in workspace.home_of(user)
        for action in (ids.SHOW_RUN, ids.SHOW_DETAILS):
            reply = click(workspace, action, run, channel, user)
            seen[(user, channel, action)] = not refused(reply) and f"in {name}" in str(reply.params)
        for text in ("last", "runs"):
            reply = command(workspace, text, channel, user)
            seen[(user, channel, f"/segment {text}")] = not refused(reply) and name in reply.params["text"]
        for surface in seen.keys() - expected.keys():
            expected[surface] = channel in MEMBERS[user]
    assert seen == expected


def test_labels_and_reruns_only_for_members(workspace: Workspace) -> None:
    bot, board = workspace.bot, workspace.runs[BOARD]
    jobs_before = sum(bot.runtime.jobs.counts().values())
    for action in (ids.DOWNLOAD_LABELS, ids.OPEN_RERUN):
        assert click(workspace, action, board, PUBLIC, BEN).params["text"] == NOT_A_MEMBER
    assert command(workspace, "k=3", BOARD, BEN).params["text"] == NOT_IN_THIS_CONVERSATION
    metadata = ids.rerun_metadata(board.id)
    bot.sender.submit_view(
        ids.RERUN_CALLBACK, metadata, {ids.RERUN_K_BLOCK: {ids.RERUN_K_INPUT: {"value": "3"}}}, user=BEN
    )
    bot.sender.click_on_home(ids.SHOW_RUN, str(board.id), user=BEN)
    wait_until(lambda: len(bot.fake.calls_to("conversations.members")) >= 1, 5)
    assert bot.fake.calls_to("views.open") == []
    assert sum(bot.runtime.jobs.counts().values()) == jobs_before, "nothing was queued for Ben"
    assert not any(FILES[BOARD] in json.dumps(c.params) for c in bot.fake.calls_to("chat.postMessage")[3 * 2 :])

    # Ana, a member, gets them.
    bot.sender.click(ids.DOWNLOAD_LABELS, str(board.id), channel=BOARD, user=ANA)
    wait_until(lambda: any(u.filename == "labels.csv" and u.channel_id == BOARD for u in bot.fake.uploads.values()))
    bot.sender.click(ids.OPEN_RERUN, str(board.id), channel=BOARD, user=ANA)
    bot.fake.wait_for("views.open")
    bot.wait_for_jobs(jobs_before + 1)


def test_leaving_a_conversation_ends_access_to_its_runs(workspace: Workspace) -> None:
    bot, board = workspace.bot, workspace.runs[BOARD]
    assert FILES[BOARD] in workspace.home_of(ANA)
    bot.sender.event(bot.fake.world.leave(ANA, BOARD))
    wait_until(lambda: FILES[BOARD] not in workspace.home_of(ANA), 10, "Ana's Home without #board")
    assert click(workspace, ids.SHOW_RUN, board, PUBLIC, ANA).params["text"] == NOT_A_MEMBER
    assert FILES[PUBLIC] in workspace.home_of(ANA), "her other conversations are unaffected"


def test_subscriptions_and_digests_stay_in_the_datasets_conversation(workspace: Workspace) -> None:
    bot = workspace.bot
    bot.fake.respond("users.info", lambda call: {"ok": True, "user": {"id": call.params.get("user"), "tz": "UTC"}})

    def say(text: str, channel: str, user: str) -> str:
        return str(command(workspace, text, channel, user).params["text"])

    board, public = "board-only-salaries", "campaign"
    assert "won't post the digest" in say(f"subscribe {board} weekly", PUBLIC, BEN)
    assert "won't post the digest" in say(f"digest {board} now", PUBLIC, ANA)
    assert "subscribed this channel" in say(f"subscribe {board} weekly", BOARD, ANA)
    assert "subscribed this channel" in say(f"subscribe {public} weekly", PUBLIC, BEN)

    ana, ben = say("subscriptions", DM, ANA), say("subscriptions", PUBLIC, BEN)
    assert f"<#{BOARD}>" in ana and f"<#{PUBLIC}>" in ana
    assert f"<#{PUBLIC}>" in ben and board not in ben and BOARD not in ben


def test_membership_answers_are_cached_for_the_ttl_then_asked_again(bot: RunningBot) -> None:
    bot.fake.world.add_channel(BOARD, "board", members=[ANA], private=True)
    now = [0.0]
    access = ConversationAccess(ttl_seconds=60, clock=lambda: now[0])
    client = bot.runtime.client_for(FAKE_TEAM)
    assert access.is_member(client, FAKE_TEAM, BOARD, ANA)
    bot.fake.world.leave(ANA, BOARD)  # no event reaches this process
    assert access.is_member(client, FAKE_TEAM, BOARD, ANA), "within the TTL the cached answer stands"
    now[0] = 61
    assert not access.is_member(client, FAKE_TEAM, BOARD, ANA)
    assert len(bot.fake.calls_to("conversations.members")) == 2


def test_a_missing_scope_refuses_with_a_sentence_for_the_admin(workspace: Workspace) -> None:
    bot, run = workspace.bot, workspace.runs[PUBLIC]
    bot.runtime.access.ttl_seconds = 0
    bot.fake.fail("conversations.members", "missing_scope")
    reply = click(workspace, ids.SHOW_RUN, run, PUBLIC, BEN)
    assert "channels:read" in reply.params["text"] and "campaign.csv" not in reply.params["text"]


def test_campaign_briefs_only_for_members(workspace: Workspace) -> None:
    sender, board = workspace.bot.sender, workspace.runs[BOARD]
    segment = board.result.segments[0]
    value = ids.brief_value(board.id, segment.id)

    def brief_click(channel: str, user: str) -> Call:
        return workspace.answer(
            lambda url: sender.click(ids.SHOW_BRIEF, value, channel=channel, user=user, response_url=url)
        )

    assert brief_click(PUBLIC, BEN).params["text"] == NOT_A_MEMBER
    assert command(workspace, f"brief {segment.id}", BOARD, BEN).params["text"] == NOT_IN_THIS_CONVERSATION
    for reply in (brief_click(BOARD, ANA), command(workspace, f"brief {segment.id}", BOARD, ANA)):
        assert reply.params["text"].startswith(f"Campaign brief: {segment.id}.")
        blocks = reply.params["blocks"]
        blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
        assert [b["type"] for b in blocks][:2] == ["header", "context"]
        assert "How to reach them" in json.dumps(blocks)
    assert "There is no segment 99" in command(workspace, "brief 99", BOARD, ANA).params["text"]


def test_a_replayed_show_k_segments_button_is_refused_to_outsiders(workspace: Workspace) -> None:
    """The "Show k segments" buttons of a report carry `run_id:k`; Ben replays one of #board's from #marketing."""
    bot, board = workspace.bot, workspace.runs[BOARD]
    jobs_before = sum(bot.runtime.jobs.counts().values())
    posts_before = len(bot.fake.calls_to("chat.postMessage"))
    value = ids.alternative_value(board.id, 3)
    reply = workspace.answer(
        lambda url: bot.sender.click(ids.RERUN_ALTERNATIVE, value, channel=PUBLIC, user=BEN, response_url=url)
    )
    assert reply.params["text"] == NOT_A_MEMBER
    assert sum(bot.runtime.jobs.counts().values()) == jobs_before, "nothing was queued for Ben"
    assert not any(c.params.get("channel") == BOARD for c in bot.fake.calls_to("chat.postMessage")[posts_before:])

    # Ana, a member, gets the re-run.
    bot.sender.click(ids.RERUN_ALTERNATIVE, value, channel=BOARD, user=ANA)
    bot.wait_for_jobs(jobs_before + 1)
