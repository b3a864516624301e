"""Statistics and boards over many cases: the reports' queries, and only queries.

A report or statistic (the overdue board, counts by category or department, time to close,
satisfaction after revisits) is one function here that reads the bound tenant's cases and
returns plain rows; it changes nothing and knows nothing of HTTP. The ``reports`` blueprint
renders each one, and an export or the API can call the same function.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tenants.db import db, utcnow

from .models import Case


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
