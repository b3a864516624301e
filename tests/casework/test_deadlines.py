"""Deadlines in each unit; working days follow the official calendar with make-up days."""

from __future__ import annotations

import datetime as dt

from casework import deadlines
from casework.deadlines import Target, Unit

TZ = "Asia/Shanghai"


def utc(local: str) -> dt.datetime:
    """A Beijing local time as the naive UTC the database stores."""
    return dt.datetime.fromisoformat(local) - dt.timedelta(hours=8)


def test_make_up_saturday_is_a_working_day():
    assert deadlines.is_working_day(dt.date(2026, 10, 10))  # 调休 Saturday
    assert not deadlines.is_working_day(dt.date(2026, 10, 5))  # National Day holiday
    assert not deadlines.is_working_day(dt.date(2026, 10, 11))  # ordinary Sunday


def test_five_working_days_skip_national_day_and_count_the_make_up_saturday():
    # Filed Wednesday 2026-09-30 16:00: Oct 1-7 are holidays, Oct 8, 9 work, Oct 10 (Sat)
    # is a make-up working day, Oct 12, 13 work: the fifth working day is Tuesday Oct 13.
    due = deadlines.due_at(utc("2026-09-30T16:00"), Target(5, Unit.WORKING_DAYS), TZ)
    assert due == utc("2026-10-13T23:59:59")


def test_hours_minutes_and_calendar_days():
    start = utc("2026-09-30T16:00")
    assert deadlines.due_at(start, Target(3, Unit.MINUTES), TZ) == utc("2026-09-30T16:03")
    assert deadlines.due_at(start, Target(24, Unit.HOURS), TZ) == utc("2026-10-01T16:00")
    assert deadlines.due_at(start, Target(3, Unit.CALENDAR_DAYS), TZ) == utc("2026-10-03T23:59:59")


def test_local_day_decides_not_utc_day():
    # 01:30 in Beijing on Monday is still Sunday in UTC; the count starts from Monday.
    due = deadlines.due_at(utc("2026-11-30T01:30"), Target(1, Unit.WORKING_DAYS), TZ)
    assert due == utc("2026-12-01T23:59:59")
