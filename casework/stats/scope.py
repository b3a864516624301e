"""What a figure is counted over: the bound tenant (scoping is automatic), a period of whole
days in the tenant's timezone, and optionally one department; and who may read the figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum

import sqlalchemy as sa

from tenants.db import utcnow
from tenants.models import Role, Tenant, User

from .. import access, deadlines
from ..models import Case
from ..states import CaseKind

# The roles that read the dashboard: the managers (POWER-4, HOSP-10). A department head
# who does not see every case reads their own department's figures only.
READERS = (Role.DEPT_HEAD, Role.SUPERVISOR, Role.ADMIN)
# The longest period one page counts: a year and a day (a leap year's custom range).
LONGEST = dt.timedelta(days=367)


def may_see(user: User) -> bool:
    """Whether the user reads the dashboard's figures."""
    return bool(user.is_authenticated) and user.has_role(*READERS)


def own_department(user: User) -> int | None:
    """The one department a reader is held to, or None when they may choose any."""
    if access.sees_all(user):
        return None
    return user.department_id if user.department_id is not None else -1  # -1: no unit, no rows


class Period(StrEnum):
    """The period picker's choices."""

    LAST_MONTH = "last_month"
    THIS_MONTH = "this_month"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Scope:
    """The tenant's local days ``start`` (inclusive) to ``end`` (exclusive), one department
    or all, and the moment "now" the current figures (overdue, open) are read at."""

    start: dt.date
    end: dt.date
    timezone: str
    department_id: int | None = None
    now: dt.datetime | None = None

    @classmethod
    def of(
        cls,
        tenant: Tenant,
        period: Period = Period.LAST_MONTH,
        first: dt.date | None = None,
        last: dt.date | None = None,
        department_id: int | None = None,
        now: dt.datetime | None = None,
    ) -> Scope:
        """The scope of a picked period: last month, this month so far, or ``first`` to
        ``last`` inclusive (ValueError when they are missing, reversed or over a year)."""
        now = now or utcnow()
        today = deadlines.local_today(now, tenant.timezone)
        month = today.replace(day=1)
        if period is Period.THIS_MONTH:
            start, end = month, today + dt.timedelta(days=1)
        elif period is Period.CUSTOM:
            if first is None or last is None or last < first:
                raise ValueError("a custom period needs a first day on or before its last")
            start, end = first, last + dt.timedelta(days=1)
            if end - start > LONGEST:
                raise ValueError("a period is at most a year")
        else:
            start, end = (month - dt.timedelta(days=1)).replace(day=1), month
        return cls(start, end, tenant.timezone, department_id, now)

    @property
    def since(self) -> dt.datetime:
        """The period's first moment, as stored naive UTC."""
        return deadlines.from_local(dt.datetime.combine(self.start, dt.time()), self.timezone)

    @property
    def until(self) -> dt.datetime:
        """The moment after the period, as stored naive UTC."""
        return deadlines.from_local(dt.datetime.combine(self.end, dt.time()), self.timezone)

    @property
    def last_day(self) -> dt.date:
        """The period's last day (inclusive), as the picker shows it."""
        return self.end - dt.timedelta(days=1)

    @property
    def at(self) -> dt.datetime:
        """The moment current figures are read at."""
        return self.now or utcnow()

    def year_before(self) -> Scope:
        """The same days a year earlier (29 February reads as the 28th)."""
        return replace(self, start=_year_back(self.start), end=_year_back(self.end))

    def utc_offset(self) -> dt.timedelta:
        """The zone's offset from UTC at the period's start: local days are cut at it (a
        zone with summer time is out by an hour at its changes; China keeps none)."""
        return deadlines.to_local(self.since, self.timezone).utcoffset() or dt.timedelta()

    def cases(self, column: sa.ColumnElement[dt.datetime] = Case.created_at) -> list:
        """The WHERE terms for complaints whose ``column`` falls in the period, in the unit."""
        terms = [column >= self.since, column < self.until, Case.kind == CaseKind.COMPLAINT]
        return terms + self.unit()

    def unit(self) -> list:
        """The WHERE term for the department, if one is chosen."""
        return [Case.department_id == self.department_id] if self.department_id else []


def _year_back(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)
