"""When a weekly subscription is due: local weekday and time in its time zone, as UTC instants.

Slots are computed in local wall time with zoneinfo, so 09:00 Europe/Berlin is 08:00 UTC in winter and 07:00
UTC in summer. A wall time the clocks skip (02:30 on the spring-forward night) falls an hour later; one they
repeat (02:30 on the fall-back night) is the first occurrence. Only the latest slot is ever due, so a
scheduler that was down for weeks posts one catch-up digest, not one per missed week.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.errors import SegbotError
from bot.storage.subscriptions import WEEKDAYS, Schedule


class InvalidScheduleError(SegbotError):
    """A weekday, time or time zone people typed that Segbot cannot use."""


def latest_slot(schedule: Schedule, now: datetime) -> datetime:
    """The most recent slot at or before `now`, in UTC."""
    zone = zone_of(schedule.timezone)
    local_now = now.astimezone(zone)
    day = local_now.date() - timedelta(days=(local_now.weekday() - schedule.weekday) % 7)
    for weeks_back in (0, 1):
        candidate = _wall_time(day - timedelta(weeks=weeks_back), schedule, zone)
        if candidate <= now:
            return candidate
    raise AssertionError("a slot a week earlier is always in the past")


def next_slot(schedule: Schedule, now: datetime) -> datetime:
    """The first slot after `now`, in UTC."""
    zone = zone_of(schedule.timezone)
    local_now = now.astimezone(zone)
    day = local_now.date() + timedelta(days=(schedule.weekday - local_now.weekday()) % 7)
    for weeks_ahead in (0, 1):
        candidate = _wall_time(day + timedelta(weeks=weeks_ahead), schedule, zone)
        if candidate > now:
            return candidate
    raise AssertionError("a slot a week later is always in the future")


def _wall_time(day: date, schedule: Schedule, zone: ZoneInfo) -> datetime:
    local = datetime.combine(day, time(schedule.hour, schedule.minute), tzinfo=zone)
    # Round-trip through UTC so a skipped wall time resolves to the instant after the gap.
    return local.astimezone(UTC)


def zone_of(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidScheduleError(
            f"{name!r} is not a time zone Segbot knows; use an IANA name such as Europe/Berlin or UTC."
        ) from error


def parse_schedule(weekday: str | None, clock: str | None, timezone: str) -> Schedule:
    """A schedule from people's words: weekday `mon`..`sun` (default Monday), `HH:MM` (default 09:00)."""
    day = (weekday or "mon").strip().lower()[:3]
    if day not in WEEKDAYS:
        raise InvalidScheduleError(f"{weekday!r} is not a weekday; use mon, tue, wed, thu, fri, sat or sun.")
    hour, minute = _parse_clock(clock or "09:00")
    zone_of(timezone)
    return Schedule(weekday=WEEKDAYS.index(day), hour=hour, minute=minute, timezone=timezone)


def _parse_clock(text: str) -> tuple[int, int]:
    parts = text.strip().split(":")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        hour, minute = int(parts[0]), int(parts[1])
        if 0 <= hour < 24 and 0 <= minute < 60:
            return hour, minute
    raise InvalidScheduleError(f"{text!r} is not a time of day; use 24-hour HH:MM, e.g. 09:00 or 17:30.")


def known_timezone(name: str | None) -> str:
    """`name` when it is a time zone zoneinfo knows, UTC otherwise (Slack's tz fields can be empty)."""
    return name if name and name in available_timezones() else "UTC"
