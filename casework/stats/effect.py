"""The effect of an improvement action (改进效果, PROP-8, HOSP-10): the group of cases it came
from, counted in the period before it was opened and in the same length after.

The group is the queue's own filter, stored with the action, so the count is the queue's
(:func:`casework.queue.narrow`) in the viewer's sight: what the manager would see by opening
the group in the queue for either period. Every status counts, as a case received in the
period belongs to it whatever became of it since.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import sqlalchemy as sa

from tenants.db import db, utcnow
from tenants.models import Tenant, User

from .. import deadlines, queue
from ..models import Case, ImprovementAction
from .scope import LONGEST

# The length counted when the group carries no period of its own.
DEFAULT_PERIOD = dt.timedelta(days=30)


@dataclass(frozen=True)
class Effect:
    """The group's count in the period before the action was opened and the same length after
    (the second may still be running)."""

    before_start: dt.date
    opened_on: dt.date
    after_end: dt.date
    before: int
    after: int
    complete: bool


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _id(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def filters_of(action: ImprovementAction) -> queue.Filters:
    """The queue's filters of the stored group, every status, no period (the effect sets it)."""
    p = action.filters or {}
    return queue.Filters(
        status="all" if p.get("status", "all") == "open" else p.get("status", "all"),
        category_id=_id(p.get("category")),
        department_id=_id(p.get("department")),
        channel=p.get("channel", ""),
        kind=p.get("kind", ""),
        cause_id=_id(p.get("cause")),
        location=p.get("location", ""),
        finding=p.get("finding", ""),
        repeated=bool(p.get("repeated")),
        answered_at_once=bool(p.get("answered")),
        reopened=bool(p.get("reopened")),
    )


def effect(action: ImprovementAction, viewer: User, now: dt.datetime | None = None) -> Effect:
    """Count the stored group before and after the action was opened, in the viewer's sight."""
    now = now or utcnow()
    tz = db.session.get(Tenant, action.tenant_id).timezone
    first, last = _day(action.filters.get("received_from")), _day(action.filters.get("received_to"))
    length = (
        dt.timedelta(days=(last - first).days + 1) if first and last and last >= first else None
    )
    length = length if length and length <= LONGEST else DEFAULT_PERIOD
    opened_on = deadlines.local_today(action.created_at, tz)
    before_start, after_end = opened_on - length, opened_on + length
    base = filters_of(action)

    def count(start: dt.date, end: dt.date) -> int:
        f = replace(
            base,
            since=deadlines.from_local(dt.datetime.combine(start, dt.time()), tz),
            until=deadlines.from_local(dt.datetime.combine(end, dt.time()), tz),
        )
        stmt = queue.narrow(sa.select(sa.func.count(Case.id)), f, viewer)
        return db.session.scalar(stmt) or 0

    return Effect(
        before_start=before_start,
        opened_on=opened_on,
        after_end=after_end,
        before=count(before_start, opened_on),
        after=count(opened_on, after_end),
        complete=deadlines.local_today(now, tz) >= after_end,
    )
