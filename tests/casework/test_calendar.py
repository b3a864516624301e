"""The working calendar: the official schedule, cross-checked, plus each tenant's own days."""

from __future__ import annotations

import datetime as dt
from importlib.metadata import version

import chinese_calendar
import pytest

from casework import calendar, deadlines
from casework.calendar import BusinessHours, WorkCalendar
from casework.deadlines import Target, Unit
from tests.casework.test_deadlines import TZ, utc


@pytest.mark.parametrize("year", [2025, 2026])
def test_official_schedule_matches_chinesecalendar_every_day(year):
    day = dt.date(year, 1, 1)
    mismatches = []
    while day.year == year:
        if calendar.officially_working(day) != chinese_calendar.is_workday(day):
            mismatches.append(day)
        day += dt.timedelta(days=1)
    assert mismatches == []


def test_tenant_days_override_the_official_schedule():
    cal = WorkCalendar(overrides={dt.date(2026, 11, 30): False, dt.date(2026, 11, 29): True})
    assert not cal.is_working_day(dt.date(2026, 11, 30))  # an emergency closure on a Monday
    assert cal.is_working_day(dt.date(2026, 11, 29))  # a Sunday the office opens
    # Filed Friday 2026-11-27: Sunday counts, Monday does not → 2 working days is Tuesday.
    due = deadlines.compute(utc("2026-11-27T10:00"), Target(2, Unit.WORKING_DAYS), TZ, cal)
    assert due.at == utc("2026-12-01T23:59:59")


def test_a_year_without_published_make_up_days_is_provisional():
    assert calendar.official_schedule_known(2026)
    assert not calendar.official_schedule_known(2099)
    due = deadlines.compute(utc("2099-03-02T10:00"), Target(5, Unit.WORKING_DAYS), TZ)
    assert due.provisional
    known = deadlines.compute(utc("2026-03-02T10:00"), Target(5, Unit.WORKING_DAYS), TZ)
    assert not known.provisional


def test_hours_count_only_business_hours_when_the_tenant_sets_them():
    cal = WorkCalendar(hours=BusinessHours.parse("08:30-17:30"))
    # Wednesday 16:00 + 3 working hours: 1.5 h that day, 1.5 h from Thursday 08:30.
    due = deadlines.compute(utc("2026-09-23T16:00"), Target(3, Unit.HOURS), TZ, cal)
    assert due.at == utc("2026-09-24T10:00")
    # Before National Day: Wednesday 2026-09-30 17:00 + 2 h: half an hour, then the holiday
    # week and a working day Thursday 8 October at 08:30 → 10:00.
    due = deadlines.compute(utc("2026-09-30T17:00"), Target(2, Unit.HOURS), TZ, cal)
    assert due.at == utc("2026-10-08T10:00")
    # A hotline runs 24/7: three minutes are three minutes.
    hotline = WorkCalendar(hours=BusinessHours.parse("24/7"))
    due = deadlines.compute(utc("2026-10-03T03:00"), Target(3, Unit.MINUTES), TZ, hotline)
    assert due.at == utc("2026-10-03T03:03")


def test_spring_festival_2026_is_skipped():
    # Filed Friday 2026-02-13: the Spring Festival break runs 15–23 February (make-up days
    # Saturday 14 and 28 February), so five working days end on Thursday 26 February.
    due = deadlines.compute(utc("2026-02-13T10:00"), Target(5, Unit.WORKING_DAYS), TZ)
    expected = dt.date(2026, 2, 13)
    count = 0
    while count < 5:
        expected += dt.timedelta(days=1)
        count += chinese_calendar.is_workday(expected)
    assert due.at == utc(f"{expected.isoformat()}T23:59:59")


def test_the_holidays_library_is_new_enough_for_2026():
    # holidays 0.84 knows none of 2026's make-up days and ends two breaks early: the calendar
    # needs 0.85 or later (pyproject.toml's floor).
    major, minor = (int(part) for part in version("holidays").split(".")[:2])
    assert (major, minor) >= (0, 85)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-02-14", True),  # Saturday, made up for the Spring Festival
        ("2026-02-15", False),  # the Spring Festival break, 15–23 February
        ("2026-02-23", False),
        ("2026-02-24", True),
        ("2026-02-28", True),  # Saturday, made up for the Spring Festival
        ("2026-09-20", True),  # Sunday, made up for National Day
        ("2026-10-01", False),  # National Day, 1–7 October
        ("2026-10-07", False),
        ("2026-10-08", True),
        ("2026-10-10", True),  # Saturday, made up for National Day
    ],
)
def test_2026_official_days_and_make_up_days(day, working):
    date = dt.date.fromisoformat(day)
    assert calendar.officially_working(date) is working
    assert chinese_calendar.is_workday(date) is working  # the second source agrees
