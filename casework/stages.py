"""Starting and meeting the stage deadlines of a case."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

from tenants.db import db
from tenants.models import Tenant

from . import alerts, calendar, deadlines, policy
from .models import Case, Deadline
from .states import DeadlineState, Stage


def plan(
    tenant: Tenant,
    case: Case,
    stage: Stage,
    now: dt.datetime,
    cal: calendar.WorkCalendar | None = None,
) -> Deadline | None:
    """The stage's deadline under the tenant's policy, not yet added; None if it sets none.

    Pure computation (given the calendar), so intake can do it before it takes the case
    number's lock.
    """
    target = policy.target_for(tenant, stage, case)
    if target is None:
        return None
    due = deadlines.compute(now, target, tenant.timezone, cal or calendar.for_tenant(tenant))
    deadline = Deadline(
        tenant_id=tenant.id,
        stage=stage,
        started_at=now,
        due_at=due.at,
        done_at=None,  # set on every one, so intake's deadlines go in as one INSERT
        provisional=due.provisional,
        target=f"{target.value} {target.unit.value}",
    )
    alerts.arm(tenant, deadline)
    return deadline


def attach(tenant: Tenant, case: Case, deadline: Deadline) -> Deadline:
    """Add a planned deadline to a case that has its id."""
    deadline.case_id = case.id
    orm.object_session(case).add(deadline)
    track(tenant, case, deadline)
    return deadline


def start(tenant: Tenant, case: Case, stage: Stage, now: dt.datetime) -> Deadline | None:
    """Open the stage's deadline from the tenant's policy; None if the policy sets none."""
    deadline = plan(tenant, case, stage, now)
    return attach(tenant, case, deadline) if deadline is not None else None


def track(tenant: Tenant, case: Case, deadline: Deadline) -> None:
    """Show the deadline in the case's badge if it is the nearest one still running."""
    if case.paused_at is not None or deadline.done_at is not None:  # stopped or met
        return
    if case.next_due_at is None or deadline.due_at < case.next_due_at:
        case.next_due_at = deadline.due_at
        case.due_soon_at = alerts.due_soon_at(tenant, deadline)


def finish(case: Case, now: dt.datetime, *met: Stage) -> None:
    """Mark the deadlines of the ``met`` stages met (no-ops for stages never started or done),
    reading the case's open deadlines once."""
    open_ = db.session.scalars(
        sa.select(Deadline).where(Deadline.case_id == case.id, Deadline.done_at.is_(None))
    ).all()
    case.next_due_at = case.due_soon_at = None
    for deadline in open_:
        if deadline.stage in met:
            deadline.done_at = now
            deadline.next_alert_at = None
            continue
        track(case.tenant, case, deadline)


def open_deadline(case: Case, stage: Stage) -> Deadline | None:
    """The case's running deadline for ``stage``, if any."""
    return db.session.scalars(
        sa.select(Deadline).where(
            Deadline.case_id == case.id, Deadline.stage == stage, Deadline.done_at.is_(None)
        )
    ).first()


def extend(tenant: Tenant, case: Case, deadline: Deadline, more: deadlines.Target) -> None:
    """Move a deadline on by ``more`` time; it gets a fresh round of alerts."""
    due = deadlines.compute(deadline.due_at, more, tenant.timezone, calendar.for_tenant(tenant))
    deadline.due_at = due.at
    deadline.provisional = deadline.provisional or due.provisional
    deadline.round += 1
    alerts.arm(tenant, deadline)
    refresh(tenant, case)


def refresh(tenant: Tenant, case: Case) -> None:
    """Recompute the case's earliest open deadline after one moved."""
    case.next_due_at = case.due_soon_at = None
    for deadline in db.session.scalars(
        sa.select(Deadline).where(Deadline.case_id == case.id, Deadline.done_at.is_(None))
    ):
        track(tenant, case, deadline)


def of_case(case: Case) -> list[Deadline]:
    """The case's deadlines in the order the stages started."""
    return list(
        db.session.scalars(
            sa.select(Deadline).where(Deadline.case_id == case.id).order_by(Deadline.id)
        )
    )


def pause(case: Case, now: dt.datetime) -> None:
    """Stop the clocks: no alerts and no badge while the case waits for the complainant."""
    for deadline in _open(case):
        deadline.next_alert_at = None
    case.next_due_at = case.due_soon_at = None


def resume(tenant: Tenant, case: Case, paused_at: dt.datetime, now: dt.datetime) -> None:
    """Restart the clocks, every open deadline moved on by the time spent waiting."""
    waited = now - paused_at
    for deadline in _open(case):
        deadline.started_at += waited
        deadline.due_at += waited
        deadline.next_alert_at = alerts.alert_time(tenant, deadline, deadline.alert_level + 1)
        if deadline.stage == Stage.RESULT:
            case.reply_due_at = deadline.due_at
    refresh(tenant, case)


def _open(case: Case) -> list[Deadline]:
    return list(
        db.session.scalars(
            sa.select(Deadline).where(Deadline.case_id == case.id, Deadline.done_at.is_(None))
        )
    )


def state(
    due_at: dt.datetime | None,
    now: dt.datetime,
    *,
    done_at: dt.datetime | None = None,
    soon_at: dt.datetime | None = None,
) -> DeadlineState | None:
    """Where a time limit stands at ``now``: met on time or late, or running, due soon or
    overdue; None when there is none. The queue's badge and the case page's table both ask
    here."""
    if due_at is None:
        return None
    if done_at is not None:
        return DeadlineState.LATE if done_at > due_at else DeadlineState.ON_TIME
    if due_at < now:
        return DeadlineState.OVERDUE
    if soon_at is not None and soon_at <= now:
        return DeadlineState.SOON
    return DeadlineState.OK
