"""Statistics and boards over many cases: the reports' queries, and only queries.

A report or statistic (the overdue board, counts by category or department, time to close,
satisfaction after revisits) is one function here that reads the bound tenant's cases and
returns plain rows; it changes nothing and knows nothing of HTTP. The ``reports`` blueprint
renders each one, and an export or the API can call the same function.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from tenants.db import db, utcnow
from tenants.models import User

from . import access
from .models import Case, CaseEvent, Category
from .states import EventKind, Finding


def deadline_board(now: dt.datetime | None = None) -> list[tuple[int | None, int, int]]:
    """Per department: (department id, overdue cases, cases due soon), worst first.

    Reads only cases with a running deadline that is overdue or due soon, via the
    (tenant_id, next_due_at) index, so it grows with the late work, not with the archive.
    """
    now = now or utcnow()
    overdue = sa.func.sum(sa.case((Case.next_due_at < now, 1), else_=0))
    soon = sa.func.sum(sa.case((Case.next_due_at >= now, 1), else_=0))
    # Before dispatch a case is the dispatchers' to move, whichever unit intake routed it to.
    unit = sa.case((Case.dispatched_at.is_(None), None), else_=Case.department_id)
    rows = db.session.execute(
        sa.select(unit, overdue, soon)
        .where(
            Case.next_due_at.is_not(None),
            sa.or_(Case.next_due_at < now, Case.due_soon_at <= now),
        )
        .group_by(unit)
        .order_by(overdue.desc())
    ).all()
    return [(dept, int(o or 0), int(s or 0)) for dept, o, s in rows]


@dataclass(frozen=True)
class Lesson:
    """One teaching case as the training list shows it (HOSP-12).

    The lesson is written for every department's staff; the case itself (its number and
    link) only for those who may see it (CO-8), and a restricted case's lesson only for them.
    """

    id: int
    case_id: int | None  # None when the reader may not see the case
    number: str
    category: str
    finding: Finding | None
    lesson: str
    at: dt.datetime


TEACHING_PAGE = 50


def teaching_cases(viewer: User, before: int | None = None) -> tuple[list[Lesson], int | None]:
    """The newest teaching cases, a page at a time (keyset on id, the teaching index), and
    the id to continue before, or None at the end."""
    in_sight = sa.and_(access.sight(viewer)).label("in_sight")
    stmt = (
        sa.select(Case.id, Case.number, Category.name, Case.finding, Case.lesson, in_sight)
        .outerjoin(Category, Category.id == Case.category_id)
        .add_columns(Case.updated_at)
        # A restricted case's lesson stays with those who may see the case (PROP-3).
        .where(Case.teaching.is_(True), sa.or_(Case.restricted.is_(False), in_sight))
        .order_by(Case.id.desc())
        .limit(TEACHING_PAGE + 1)
    )
    if before is not None:
        stmt = stmt.where(Case.id < before)
    rows = db.session.execute(stmt).all()
    page = [
        Lesson(
            id=row[0],
            case_id=row[0] if row[5] else None,
            number=row[1] if row[5] else "",
            category=row[2] or "",
            finding=row[3],
            lesson=row[4],
            at=row[6],
        )
        for row in rows[:TEACHING_PAGE]
    ]
    more = len(rows) > TEACHING_PAGE
    return page, (page[-1].id if more else None)


def returns_by_unit(
    viewer: User, since: dt.datetime, until: dt.datetime | None = None
) -> list[tuple[str, int]]:
    """Per unit: (its name when it returned the case, returns) in [since, until), most first.

    Counts the returned entries (退单) of the cases ``viewer`` may see; the unit is the one the
    entry's before/after names, as it was called then. A case returned twice counts twice.
    """
    until = until or utcnow()
    changes = db.session.scalars(
        sa.select(CaseEvent.changes)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(
            CaseEvent.kind == EventKind.RETURNED,
            CaseEvent.at >= since,
            CaseEvent.at < until,
            access.sight(viewer),
        )
    )
    counts: dict[str, int] = {}
    for change in changes:
        unit = (change.get("department") or [None])[0]
        if unit:
            counts[unit] = counts.get(unit, 0) + 1
    return sorted(counts.items(), key=lambda row: (-row[1], row[0]))
