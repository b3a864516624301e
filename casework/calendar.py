"""A tenant's working calendar (工作日历): the official schedule plus its own days.

The official schedule, make-up working days (调休) included, comes from ``holidays``. A tenant
may close on a provincial holiday or open on an emergency Saturday; those days override it.
Years the library has no make-up data for yet make a deadline *provisional*.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import holidays
import sqlalchemy as sa

from tenants import audit
from tenants.db import db, tenant_bound, tenant_cached
from tenants.models import Tenant, User

from .errors import NotFound
from .models import CalendarDay


@functools.lru_cache(maxsize=16)
def _china(year: int) -> holidays.HolidayBase:
    return holidays.China(years=range(year - 1, year + 2))


@functools.lru_cache(maxsize=64)
def official_schedule_known(year: int) -> bool:
    """True when the library carries the State Council's make-up days for ``year``.

    Every year since 2004 has had at least one; a year with none has not been published yet.
    """
    return any(d.year == year for d in _china(year).weekend_workdays)


def officially_working(day: dt.date) -> bool:
    """True on an official working day in mainland China, make-up Saturdays included."""
    return _china(day.year).is_working_day(day)


@dataclass(frozen=True)
class BusinessHours:
    """The hours in a working day that hour-based targets count (e.g. 08:30–17:30)."""

    start: dt.time
    end: dt.time

    @classmethod
    def parse(cls, text: str | None) -> BusinessHours | None:
        """'08:30-17:30' → BusinessHours; empty or '24/7' → None (every hour counts)."""
        if not text or text.strip() in ("24/7", "24x7"):
            return None
        start, _, end = text.replace("–", "-").partition("-")
        return cls(dt.time.fromisoformat(start.strip()), dt.time.fromisoformat(end.strip()))


@dataclass
class WorkCalendar:
    """Working days and hours for one tenant."""

    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    hours: BusinessHours | None = None

    def is_working_day(self, day: dt.date) -> bool:
        """The tenant's own day if it set one, else the official schedule."""
        if day in self.overrides:
            return self.overrides[day]
        return officially_working(day)

    def is_provisional(self, day: dt.date) -> bool:
        """True when ``day`` lies in a year whose official schedule is not known yet."""
        return not official_schedule_known(day.year)

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``day`` (the day itself does not count)."""
        current = day
        while count > 0:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                count -= 1
        return current


def for_tenant(tenant: Tenant) -> WorkCalendar:
    """The bound tenant's calendar, with its own days from a year back onwards.

    The days are kept per process until the tenant changes its calendar (see TenantConfig);
    a copy kept past midnight holds one day too many in the past, which no deadline reads.
    """
    since = dt.date.today() - dt.timedelta(days=366)

    def load() -> Mapping[dt.date, bool]:
        rows = db.session.execute(
            sa.select(CalendarDay.day, CalendarDay.working).where(CalendarDay.day >= since)
        )
        return MappingProxyType({day: working for day, working in rows})

    return WorkCalendar(
        overrides=tenant_cached(tenant, "calendar", load),
        hours=BusinessHours.parse(tenant.config.business_hours),
    )


def own_days(tenant: Tenant, since: dt.date, limit: int = 500) -> list[CalendarDay]:
    """The tenant's own closed and working days from ``since`` on, in date order."""
    with tenant_bound(tenant.id):
        return list(
            db.session.scalars(
                sa.select(CalendarDay)
                .where(CalendarDay.day >= since)
                .order_by(CalendarDay.day)
                .limit(limit)
            )
        )


def set_day(
    tenant: Tenant, actor: User | None, day: dt.date, working: bool, note: str = ""
) -> CalendarDay:
    """Make ``day`` a working or a closed day for the tenant, whatever the official schedule.

    Deadlines already running keep their dates; the change is recorded in the audit trail.
    """
    with tenant_bound(tenant.id):
        row = db.session.scalars(sa.select(CalendarDay).where(CalendarDay.day == day)).one_or_none()
        before = _day_values(row) if row is not None else None
        if row is None:
            row = CalendarDay(day=day)
            db.session.add(row)
        row.working = working
        row.note = note
        after = _day_values(row)
        if after != before:  # the same day set again as it is: nothing to record
            audit.record(
                actor, "calendar.day_set", day.isoformat(), {"before": before, "after": after}
            )
        db.session.flush()
    return row


def remove_day(tenant: Tenant, actor: User | None, day_id: int) -> None:
    """Drop one of the tenant's own days, back to the official schedule; NotFound if none."""
    with tenant_bound(tenant.id):
        row = db.session.scalars(
            sa.select(CalendarDay).where(CalendarDay.id == day_id)
        ).one_or_none()
        if row is None:
            raise NotFound()
        audit.record(
            actor,
            "calendar.day_removed",
            row.day.isoformat(),
            {"before": _day_values(row), "after": None},
        )
        db.session.delete(row)
        db.session.flush()


def _day_values(row: CalendarDay) -> dict[str, object]:
    return {"working": row.working, "note": row.note}
