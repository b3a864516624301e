"""The case queue: filtered, newest first, keyset-paginated on (created_at, id).

A page costs the same at case 100,000 as at case 10: it seeks from the cursor through an
index instead of counting and skipping rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import orm

from tenants.db import MAX_KEY, db, utcnow
from tenants.models import User

from . import access, stages
from .models import Case
from .states import OPEN_STATUSES, CaseKind, DeadlineState, Finding, Status

PAGE_SIZE = 25


@dataclass
class Filters:
    """What the queue is narrowed to; empty means any."""

    status: str = "open"
    category_id: int | None = None
    department_id: int | None = None
    channel: str = ""
    due: str = ""  # "", "soon" or "overdue"
    handler_id: int | None = None
    number: str = ""
    # Routed to a department but nobody named yet: what its handlers may take (认领).
    unassigned: bool = False
    # Received in [since, until) (stored naive UTC), and the dashboard's drill-downs: the
    # cases behind a figure (a place, a finding, repeats, answered at once, reopened).
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    kind: str = ""
    cause_id: int | None = None
    location: str = ""
    finding: str = ""
    repeated: bool = False
    answered_at_once: bool = False
    reopened: bool = False


def encode_cursor(case: Case) -> str:
    """The position after ``case`` in the queue order."""
    return f"{case.created_at.isoformat()}_{case.id}"


_MAX_ID = MAX_KEY  # the largest id either database can compare against


def decode_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    """Parse a cursor; a malformed one reads as the first page.

    It comes from the query string, so anything may arrive: an id no database column can hold
    would fail in the driver (a 500), so it is malformed too, as is a stamp with a zone.
    """
    stamp, _, ident = cursor.rpartition("_")
    if not (ident.isascii() and ident.isdigit() and len(ident) <= 19):
        return None
    try:
        position = dt.datetime.fromisoformat(stamp), int(ident)
    except ValueError:
        return None
    if position[1] > _MAX_ID or position[0].tzinfo is not None:
        return None
    return position


def list_cases(
    filters: Filters, cursor: str = "", limit: int = PAGE_SIZE, *, viewer: User | None = None
) -> tuple[list[Case], str | None]:
    """One page of the bound tenant's queue, and the cursor of the next page (or None).

    A ``viewer`` (the member of staff asking) sees only the cases in their sight.
    """
    stmt = sa.select(Case).options(
        orm.joinedload(Case.category), orm.joinedload(Case.department), orm.joinedload(Case.handler)
    )
    stmt = narrow(stmt, filters, viewer)
    position = decode_cursor(cursor) if cursor else None
    if position is not None:
        stmt = stmt.where(sa.tuple_(Case.created_at, Case.id) < sa.tuple_(*position))
    stmt = stmt.order_by(Case.created_at.desc(), Case.id.desc()).limit(limit + 1)
    rows = list(db.session.scalars(stmt).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor(rows[-1]) if more and rows else None)


def count_cases(filters: Filters, most: int, *, viewer: User | None = None) -> int:
    """How many cases of the queue ``filters`` give, counted up to ``most + 1``: an export
    says how many rows it holds and whether it was cut, without counting a whole table."""
    ids = narrow(sa.select(Case.id), filters, viewer).limit(most + 1).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(ids)) or 0


def narrow(stmt: sa.Select, filters: Filters, viewer: User | None = None) -> sa.Select:
    """``stmt`` (a select of :class:`Case`) narrowed to the viewer's sight and the filters:
    the queue's, and the search's, which offers the same ones."""
    if viewer is not None:
        stmt = stmt.where(access.sight(viewer))
    if filters.status == "open":
        stmt = stmt.where(Case.status.in_(sorted(OPEN_STATUSES)))
    elif filters.status in Status.__members__.values():
        stmt = stmt.where(Case.status == Status(filters.status))
    if filters.category_id:
        stmt = stmt.where(Case.category_id == filters.category_id)
    if filters.department_id:
        stmt = stmt.where(Case.department_id == filters.department_id)
    if filters.channel:
        stmt = stmt.where(Case.channel == filters.channel)
    if filters.handler_id:
        stmt = stmt.where(Case.handler_id == filters.handler_id)
    if filters.unassigned:
        stmt = stmt.where(
            Case.department_id.is_not(None),
            Case.handler_id.is_(None),
            Case.dispatched_at.is_not(None),  # routed at intake only: not yet to be taken
        )
    if filters.number:
        number = filters.number.strip().upper()
        # The number of a case merged into another (合并) finds the survivor too.
        absorbed = orm.aliased(Case)
        survivor = sa.select(absorbed.merged_into_id).where(absorbed.number == number)
        stmt = stmt.where(sa.or_(Case.number == number, Case.id.in_(survivor)))
    stmt = _drill_down(stmt, filters)
    now = utcnow()
    if filters.due == "overdue":
        stmt = stmt.where(Case.next_due_at < now)
    elif filters.due == "soon":
        stmt = stmt.where(Case.next_due_at >= now, Case.due_soon_at <= now)
    return stmt


def _drill_down(stmt: sa.Select, filters: Filters) -> sa.Select:
    """The filters the dashboard's figures link with (issue 13)."""
    if filters.since is not None:
        stmt = stmt.where(Case.created_at >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(Case.created_at < filters.until)
    if filters.kind in CaseKind.__members__.values():
        stmt = stmt.where(Case.kind == CaseKind(filters.kind))
    if filters.cause_id:
        stmt = stmt.where(Case.cause_id == filters.cause_id)
    if filters.location:
        stmt = stmt.where(Case.location == filters.location)
    if filters.finding in Finding.__members__.values():
        stmt = stmt.where(Case.finding == Finding(filters.finding))
    if filters.repeated:
        stmt = stmt.where(Case.repeat_count > 0)
    if filters.answered_at_once:
        stmt = stmt.where(Case.answered_at_once.is_(True))
    if filters.reopened:
        stmt = stmt.where(Case.result_round > 0)
    return stmt


def deadline_state(case: Case, now: dt.datetime | None = None) -> DeadlineState | str:
    """Overdue, soon, ok, or empty when no deadline runs: the queue's badge."""
    state = stages.state(case.next_due_at, now or utcnow(), soon_at=case.due_soon_at)
    return state if state is not None else ""
