"""`/segment subscribe|unsubscribe|digest|subscriptions|dataset`: weekly digests and named datasets in Slack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from slack_sdk.errors import SlackApiError

from bot.digests.compose import make_digest
from bot.digests.placement import digest_refusal
from bot.digests.posting import ChannelUnavailableError, pause_reason, post_digest
from bot.digests.schedule import known_timezone, next_slot, parse_schedule, zone_of
from bot.errors import NotFoundError, SegbotError
from bot.report.escaping import Mrkdwn, mrkdwn_format
from bot.report.limits import shorten
from bot.slack.commands import CommandRegistry, CommandRequest
from bot.slack.visibility import subscriptions_visible_to
from bot.storage.datasets import DatasetRepository, UploadNames
from bot.storage.subscriptions import SubscriptionRepository

SEGMENT = "/segment"
# `/segment subscriptions` stays one readable message (far below Slack's 40,000 characters) however long the
# list or its names.
SUBSCRIPTIONS_SHOWN = 40
NAME_SHOWN = 80
REASON_SHOWN = 300
SUBSCRIBE_USAGE = "/segment subscribe NAME weekly [day] [HH:MM]"


def register(registry: CommandRegistry) -> None:
    registry.add(
        SEGMENT,
        "subscribe",
        subscribe,
        usage=SUBSCRIBE_USAGE,
        summary="a weekly digest of what changed in dataset NAME here (default Monday 09:00, your time zone)",
    )
    registry.add(
        SEGMENT, "unsubscribe", unsubscribe, usage="/segment unsubscribe NAME", summary="stop this channel's digest"
    )
    registry.add(
        SEGMENT,
        "digest",
        digest_now,
        usage="/segment digest NAME now",
        summary="post dataset NAME's digest in this channel right away",
    )
    registry.add(
        SEGMENT,
        "subscriptions",
        list_subscriptions,
        usage="/segment subscriptions",
        summary="the digest subscriptions of the conversations you are in, with their next date",
    )
    registry.add(
        SEGMENT,
        "dataset",
        name_next_upload,
        usage="/segment dataset NAME",
        summary="file the next upload in this channel as a new version of dataset NAME",
    )


@dataclass(frozen=True)
class SubscribeWords:
    name: str
    weekday: str | None
    clock: str | None
    timezone: str | None


def parse_subscribe(args: str) -> SubscribeWords:
    """`NAME weekly [day] [HH:MM] [Area/City]`; NAME may contain spaces."""
    words = args.split()
    lowered = [w.lower() for w in words]
    if "weekly" not in lowered or lowered.index("weekly") == 0:
        raise SegbotError(f"Say which dataset and how often, e.g. `{SUBSCRIBE_USAGE}`.")
    at = len(lowered) - 1 - lowered[::-1].index("weekly")
    name, rest = " ".join(words[:at]), words[at + 1 :]
    timezone = rest.pop() if rest and ("/" in rest[-1] or rest[-1].upper() == "UTC") else None
    clock = rest.pop() if rest and ":" in rest[-1] else None
    if len(rest) > 1:
        raise SegbotError(f"Segbot did not understand {' '.join(rest)!r}; use `{SUBSCRIBE_USAGE}`.")
    return SubscribeWords(name, rest[0] if rest else None, clock, timezone)


def subscribe(request: CommandRequest) -> None:
    words = parse_subscribe(request.args)
    schedule = parse_schedule(words.weekday, words.clock, words.timezone or user_timezone(request))
    engine = request.runtime.engine
    check_placement(request, words.name)
    dataset = DatasetRepository(engine).ensure(request.workspace_id, words.name)
    SubscriptionRepository(engine).subscribe(
        request.workspace_id, dataset.id, request.channel_id, schedule, created_by=request.user_id
    )
    upcoming = next_slot(schedule, datetime.now(UTC)).astimezone(zone_of(schedule.timezone))
    has_data = bool(DatasetRepository(engine).versions(request.workspace_id, dataset.name))
    note = "" if has_data else " There is no data for it yet: upload `{name}.csv` here first."
    request.say(
        mrkdwn_format(
            "{user} subscribed this channel to a weekly digest of *{name}*: {schedule}, next on {upcoming}." + note,
            user=Mrkdwn(f"<@{request.user_id}>"),
            name=dataset.name,
            schedule=schedule.describe(),
            upcoming=f"{upcoming:%A %d %B %H:%M %Z}",
        ),
        in_channel=True,
    )


def user_timezone(request: CommandRequest) -> str:
    """The time zone in the person's Slack profile (users.info), or UTC when Slack does not say."""
    try:
        user = request.client.users_info(user=request.user_id).get("user") or {}
    except SlackApiError:
        return "UTC"
    return known_timezone(user.get("tz"))


def unsubscribe(request: CommandRequest) -> None:
    name = request.args.strip()
    if not name:
        raise SegbotError("Say which dataset, e.g. `/segment unsubscribe newsletter`.")
    try:
        SubscriptionRepository(request.runtime.engine).unsubscribe(request.workspace_id, name, request.channel_id)
    except NotFoundError as error:  # the storage's sentence names the channel id and the CLI; say it in Slack's words
        raise SegbotError(
            f"This channel has no digest of {name!r}; `/segment subscriptions` lists every subscription."
        ) from error
    request.say(mrkdwn_format("This channel no longer gets the weekly digest of *{name}*.", name=name), in_channel=True)


def digest_now(request: CommandRequest) -> None:
    words = request.args.split()
    if len(words) < 2 or words[-1].lower() != "now":
        raise SegbotError("Say which dataset, e.g. `/segment digest newsletter now`.")
    name = " ".join(words[:-1])
    runtime = request.runtime
    check_placement(request, name)
    digest = make_digest(runtime.settings, runtime.engine, request.workspace_id, name, now=datetime.now(UTC))
    try:
        post_digest(request.client, request.channel_id, digest.message)
    except ChannelUnavailableError as error:
        raise SegbotError(f"Segbot cannot post in this channel: {pause_reason(error.code)}") from error


def check_placement(request: CommandRequest, dataset_name: str) -> None:
    """A dataset's digest goes only to the conversation its uploads came from (see bot.digests.placement)."""
    runtime = request.runtime
    refusal = digest_refusal(runtime.settings, runtime.engine, request.workspace_id, dataset_name, request.channel_id)
    if refusal is not None:
        raise SegbotError(f"Segbot won't post the digest of {dataset_name!r} here: {refusal}.")


def list_subscriptions(request: CommandRequest) -> None:
    found = subscriptions_visible_to(request.runtime, request.client, request.workspace_id, request.user_id)
    if not found:
        text = mrkdwn_format(
            "No digest subscriptions in the conversations you are in; start one with `{usage}`.", usage=SUBSCRIBE_USAGE
        )
    else:
        now = datetime.now(UTC)
        lines = []
        for s in found:
            upcoming = next_slot(s.schedule, now).astimezone(zone_of(s.schedule.timezone))
            state = f"paused: {s.paused_reason or ''}" if s.paused else f"next {upcoming:%a %d %b %H:%M %Z}"
            lines.append(
                mrkdwn_format(
                    "• *{name}* in {channel}: {schedule} ({state})",
                    name=shorten(s.dataset_name, NAME_SHOWN),
                    channel=Mrkdwn(f"<#{s.channel_id}>"),
                    schedule=s.schedule.describe(),
                    state=shorten(state, REASON_SHOWN),
                )
            )
        text = Mrkdwn("Digest subscriptions:\n" + "\n".join(lines[:SUBSCRIPTIONS_SHOWN]))
        if len(lines) > SUBSCRIPTIONS_SHOWN:
            text = Mrkdwn(f"{text}\n…and {len(lines) - SUBSCRIPTIONS_SHOWN} more.")
    request.say(text)


def name_next_upload(request: CommandRequest) -> None:
    name = request.args.strip()
    if not name:
        raise SegbotError("Say the dataset's name, e.g. `/segment dataset newsletter`.")
    name = UploadNames(request.runtime.engine).name_next(
        request.workspace_id, request.channel_id, name, set_by=request.user_id
    )
    request.say(mrkdwn_format("The next file uploaded in this channel becomes a new version of *{name}*.", name=name))
