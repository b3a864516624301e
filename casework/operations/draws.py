"""The period's sample draw and the revisits it plans (抽样回访, PROP-10).

:func:`casework.sampling.draw` picks; this verb checks the period may be drawn, records the
draw and plans a revisit of every picked order, due within its kind's rule from that order's
completion (PROP-9: repairs within 1 month). The periodic job (jobs/sampling.py) and a
supervisor's "draw now" call the same verb; the draw's unique key (tenant, kind, period)
keeps either from drawing a period twice.

A period with no completed orders is not recorded as drawn: orders exported after the
period ends and imported later are still drawn when they come.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tenants.db import db, utcnow
from tenants.models import Tenant, User

from .. import deadlines, sampling
from ..errors import InvalidInput
from ..models import Case, Revisit, SampleDraw
from ..states import CaseKind
from . import revisits


@dataclass
class Drawn:
    """A draw and whether this call made it (False: the period was drawn before)."""

    draw: SampleDraw
    new: bool
    planned: int = 0


def drawable(tenant: Tenant, kind: CaseKind, start: dt.date, now: dt.datetime) -> dt.date:
    """The start of the period holding ``start`` if it may be drawn: over, and of a sampled
    kind; else InvalidInput."""
    if kind not in sampling.sampled_kinds(tenant):
        raise InvalidInput("kind", _l("This kind of service is not revisited by sampling."))
    first, end = sampling.period_of(tenant, start)
    if end > deadlines.local_today(now, tenant.timezone):
        raise InvalidInput("period", _l("This period is not over yet: draw it once it ends."))
    return first


def draw_period(
    tenant: Tenant,
    kind: CaseKind,
    start: dt.date,
    actor: User | None = None,
    now: dt.datetime | None = None,
) -> Drawn | None:
    """Draw the period holding ``start`` for ``kind`` and plan the picked orders' revisits.

    None when the period has no completed orders (nothing is recorded); the earlier draw,
    with ``new`` False, when it was drawn already.
    """
    now = now or utcnow()
    first = drawable(tenant, kind, start, now)
    found = sampling.existing(kind, first)
    if found is not None:
        return Drawn(found, False)
    _first, end = sampling.period_of(tenant, first)
    if not sampling.population(tenant, kind, first, end):
        return None
    record, picked = sampling.draw(tenant, kind, first, actor)
    planned = sum(len(revisits.plan_service(case, actor, draw=record)) for case in picked)
    return Drawn(record, True, planned)


def draws(after: int | None = None, limit: int = 25) -> tuple[list[SampleDraw], int | None]:
    """The bound tenant's draws, newest first, a page at a time (keyset on the id); the id
    to continue after, or None."""
    stmt = sa.select(SampleDraw).order_by(SampleDraw.id.desc()).limit(limit + 1)
    if after is not None:
        stmt = stmt.where(SampleDraw.id < after)
    rows = list(db.session.scalars(stmt))
    more = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], more


@dataclass
class Redone:
    """An auditor's redo of a draw: the population now, the orders the seed picks from it,
    and whether they are the ones the draw picked."""

    population: int
    picked: list[int]
    same: bool


def redo(tenant: Tenant, record: SampleDraw) -> Redone:
    """Draw ``record``'s period again from today's population with its seed."""
    cases = sampling.population(tenant, record.kind, record.period_start, record.period_end)
    # The size the draw took (its sampling row may have been edited since), of what is there.
    picked = sampling.pick([c.id for c in cases], min(record.size, len(cases)), record.seed)
    stored = [int(p[0]) for p in record.picked]
    return Redone(len(cases), picked, len(cases) == record.population and picked == stored)


def planned_for(record: SampleDraw) -> dict[int, Revisit]:
    """The revisit each picked order got from this draw, by case id."""
    rows = db.session.scalars(
        sa.select(Revisit).where(Revisit.draw_id == record.id).order_by(Revisit.id)
    )
    return {r.case_id: r for r in rows}


def picked_cases(record: SampleDraw) -> list[Case]:
    """The picked orders still on record, in the order drawn."""
    ids = [int(p[0]) for p in record.picked]
    if not ids:
        return []
    by_id = {c.id: c for c in db.session.scalars(sa.select(Case).where(Case.id.in_(ids)))}
    return [by_id[i] for i in ids if i in by_id]
