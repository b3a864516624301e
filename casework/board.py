"""The dispatch board (派单台, CITY-4): the cases waiting for dispatch, oldest first, each with
its dispatch clock and the unit routing suggests.

Dispatchers keep it open all day and it polls every few seconds, so a read costs three
statements however many cases wait (the cases through the queue index, their running
dispatch deadlines, their returns), none per row, and at most :data:`BOARD_SIZE` rows. Below
them, field work dispatched whose handler is not on the scene yet (one more statement), so
the dispatcher can follow up (CITY-4).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import orm

from tenants.db import db
from tenants.models import User

from . import access, routing
from .models import Case, CaseEvent, Deadline
from .routing import DepartmentEntry
from .states import EventKind, Stage, Status

BOARD_SIZE = 50  # a dispatcher works the oldest; more than this is said, not listed


@dataclass(frozen=True)
class Waiting:
    """One case on the board: its dispatch clock, the suggested unit, who returned it."""

    case: Case
    started_at: dt.datetime | None  # the dispatch stage's start (acceptance, or the return)
    due_at: dt.datetime | None  # None when the policy sets no dispatch limit
    suggested: DepartmentEntry | None
    returned_by: frozenset[str]  # the units (by name) that sent it back (退单)


def waiting(viewer: User, limit: int = BOARD_SIZE) -> tuple[list[Waiting], bool]:
    """The cases in ``viewer``'s sight waiting for dispatch, oldest first, and whether more
    wait beyond ``limit``. Returned cases (退单) wait again, so they are here too."""
    rows = list(
        db.session.scalars(
            sa.select(Case)
            .options(orm.joinedload(Case.category))
            .where(Case.status == Status.ACCEPTED, Case.dispatched_at.is_(None))
            .where(access.sight(viewer))
            .order_by(Case.created_at, Case.id)
            .limit(limit + 1)
        )
    )
    more, rows = len(rows) > limit, rows[:limit]
    ids = [c.id for c in rows]
    clocks: dict[int, tuple[dt.datetime, dt.datetime]] = {}
    returned: dict[int, set[str]] = {}
    if ids:
        for case_id, started, due in db.session.execute(
            sa.select(Deadline.case_id, Deadline.started_at, Deadline.due_at)
            .where(
                Deadline.case_id.in_(ids),
                Deadline.stage == Stage.DISPATCH,
                Deadline.done_at.is_(None),
            )
            .order_by(Deadline.id)
        ):
            clocks[case_id] = (started, due)  # the newest running one, should there be two
        for case_id, changes in db.session.execute(
            sa.select(CaseEvent.case_id, CaseEvent.changes).where(
                CaseEvent.case_id.in_(ids), CaseEvent.kind == EventKind.RETURNED
            )
        ):
            unit = ((changes or {}).get("department") or [None])[0]
            if unit:
                returned.setdefault(case_id, set()).add(unit)
    board = []
    for case in rows:
        started, due = clocks.get(case.id, (None, None))
        units = frozenset(returned.get(case.id, ()))
        board.append(Waiting(case, started, due, suggestion(case, units), units))
    return board, more


@dataclass(frozen=True)
class Arriving:
    """Field work dispatched whose handler has not reached the scene yet (CITY-4, CITY-8)."""

    case: Case
    started_at: dt.datetime
    due_at: dt.datetime


def awaiting_arrival(viewer: User, limit: int = BOARD_SIZE) -> tuple[list[Arriving], bool]:
    """The cases in ``viewer``'s sight whose on-site clock runs, the nearest due first, and
    whether more run beyond ``limit``: the dispatcher follows up that the handler gets there.

    One statement, through the index on open deadlines by stage.
    """
    rows = db.session.execute(
        sa.select(Case, Deadline.started_at, Deadline.due_at)
        .join(Deadline, Deadline.case_id == Case.id)
        .options(orm.joinedload(Case.department), orm.joinedload(Case.handler))
        .where(Deadline.stage == Stage.ON_SITE, Deadline.done_at.is_(None))
        .where(Case.arrived_at.is_(None), access.sight(viewer))
        .order_by(Deadline.due_at, Deadline.id)
        .limit(limit + 1)
    ).all()
    items = [Arriving(case, started, due) for case, started, due in rows[:limit]]
    return items, len(rows) > limit


def suggestion(case: Case, returned_by: frozenset[str] = frozenset()) -> DepartmentEntry | None:
    """The unit to offer first: the one intake routed the case to, else its category's, if
    active and not a unit that returned it (the dispatch form's rule, from the cached
    catalogue: no query)."""
    tenant = case.tenant
    unit = case.department_id
    if unit is None:
        entry = routing.category(tenant, case.category_id)
        unit = entry.department_id if entry is not None else None
    found = next((d for d in routing.department_entries(tenant) if d.id == unit), None)
    if found is None or not found.active or found.name in returned_by:
        return None
    return found
