"""Revisit figures (回访统计, PROP-10, CS-3): the rate against the target, what is overdue, and
how satisfied people were, per department and per handler, over a period.

Every figure is one aggregate query (GROUP BY in the database, never rows loaded to count):
the rate over ``ix_revisits_due``'s due dates, the satisfaction over ``ix_revisits_done``'s
range, the sampled kinds' orders over ``ix_cases_kind_done``. The viewer's sight (CO-8)
narrows them like every list, so a department head's figures are their department's.

The rate: of the revisits due in the period, how many reached the person (done). Its target
is the kind's rule (:mod:`casework.revisit_rules`): 100% for a kind revisited every time
(complaints, PROP-10); for a sampled kind (work orders) the sampling plan applied to the
orders completed in the period, so the rate there is the share of those orders revisited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from tenants.db import db, utcnow
from tenants.models import Department, Tenant, User

from . import access, revisit_rules
from .models import Case, Revisit
from .states import CaseKind, RevisitStatus


@dataclass(frozen=True)
class KindRate:
    """One kind of case's revisits due in the period, against its target."""

    kind: CaseKind
    rate_rule: str  # "all", "sample" or "none"
    due: int  # revisits due in the period, cancelled ones left out
    done: int  # reached: the person answered
    unreachable: int
    still_open: int
    overdue: int  # open now and past their due time, whenever due
    population: int | None  # a sampled kind: its orders completed in the period
    target_count: int | None  # a sampled kind: how many the sampling plan revisits

    @property
    def rate(self) -> float | None:
        """The share reached: of the revisits due, or of the orders for a sampled kind."""
        base = self.population if self.rate_rule == "sample" else self.due
        return self.done / base if base else None

    @property
    def target(self) -> float | None:
        """The share the rule asks for: 1.0 for every one, the plan's share when sampled."""
        if self.rate_rule == "all":
            return 1.0
        if self.rate_rule == "sample" and self.population:
            return (self.target_count or 0) / self.population
        return None

    @property
    def met(self) -> bool | None:
        """Whether the rate reaches the target (None when there is nothing to measure)."""
        if self.rate is None or self.target is None:
            return None
        return self.rate + 1e-9 >= self.target


@dataclass(frozen=True)
class Satisfaction:
    """What the people reached said about the cases of one department or handler."""

    key: int | None  # the department's or handler's id; None for none
    name: str
    answered: int  # revisits that reached the person in the period
    mean: float | None  # the mean overall score of those that gave one
    satisfied: int  # reaching the tenant's floor, not said unsolved
    unsolved: int  # "the problem is not solved"

    @property
    def satisfied_share(self) -> float | None:
        """The share satisfied, of those answered."""
        return self.satisfied / self.answered if self.answered else None

    @property
    def unsolved_share(self) -> float | None:
        """The share that said the problem is not solved, of those answered."""
        return self.unsolved / self.answered if self.answered else None


def _count(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def rates(
    tenant: Tenant,
    viewer: User,
    start: dt.datetime,
    until: dt.datetime,
    now: dt.datetime | None = None,
) -> list[KindRate]:
    """Per kind of case, the revisits due in [``start``, ``until``) and how they ended, the
    overdue ones now, and for a sampled kind its orders and the plan's sample size."""
    now = now or utcnow()
    in_period = sa.and_(Revisit.due_at >= start, Revisit.due_at < until)
    overdue = sa.and_(Revisit.status == RevisitStatus.PLANNED, Revisit.due_at < now)
    stmt = (
        sa.select(
            Case.kind,
            _count(in_period),
            _count(sa.and_(in_period, Revisit.status == RevisitStatus.DONE)),
            _count(sa.and_(in_period, Revisit.status == RevisitStatus.UNREACHABLE)),
            _count(sa.and_(in_period, Revisit.status == RevisitStatus.PLANNED)),
            _count(overdue),
        )
        .join(Case, Case.id == Revisit.case_id)
        .where(
            sa.or_(
                sa.and_(in_period, Revisit.status != RevisitStatus.CANCELLED),
                sa.and_(Revisit.status == RevisitStatus.PLANNED, Revisit.due_at < now),
            ),
            access.sight(viewer),
        )
        .group_by(Case.kind)
    )
    found = {kind: counts for kind, *counts in db.session.execute(stmt)}
    orders = _orders(viewer, start, until)
    bands = tenant.config.revisiting.sampling
    out = []
    for kind in CaseKind:
        rule = revisit_rules.rule_for(tenant, kind)
        rate_rule = rule.rate if rule is not None else "all"
        due, done, unreachable, still_open, late = (int(n) for n in found.get(kind, (0,) * 5))
        population = target_count = None
        if rate_rule == "sample":
            population = orders.get(kind, 0)
            target_count = revisit_rules.sample_size(population, bands)[0]
        if not (due or late or population):
            continue
        out.append(
            KindRate(
                kind, rate_rule, due, done, unreachable, still_open, late, population, target_count
            )
        )
    return out


def _orders(viewer: User, start: dt.datetime, until: dt.datetime) -> dict[CaseKind, int]:
    """Service records completed in the period, per kind (a range of ix_cases_kind_done)."""
    stmt = (
        sa.select(Case.kind, sa.func.count(Case.id))
        .where(
            Case.kind != CaseKind.COMPLAINT,
            Case.result_at >= start,
            Case.result_at < until,
            access.sight(viewer),
        )
        .group_by(Case.kind)
    )
    return {kind: int(n) for kind, n in db.session.execute(stmt)}


def overdue_total(viewer: User, now: dt.datetime | None = None) -> int:
    """Open revisits past their due time: one range of ``ix_revisits_due``."""
    stmt = (
        sa.select(sa.func.count(Revisit.id))
        .join(Case, Case.id == Revisit.case_id)
        .where(
            Revisit.status == RevisitStatus.PLANNED,
            Revisit.due_at < (now or utcnow()),
            access.sight(viewer),
        )
    )
    return db.session.scalar(stmt) or 0


def _satisfaction(
    tenant: Tenant,
    viewer: User,
    start: dt.datetime,
    until: dt.datetime,
    group: sa.ColumnElement,
) -> list[tuple[int | None, int, float | None, int, int]]:
    floor = tenant.config.revisiting.satisfied_from
    # As casework.operations.revisits.satisfied: not said unsolved, and no score under the floor.
    content = sa.and_(
        sa.or_(Revisit.solved.is_(None), Revisit.solved.is_(True)),
        sa.or_(Revisit.satisfaction.is_(None), Revisit.satisfaction >= floor),
    )
    stmt = (
        sa.select(
            group,
            sa.func.count(Revisit.id),
            sa.func.avg(Revisit.satisfaction),
            _count(content),
            _count(Revisit.solved.is_(False)),
        )
        .join(Case, Case.id == Revisit.case_id)
        .where(
            Revisit.done_at >= start,
            Revisit.done_at < until,
            Revisit.status == RevisitStatus.DONE,
            access.sight(viewer),
        )
        .group_by(group)
    )
    return [
        (key, int(n), float(mean) if mean is not None else None, int(ok), int(bad))
        for key, n, mean, ok, bad in db.session.execute(stmt)
    ]


def by_department(
    tenant: Tenant, viewer: User, start: dt.datetime, until: dt.datetime
) -> list[Satisfaction]:
    """Satisfaction per department handling the case, the least satisfied first."""
    found = _satisfaction(tenant, viewer, start, until, Case.department_id)
    names = _names(Department, {key for key, *_ in found})
    return _ordered(found, names)


def by_handler(
    tenant: Tenant, viewer: User, start: dt.datetime, until: dt.datetime
) -> list[Satisfaction]:
    """Satisfaction per handler of the case, the least satisfied first."""
    found = _satisfaction(tenant, viewer, start, until, Case.handler_id)
    names = _names(User, {key for key, *_ in found})
    return _ordered(found, names)


def _names(model: type, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return dict(
        db.session.execute(sa.select(model.id, model.name).where(model.id.in_(wanted))).all()
    )


def _ordered(
    found: list[tuple[int | None, int, float | None, int, int]], names: dict[int, str]
) -> list[Satisfaction]:
    rows = [
        Satisfaction(key, names.get(key, "") if key is not None else "", n, mean, ok, bad)
        for key, n, mean, ok, bad in found
    ]
    return sorted(rows, key=lambda s: (s.satisfied_share or 0, -s.answered, s.name))
