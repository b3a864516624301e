"""The watch list (重点维修跟踪): the open watches of important repairs (PROP-11), the next
inspection due first, everyone's or one inspector's.

It seeks from a cursor on (next_due_on, id), a range of ``ix_repair_watches_due`` (or
``ix_repair_watches_inspector`` for one person), and a member of staff sees only the
watches of cases in their sight (CO-8).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

from tenants.db import db
from tenants.models import User

from . import access
from .models import Case, RepairWatch

PAGE_SIZE = 25
WHO = ("mine", "all")


def _decode(cursor: str) -> tuple[dt.date, int] | None:
    day, _, ident = cursor.partition("_")
    if not (ident.isascii() and ident.isdigit() and len(ident) <= 18):
        return None
    try:
        return dt.date.fromisoformat(day), int(ident)
    except ValueError:
        return None


def list_watches(
    viewer: User, who: str = "all", cursor: str = "", limit: int = PAGE_SIZE
) -> tuple[list[RepairWatch], str | None]:
    """One page of the open watches the viewer sees, due soonest first, and the next
    page's cursor (or None)."""
    stmt = (
        sa.select(RepairWatch)
        .join(Case, Case.id == RepairWatch.case_id)
        .options(orm.contains_eager(RepairWatch.case), orm.joinedload(RepairWatch.inspector))
        .where(RepairWatch.is_open.is_(True), access.sight(viewer))
    )
    if who == "mine":
        stmt = stmt.where(RepairWatch.inspector_id == viewer.id)
    position = _decode(cursor) if cursor else None
    if position is not None:
        stmt = stmt.where(sa.tuple_(RepairWatch.next_due_on, RepairWatch.id) > sa.tuple_(*position))
    stmt = stmt.order_by(RepairWatch.next_due_on, RepairWatch.id).limit(limit + 1)
    rows = list(db.session.scalars(stmt).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if rows else None
    return rows, (f"{last.next_due_on.isoformat()}_{last.id}" if more and last else None)


def count_due_mine(viewer: User, today: dt.date) -> int:
    """How many of the viewer's watches have an inspection due by ``today``."""
    stmt = sa.select(sa.func.count(RepairWatch.id)).where(
        RepairWatch.inspector_id == viewer.id,
        RepairWatch.is_open.is_(True),
        RepairWatch.next_due_on <= today,
    )
    return db.session.scalar(stmt) or 0
