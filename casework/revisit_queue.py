"""The revisit queue (回访队列): the revisits still to be made, the one due first at the top.

Like the case queue it seeks from a cursor instead of counting and skipping: the order is
(due_at, id), which ``ix_revisits_due`` holds for everyone's queue and
``ix_revisits_assignee`` for one revisitor's, so a page costs the same at revisit 100,000
as at revisit 10. A member of staff sees only the revisits of cases in their sight (CO-8).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import orm

from tenants.db import db, utcnow
from tenants.models import User

from . import access, deadlines
from .errors import NotFound
from .models import Case, Revisit
from .queue import decode_cursor  # the same (due time, id) cursor as the case queue
from .states import Action, CaseKind, ContactMethod, RevisitStatus
from .transitions import TRANSITIONS

PAGE_SIZE = 25
# The most staff a revisitor list offers: an organisation's desk, not a directory.
MAX_REVISITORS = 500
# Whose revisits the queue lists: the viewer's, nobody's yet, or everyone's.
WHO = ("mine", "unassigned", "all")


@dataclass
class RevisitFilters:
    """What the queue is narrowed to; empty means any."""

    who: str = "all"
    kind: str = ""
    method: str = ""


def encode_cursor(revisit: Revisit) -> str:
    """The position after ``revisit`` in the queue order."""
    return f"{revisit.due_at.isoformat()}_{revisit.id}"


def _narrow(stmt: sa.Select, filters: RevisitFilters, viewer: User) -> sa.Select:
    stmt = stmt.where(Revisit.status == RevisitStatus.PLANNED, access.sight(viewer))
    if filters.who == "mine":
        stmt = stmt.where(Revisit.assignee_id == viewer.id)
    elif filters.who == "unassigned":
        stmt = stmt.where(Revisit.assignee_id.is_(None))
    if filters.kind in CaseKind.__members__.values():
        stmt = stmt.where(Case.kind == CaseKind(filters.kind))
    if filters.method in ContactMethod.__members__.values():
        stmt = stmt.where(Revisit.method == ContactMethod(filters.method))
    return stmt


def list_revisits(
    filters: RevisitFilters, viewer: User, cursor: str = "", limit: int = PAGE_SIZE
) -> tuple[list[Revisit], str | None]:
    """One page of the open revisits the viewer sees, due soonest first, and the cursor of
    the next page (or None)."""
    stmt = (
        sa.select(Revisit)
        .join(Case, Case.id == Revisit.case_id)
        .options(orm.contains_eager(Revisit.case), orm.joinedload(Revisit.assignee))
    )
    stmt = _narrow(stmt, filters, viewer)
    position = decode_cursor(cursor) if cursor else None
    if position is not None:
        stmt = stmt.where(sa.tuple_(Revisit.due_at, Revisit.id) > sa.tuple_(*position))
    stmt = stmt.order_by(Revisit.due_at, Revisit.id).limit(limit + 1)
    rows = list(db.session.scalars(stmt).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor(rows[-1]) if more and rows else None)


def count_mine(viewer: User) -> int:
    """How many open revisits are given to the viewer: the desk menu's badge. One range of
    ``ix_revisits_assignee``, whatever the size of the tenant."""
    stmt = sa.select(sa.func.count(Revisit.id)).where(
        Revisit.assignee_id == viewer.id, Revisit.status == RevisitStatus.PLANNED
    )
    return db.session.scalar(stmt) or 0


def get_revisit(revisit_id: int, viewer: User) -> Revisit:
    """The bound tenant's revisit, if its case is in the viewer's sight; NotFound (a 404,
    as for another tenant's) otherwise."""
    stmt = (
        sa.select(Revisit)
        .join(Case, Case.id == Revisit.case_id)
        .where(Revisit.id == revisit_id, access.sight(viewer))
    )
    revisit = db.session.scalars(stmt).one_or_none()
    if revisit is None:
        raise NotFound()
    return revisit


def due_state(revisit: Revisit, tz: str, now: dt.datetime | None = None) -> str:
    """The queue's badge: "overdue", "today" (due before the organisation's day ends) or
    "later"."""
    now = now or utcnow()
    if revisit.due_at < now:
        return "overdue"
    if deadlines.to_local(revisit.due_at, tz).date() == deadlines.to_local(now, tz).date():
        return "today"
    return "later"


def revisitors() -> list[User]:
    """Active staff whose role may make a revisit: whom a revisit, or a home visit, may be
    given to."""
    roles = sorted(TRANSITIONS[Action.REVISIT].roles)
    stmt = sa.select(User).where(User.active.is_(True), User.holding(*roles))
    return list(db.session.scalars(stmt.order_by(User.name, User.id).limit(MAX_REVISITORS)))
