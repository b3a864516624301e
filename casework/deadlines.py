"""Deadlines in minutes, hours, calendar days or Chinese working days.

Working days follow the official schedule, make-up working days (调休) included, from the
``holidays`` package. A deadline is computed once, when the case enters a stage, and stored
on the case, so a later change of policy or calendar never moves a promise already made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from tenants.settings import Unit

from . import calendar


@dataclass(frozen=True)
class Target:
    """A time limit such as "5 working days" (CO-4) or "3 minutes" (CITY-4)."""

    value: int
    unit: Unit

    @classmethod
    def from_setting(cls, setting: dict) -> Target:
        """Build from a preset's ``{"value": 5, "unit": "working_days"}``."""
        return cls(int(setting["value"]), Unit(setting["unit"]))


@dataclass(frozen=True)
class Due:
    """A computed deadline, naive UTC; provisional when it crosses a year the official
    schedule is not published for yet (tenant admins are asked to check the calendar)."""

    at: dt.datetime
    provisional: bool = False


def is_working_day(day: dt.date) -> bool:
    """True on an official working day in mainland China, make-up Saturdays included."""
    return calendar.officially_working(day)


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The ``count``-th official working day after ``day`` (the day itself does not count)."""
    return calendar.WorkCalendar().add_working_days(day, count)


def compute(
    start: dt.datetime, target: Target, tz: str, cal: calendar.WorkCalendar | None = None
) -> Due:
    """When a stage started at ``start`` (naive UTC) is due under ``target``.

    Day-based targets end at the close of the last day in the tenant's time zone, which is
    how "within 5 working days" is read by complainants and regulators alike. Minutes and
    hours run round the clock, or only inside the tenant's business hours if it set them.
    """
    cal = cal or calendar.WorkCalendar()
    zone = ZoneInfo(tz)
    local = start.replace(tzinfo=dt.UTC).astimezone(zone)
    if target.unit in (Unit.MINUTES, Unit.HOURS):
        amount = dt.timedelta(
            minutes=target.value if target.unit is Unit.MINUTES else target.value * 60
        )
        if cal.hours is None:
            end = local + amount
        else:
            end = _within_hours(local, amount, cal, zone)
    else:
        if target.unit is Unit.CALENDAR_DAYS:
            last_day = local.date() + dt.timedelta(days=target.value)
        elif target.unit is Unit.MONTHS:
            last_day = add_months(local.date(), target.value)
        else:
            last_day = cal.add_working_days(local.date(), target.value)
        end = dt.datetime.combine(last_day, dt.time(23, 59, 59), tzinfo=zone)
    provisional = cal.is_provisional(local.date()) or cal.is_provisional(end.date())
    return Due(end.astimezone(dt.UTC).replace(tzinfo=None), provisional)


def add_months(day: dt.date, count: int) -> dt.date:
    """The same day ``count`` months on, or that month's last day when it is shorter
    (31 January + 1 month is 28 or 29 February)."""
    month = day.month - 1 + count
    year, month = day.year + month // 12, month % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def _within_hours(
    local: dt.datetime, amount: dt.timedelta, cal: calendar.WorkCalendar, zone: ZoneInfo
) -> dt.datetime:
    hours = cal.hours
    cursor = local
    for _ in range(3660):  # ten years of days: a target never runs that long
        day = cursor.date()
        if cal.is_working_day(day):
            opens = dt.datetime.combine(day, hours.start, tzinfo=zone)
            closes = dt.datetime.combine(day, hours.end, tzinfo=zone)
            cursor = max(cursor, opens)
            if cursor < closes:
                if amount <= closes - cursor:
                    return cursor + amount
                amount -= closes - cursor
        cursor = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    raise ValueError("no working time found within ten years")


def due_at(
    start: dt.datetime, target: Target, tz: str, cal: calendar.WorkCalendar | None = None
) -> dt.datetime:
    """Just the moment of :func:`compute`."""
    return compute(start, target, tz, cal).at


def to_local(moment: dt.datetime, tz: str) -> dt.datetime:
    """A stored naive-UTC moment in the tenant's zone."""
    return moment.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(tz))


def from_local(moment: dt.datetime, tz: str) -> dt.datetime:
    """A naive wall-clock time in the tenant's zone (as typed in a form) as stored naive UTC."""
    return moment.replace(tzinfo=ZoneInfo(tz)).astimezone(dt.UTC).replace(tzinfo=None)


def local_today(now: dt.datetime, tz: str) -> dt.date:
    """The tenant's calendar date at naive-UTC ``now``."""
    return to_local(now, tz).date()
