"""The sample draw (抽样回访, PROP-10): which of a period's work orders are revisited.

Once a period (a month by default) is over, its completed orders of each sampled kind are
counted, the sampling table says how many to revisit, and that many are drawn at random,
reproducibly: the seed is made from the tenant, the kind and the period, the population is
the orders' ids in order, so the same draw can be redone by an auditor and gives the same
orders. Each draw is stored (:class:`casework.models.SampleDraw`) once per kind and period,
so a job that runs twice draws once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random

import sqlalchemy as sa

from tenants.db import db, utcnow
from tenants.models import Tenant, User

from . import deadlines, revisit_rules
from .models import Case, SampleDraw
from .states import CaseKind, Closure


def period_of(tenant: Tenant, day: dt.date) -> tuple[dt.date, dt.date]:
    """The tenant's sampling period holding ``day``: its first day and the day after it."""
    if tenant.config.revisiting.period == "week":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=7)
    start = day.replace(day=1)
    return start, deadlines.add_months(start, 1)


def last_period(tenant: Tenant, now: dt.datetime) -> tuple[dt.date, dt.date]:
    """The latest period that is over at ``now``, in the tenant's calendar."""
    today = deadlines.local_today(now, tenant.timezone)
    start, _ = period_of(tenant, today)
    return period_of(tenant, start - dt.timedelta(days=1))


def sampled_kinds(tenant: Tenant) -> list[CaseKind]:
    """The kinds the tenant revisits by sampling."""
    return [
        k for k in CaseKind if (rule := revisit_rules.rule_for(tenant, k)) and rule.rate == "sample"
    ]


def population(tenant: Tenant, kind: CaseKind, start: dt.date, end: dt.date) -> list[Case]:
    """The period's completed service records of ``kind``, by id: what a draw picks from."""
    since = deadlines.from_local(dt.datetime.combine(start, dt.time()), tenant.timezone)
    until = deadlines.from_local(dt.datetime.combine(end, dt.time()), tenant.timezone)
    return list(
        db.session.scalars(
            sa.select(Case)
            .where(
                Case.kind == kind,
                Case.closure == Closure.COMPLETED,
                Case.result_at >= since,
                Case.result_at < until,
            )
            .order_by(Case.id)
        )
    )


def seed_for(tenant: Tenant, kind: CaseKind, start: dt.date) -> str:
    """The draw's seed: the same for the same tenant, kind and period, whoever draws it."""
    return hashlib.sha256(f"{tenant.id}:{kind.value}:{start.isoformat()}".encode()).hexdigest()


def pick(ids: list[int], size: int, seed: str) -> list[int]:
    """``size`` of ``ids`` drawn at random with ``seed``: the same answer every time."""
    return random.Random(seed).sample(sorted(ids), size)  # noqa: S311 - a sample, not a secret


def existing(kind: CaseKind, start: dt.date) -> SampleDraw | None:
    """The draw already made for ``kind`` and the period starting ``start``, if any."""
    return db.session.scalars(
        sa.select(SampleDraw).where(SampleDraw.kind == kind, SampleDraw.period_start == start)
    ).first()


def draw(
    tenant: Tenant, kind: CaseKind, start: dt.date, actor: User | None = None
) -> tuple[SampleDraw, list[Case]]:
    """Draw the period's sample of ``kind`` (once: a second call returns the first draw and
    no cases) and return it with the cases picked, for the caller to plan their revisits."""
    found = existing(kind, start)
    if found is not None:
        return found, []
    start, end = period_of(tenant, start)
    cases = population(tenant, kind, start, end)
    size, band = revisit_rules.sample_size(len(cases), tenant.config.revisiting.sampling)
    seed = seed_for(tenant, kind, start)
    by_id = {c.id: c for c in cases}
    picked = [by_id[i] for i in pick(list(by_id), size, seed)]
    record = SampleDraw(
        tenant_id=tenant.id,
        kind=kind,
        period_start=start,
        period_end=end,
        population=len(cases),
        size=size,
        seed=seed,
        band=band.model_dump(exclude_none=True) if band else {},
        picked=[[c.id, c.number] for c in picked],
        drawn_at=utcnow(),
        drawn_by_id=actor.id if actor else None,
    )
    db.session.add(record)
    db.session.flush()
    return record, picked
