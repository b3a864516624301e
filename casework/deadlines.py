"""Deadlines in minutes, hours, calendar days or Chinese working days.

Working days follow the official schedule, make-up working days (调休) included, from the
``holidays`` package. A deadline is computed once, when the case enters a stage, and stored
on the case, so a later change of policy or calendar never moves a promise already made.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import holidays


class Unit(enum.StrEnum):
    """The units a target may be given in."""

    MINUTES = "minutes"
    HOURS = "hours"
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"


@dataclass(frozen=True)
class Target:
    """A time limit such as "5 working days" (CO-4) or "3 minutes" (CITY-4)."""

    value: int
    unit: Unit

    @classmethod
    def from_setting(cls, setting: dict) -> Target:
        """Build from a preset's ``{"value": 5, "unit": "working_days"}``."""
        return cls(int(setting["value"]), Unit(setting["unit"]))


@functools.lru_cache(maxsize=16)
def _china(year: int) -> holidays.HolidayBase:
    return holidays.China(years=range(year - 1, year + 2))


def is_working_day(day: dt.date) -> bool:
    """True on an official working day in mainland China, make-up Saturdays included."""
    return _china(day.year).is_working_day(day)


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``day`` (the day itself does not count)."""
    current = day
    remaining = count
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def due_at(start: dt.datetime, target: Target, tz: str) -> dt.datetime:
    """When a stage started at ``start`` (naive UTC) is due, as naive UTC.

    Day-based targets end at the close of the last day in the tenant's time zone, which is
    how "within 5 working days" is read by complainants and regulators alike.
    """
    if target.unit is Unit.MINUTES:
        return start + dt.timedelta(minutes=target.value)
    if target.unit is Unit.HOURS:
        return start + dt.timedelta(hours=target.value)
    zone = ZoneInfo(tz)
    local_day = start.replace(tzinfo=dt.UTC).astimezone(zone).date()
    if target.unit is Unit.CALENDAR_DAYS:
        last_day = local_day + dt.timedelta(days=target.value)
    else:
        last_day = add_working_days(local_day, target.value)
    end = dt.datetime.combine(last_day, dt.time(23, 59, 59), tzinfo=zone)
    return end.astimezone(dt.UTC).replace(tzinfo=None)


def to_local(moment: dt.datetime, tz: str) -> dt.datetime:
    """A stored naive-UTC moment in the tenant's zone."""
    return moment.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(tz))


def local_today(now: dt.datetime, tz: str) -> dt.date:
    """The tenant's calendar date at naive-UTC ``now``."""
    return to_local(now, tz).date()
