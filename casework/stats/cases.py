"""The cases behind two of the report's figures, by number only (统计报告, issue 13): the
complaints overdue now and the revisits that found the complainant unsatisfied.

A report leaves the desk, so these rows carry no personal data: the case number, its
category and department ids, and the figure itself (days overdue, the score). Each list is
bounded; the report prints the count beside it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from tenants.db import db

from ..models import Case, Revisit
from ..states import RevisitStatus, Status
from .scope import Scope

LONGEST_LIST = 50


@dataclass(frozen=True)
class CaseLine:
    """One case named in the report: number, category, department and its figure."""

    number: str
    category_id: int | None
    department_id: int | None
    figure: int  # days overdue, or the satisfaction score


def overdue_cases(scope: Scope, limit: int = LONGEST_LIST) -> list[CaseLine]:
    """Open complaints past a running stage's deadline now, the longest overdue first (the
    cases :func:`~.timeliness.overdue_now` counts; ``ix_cases_next_due``)."""
    rows = db.session.execute(
        sa.select(Case.number, Case.category_id, Case.department_id, Case.next_due_at)
        .where(Case.next_due_at < scope.at, Case.status != Status.CLOSED, *scope.unit())
        .order_by(Case.next_due_at, Case.id)
        .limit(limit)
    ).all()
    return [CaseLine(n, c, d, _days(scope.at - due)) for n, c, d, due in rows]


def unsatisfied_cases(
    scope: Scope, satisfied_from: int, limit: int = LONGEST_LIST
) -> list[CaseLine]:
    """Cases whose revisit done in the period scored below ``satisfied_from``, the lowest
    score first (``ix_revisits_done``), in the unit."""
    rows = db.session.execute(
        sa.select(Case.number, Case.category_id, Case.department_id, Revisit.satisfaction)
        .join(Case, Case.id == Revisit.case_id)
        .where(
            Revisit.done_at >= scope.since,
            Revisit.done_at < scope.until,
            Revisit.status == RevisitStatus.DONE,
            Revisit.satisfaction < satisfied_from,
            *scope.unit(),
        )
        .order_by(Revisit.satisfaction, Case.number)
        .limit(limit)
    ).all()
    return [CaseLine(n, c, d, int(score)) for n, c, d, score in rows]


def _days(late: dt.timedelta) -> int:
    return max(late.days, 0)
