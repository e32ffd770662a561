"""Weekly slots in local time, across Europe/Berlin's daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.digests.schedule import InvalidScheduleError, known_timezone, latest_slot, next_slot, parse_schedule
from bot.storage.subscriptions import Schedule

BERLIN_MONDAY_9 = Schedule(weekday=0, hour=9, minute=0, timezone="Europe/Berlin")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "slot"),
    [
        ("2026-03-23 07:59", "2026-03-16 08:00"),  # a minute early: last week's slot
        ("2026-03-23 08:00", "2026-03-23 08:00"),  # 09:00 CET
        ("2026-03-30 06:59", "2026-03-23 08:00"),  # clocks went forward on Sunday 29 March
        ("2026-03-30 07:00", "2026-03-30 07:00"),  # 09:00 CEST
        ("2026-10-26 07:30", "2026-10-19 07:00"),  # clocks went back on Sunday 25 October
        ("2026-10-26 08:00", "2026-10-26 08:00"),  # 09:00 CET again
    ],
)
def test_nine_on_monday_in_berlin_follows_daylight_saving(now: str, slot: str) -> None:
    assert latest_slot(BERLIN_MONDAY_9, utc(now)) == utc(slot)


def test_next_slot_is_the_first_after_now() -> None:
    assert next_slot(BERLIN_MONDAY_9, utc("2026-03-23 08:00")) == utc("2026-03-30 07:00")
    assert next_slot(BERLIN_MONDAY_9, utc("2026-03-23 07:59")) == utc("2026-03-23 08:00")


def test_a_skipped_wall_time_falls_after_the_gap_and_a_repeated_one_happens_once() -> None:
    sunday_0230 = Schedule(weekday=6, hour=2, minute=30, timezone="Europe/Berlin")
    # 02:30 does not exist on 29 March 2026: the slot is 03:30 CEST, 01:30 UTC.
    assert latest_slot(sunday_0230, utc("2026-03-29 12:00")) == utc("2026-03-29 01:30")
    # 02:30 happens twice on 25 October 2026: the first time (CEST) only.
    assert latest_slot(sunday_0230, utc("2026-10-25 00:29")) == utc("2026-10-18 00:30")
    assert latest_slot(sunday_0230, utc("2026-10-25 01:45")) == utc("2026-10-25 00:30")


def test_weeks_of_downtime_leave_one_latest_slot() -> None:
    assert latest_slot(BERLIN_MONDAY_9, utc("2026-05-20 12:00")) == utc("2026-05-18 07:00")


def test_parsing_people_words() -> None:
    assert parse_schedule("Friday", "17:30", "America/New_York") == Schedule(4, 17, 30, "America/New_York")
    assert parse_schedule(None, None, "UTC") == Schedule(0, 9, 0, "UTC")
    with pytest.raises(InvalidScheduleError, match="not a weekday"):
        parse_schedule("someday", None, "UTC")
    with pytest.raises(InvalidScheduleError, match="not a time of day"):
        parse_schedule("mon", "25:00", "UTC")
    with pytest.raises(InvalidScheduleError, match="not a time zone"):
        parse_schedule("mon", "09:00", "Mars/Olympus")


def test_unknown_slack_time_zones_become_utc() -> None:
    assert known_timezone("Europe/Berlin") == "Europe/Berlin"
    assert known_timezone("") == "UTC" and known_timezone(None) == "UTC" and known_timezone("Nowhere") == "UTC"
