"""How many complaints, of what, from where, and how that moves: volumes by category,
channel, department, cause and place; the trend against the same period a year before;
repeat complaints (重复投诉) and hot spots (the places and categories that recur)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa

from tenants.db import db

from ..models import Case, RepeatContact
from . import sql
from .scope import Scope

Dimension = Literal["category", "channel", "department", "cause", "location"]
COLUMNS: dict[str, sa.ColumnElement] = {
    "category": Case.category_id,
    "channel": Case.channel,
    "department": Case.department_id,
    "cause": Case.cause_id,
    "location": Case.location,
}
HOT_SPOTS = 10  # the places listed at most
PLACES = 10  # the places the volume by location lists at most


@dataclass(frozen=True)
class Count:
    """One bar: the key (an id, a channel, a place; None for "none given") and its cases."""

    key: object
    cases: int


def volumes(scope: Scope, by: Dimension) -> list[Count]:
    """Complaints received in the period per ``by``, most first (places: the top ones)."""
    column = COLUMNS[by]
    cases = sa.func.count().label("cases")
    stmt = (
        sa.select(column, cases)
        .where(*scope.cases())
        .group_by(column)
        .order_by(cases.desc(), column)
    )
    if by == "location":
        stmt = stmt.where(Case.location != "").limit(PLACES)
    return [Count(key, n) for key, n in db.session.execute(stmt).all()]


Grain = Literal["day", "week", "month"]


@dataclass(frozen=True)
class Trend:
    """Complaints per day, week or month of the period, and in the same one a year before."""

    grain: Grain
    points: list[tuple[dt.date, int, int]]  # (bucket's first day, this period, a year before)


def trend(scope: Scope, grain: Grain | None = None) -> Trend:
    """The period's complaints per bucket beside the same period last year.

    The database counts per local day (at most a year of rows, never the cases); the days
    are summed into weeks (from Monday) or months here. By default a period of up to 31
    days goes by day, up to 92 by week, longer by month.
    """
    days = (scope.end - scope.start).days
    grain = grain or ("day" if days <= 31 else "week" if days <= 92 else "month")
    now, before = _per_day(scope), _per_day(scope.year_before())
    buckets: dict[dt.date, list[int]] = {}
    day = scope.start
    while day < scope.end:
        buckets.setdefault(_bucket(day, grain, scope.start), [0, 0])
        day += dt.timedelta(days=1)
    for day, n in now.items():
        buckets[_bucket(day, grain, scope.start)][0] += n
    for day, n in before.items():
        shifted = _next_year(day)
        if scope.start <= shifted < scope.end:
            buckets[_bucket(shifted, grain, scope.start)][1] += n
    return Trend(grain, [(b, a, p) for b, (a, p) in sorted(buckets.items())])


def _per_day(scope: Scope) -> dict[dt.date, int]:
    day = sql.local_day(Case.created_at, scope.utc_offset())
    rows = db.session.execute(
        sa.select(day, sa.func.count()).where(*scope.cases()).group_by(day)
    ).all()
    return {sql.as_date(d): n for d, n in rows}


def _bucket(day: dt.date, grain: Grain, start: dt.date) -> dt.date:
    if grain == "month":
        return max(day.replace(day=1), start)
    if grain == "week":
        return max(day - dt.timedelta(days=day.weekday()), start)
    return day


def _next_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February: the 28th of the next year
        return day.replace(year=day.year + 1, day=28)


@dataclass(frozen=True)
class Repeats:
    """Repeat complaints in the period (CITY-6, PROP-12)."""

    cases: int  # complaints received in the period
    repeated: int  # of them, reported again since (repeat_count > 0)
    reports_again: int  # the times they were reported again, all told
    repeats_of_earlier: int  # complaints marked as repeating an earlier case
    contacts: int  # further calls recorded on cases in the period (repeat contacts)


def repeats(scope: Scope) -> Repeats:
    """Repeat complaints: one query over the period's cases, one over its repeat contacts."""
    row = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(sa.case((Case.repeat_count > 0, 1), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(Case.repeat_count), 0),
            sa.func.count(Case.repeat_of_id),
        ).where(*scope.cases())
    ).one()
    contacts = sa.select(sa.func.count()).select_from(RepeatContact)
    contacts = contacts.where(RepeatContact.at >= scope.since, RepeatContact.at < scope.until)
    if scope.department_id:
        contacts = contacts.join(Case, Case.id == RepeatContact.case_id).where(*scope.unit())
    return Repeats(*(int(v) for v in row), int(db.session.scalar(contacts) or 0))


@dataclass(frozen=True)
class HotSpot:
    """A place and category that recur: their complaints, and how often reported again."""

    category_id: int | None
    location: str
    cases: int
    reports_again: int


def hot_spots(scope: Scope, least: int = 2) -> list[HotSpot]:
    """The places and categories with at least ``least`` reports (complaints plus the times
    they were reported again), most first."""
    cases = sa.func.count()
    again = sa.func.coalesce(sa.func.sum(Case.repeat_count), 0)
    rows = db.session.execute(
        sa.select(Case.category_id, Case.location, cases, again)
        .where(*scope.cases(), Case.location != "")
        .group_by(Case.category_id, Case.location)
        .having(cases + again >= least)
        .order_by((cases + again).desc(), Case.location)
        .limit(HOT_SPOTS)
    ).all()
    return [HotSpot(c, loc, int(n), int(r)) for c, loc, n, r in rows]
