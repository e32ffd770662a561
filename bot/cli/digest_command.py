"""`segbot digest ...`: weekly digest subscriptions, running the due ones, and previewing a digest."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.cli.parser import LOCAL_WORKSPACE
from bot.errors import SegbotError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bot.digests.runner import OutcomeStatus

_COUNTED: tuple[tuple[OutcomeStatus, str], ...] = (
    ("posted", "posted"),
    ("skipped", "skipped"),
    ("paused", "paused"),
    ("retry", "to retry"),
    ("failed", "failed"),
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "digest",
        help="weekly digests of what changed in a dataset's segments",
        description="Weekly digests: what changed in a dataset's segments since the version before.",
    )
    actions = parser.add_subparsers(dest="digest_command", metavar="ACTION", required=True)
    subscribe = actions.add_parser("subscribe", help="post a weekly digest of a dataset to a channel")
    subscribe.add_argument("name", metavar="NAME", help="the dataset")
    subscribe.add_argument("--channel", required=True, help="Slack channel id, e.g. C0123456789")
    subscribe.add_argument(
        "--weekly", nargs="+", metavar="DAY [HH:MM]", default=["mon"], help="weekday and time (default: mon 09:00)"
    )
    subscribe.add_argument("--tz", default="UTC", help="IANA time zone of the time, e.g. Europe/Berlin (default UTC)")
    subscribe.set_defaults(handler=run_subscribe)
    listing = actions.add_parser("list", help="list subscriptions with their next digest")
    listing.set_defaults(handler=run_list)
    unsubscribe = actions.add_parser("unsubscribe", help="stop a dataset's digests (in one channel or all)")
    unsubscribe.add_argument("name", metavar="NAME", help="the dataset")
    unsubscribe.add_argument("--channel", help="only this channel (default: every channel)")
    unsubscribe.set_defaults(handler=run_unsubscribe)
    due = actions.add_parser("run-due", help="post every digest that is due now (what the scheduler does)")
    due.add_argument("--now", type=_instant, default=None, help="pretend it is this ISO 8601 time (tests)")
    due.set_defaults(handler=run_run_due)
    preview = actions.add_parser("preview", help="print a dataset's digest text without posting it")
    preview.add_argument("name", metavar="NAME", help="the dataset")
    preview.set_defaults(handler=run_preview)
    for action in (subscribe, listing, unsubscribe, preview):
        action.add_argument("--workspace", default=LOCAL_WORKSPACE, help="Slack team id (default: local)")


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 time such as 2026-03-30T07:00:00Z") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def run_subscribe(args: argparse.Namespace) -> int:
    from bot.digests.schedule import next_slot, parse_schedule, zone_of
    from bot.settings import load_settings
    from bot.storage.database import open_database
    from bot.storage.datasets import DatasetRepository
    from bot.storage.subscriptions import SubscriptionRepository

    if len(args.weekly) > 2:
        raise SegbotError("--weekly takes a weekday and an optional time, e.g. --weekly mon 09:00.")
    schedule = parse_schedule(args.weekly[0], args.weekly[1] if len(args.weekly) > 1 else None, args.tz)
    engine = open_database(load_settings().database_url)
    repository = DatasetRepository(engine)
    close = repository.close_name(args.workspace, args.name)
    if repository.get(args.workspace, args.name) is None and close is not None:
        # A new name next to an existing one is a typo far more often than a new dataset.
        raise SegbotError(
            f"There is no dataset called {args.name!r} here; did you mean {close!r}? To start a new dataset of "
            f"that name, add its first version first (`segbot datasets add {args.name} PATH`)."
        )
    dataset = repository.ensure(args.workspace, args.name)
    SubscriptionRepository(engine).subscribe(args.workspace, dataset.id, args.channel, schedule)
    upcoming = next_slot(schedule, datetime.now(UTC)).astimezone(zone_of(schedule.timezone))
    print(
        f"{args.channel} gets a weekly digest of {dataset.name} on {schedule.describe()} "
        f"(next: {upcoming:%Y-%m-%d %H:%M %Z})."
    )
    if not _has_data(engine, args.workspace, dataset.name):
        print(
            f"{dataset.name} has no data yet, so its digests are skipped until it has: add a version with "
            f"`segbot datasets add {dataset.name} PATH`, upload a file named {dataset.name}.csv in Slack, or set "
            f"a source with `segbot datasets source {dataset.name}`."
        )
    return 0


def _has_data(engine: Engine, workspace_id: str, name: str) -> bool:
    """Whether the dataset has a version or a source to pull one from (a typo in NAME has neither)."""
    from bot.storage.datasets import DatasetRepository

    summary = next((s for s in DatasetRepository(engine).summaries(workspace_id) if s.name == name), None)
    return summary is not None and (summary.versions > 0 or summary.source is not None)


def run_list(args: argparse.Namespace) -> int:
    from bot.digests.schedule import next_slot, zone_of
    from bot.settings import load_settings
    from bot.storage.database import open_database
    from bot.storage.subscriptions import SubscriptionRepository

    engine = open_database(load_settings().database_url)
    found = SubscriptionRepository(engine).list(args.workspace)
    if not found:
        print(f"No digest subscriptions in workspace {args.workspace}; add one with `segbot digest subscribe`.")
        return 0
    now = datetime.now(UTC)
    for subscription in found:
        schedule = subscription.schedule
        if subscription.paused:
            state = f"paused: {subscription.paused_reason}"
        else:
            state = f"next {next_slot(schedule, now).astimezone(zone_of(schedule.timezone)):%Y-%m-%d %H:%M %Z}"
        print(f"{subscription.dataset_name} -> {subscription.channel_id}: {schedule.describe()} ({state})")
    return 0


def run_unsubscribe(args: argparse.Namespace) -> int:
    from bot.settings import load_settings
    from bot.storage.database import open_database
    from bot.storage.subscriptions import SubscriptionRepository

    engine = open_database(load_settings().database_url)
    removed = SubscriptionRepository(engine).unsubscribe(args.workspace, args.name.strip(), args.channel)
    print(f"Removed {removed} digest subscription{'s' if removed != 1 else ''} of {args.name.strip()}.")
    return 0


def run_run_due(args: argparse.Namespace) -> int:
    from bot.digests.runner import run_due
    from bot.settings import load_settings
    from bot.slack.tokens import workspace_clients
    from bot.storage.database import open_database

    settings = load_settings()
    engine = open_database(settings.database_url)
    report = run_due(settings, engine, args.now or datetime.now(UTC), client_for=workspace_clients(settings, engine))
    for outcome in report.outcomes:
        print(outcome.line())
    due = len(report.outcomes)
    counts = ", ".join(f"{report.count(status)} {label}" for status, label in _COUNTED)
    print(f"{due} digest{'s' if due != 1 else ''} due at {report.now:%Y-%m-%d %H:%M} UTC: {counts}.")
    return 0


def run_preview(args: argparse.Namespace) -> int:
    from bot.digests.compose import make_digest
    from bot.settings import load_settings
    from bot.storage.database import open_database

    settings = load_settings()
    engine = open_database(settings.database_url)
    digest = make_digest(settings, engine, args.workspace, args.name, now=datetime.now(UTC))
    print(digest.message.text)
    return 0
