"""Reminders and escalation (催办提醒与升级) on stage deadlines.

Each open deadline carries the time the sweep should next look at it. Levels, as fractions
of the time allowed: 1 and 2 remind the person responsible (by default at 50% and 80%);
3, at the deadline, tells them it is overdue and escalates to their department head; 4, when
the time allowed has passed twice over, escalates to the supervisors (PROP-2). Each level is
recorded as an :class:`Alert` with a unique key, so it goes out at most once whatever races.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from tenants import audit
from tenants.db import db, tenant_bound, unscoped
from tenants.models import Role, Tenant, User

from . import notifications, outbox, restricted
from .errors import InvalidInput
from .models import Alert, Assist, Case, Deadline, Plan, Rectification
from .states import NotificationKind, PlanState, Stage

OVERDUE, SUPERVISORS = 3, 4
KINDS = {
    1: NotificationKind.REMINDER,
    2: NotificationKind.REMINDER,
    OVERDUE: NotificationKind.OVERDUE,
    SUPERVISORS: NotificationKind.ESCALATION,
}


def fractions(tenant: Tenant) -> tuple[float, float, float, float]:
    """When each level fires, as a fraction of the time allowed."""
    first, second = tenant.config.reminders
    return (first, second, 1.0, 2.0)


def set_reminders(
    tenant: Tenant, actor: User | None, first_percent: int, second_percent: int
) -> None:
    """Remind the responsible at these percentages of the time allowed (e.g. 50 and 80).

    Deadlines already running keep the alerts they were armed with until their next one.
    """
    if not 1 <= first_percent < second_percent <= 99:
        raise InvalidInput(
            "second", _l("Give two percentages between 1 and 99, the first below the second.")
        )
    before = list(fractions(tenant)[:2])
    tenant.update_config(reminders=(first_percent / 100, second_percent / 100))
    after = list(fractions(tenant)[:2])
    if after != before:  # saved as they were: nothing to record
        audit.record(actor, "policy.reminders", "reminders", {"before": before, "after": after})


def alert_time(tenant: Tenant, deadline: Deadline, level: int) -> dt.datetime | None:
    """When ``level`` fires for this deadline; None past the last level."""
    if level > SUPERVISORS:
        return None
    allowed = deadline.due_at - deadline.started_at
    return deadline.started_at + allowed * fractions(tenant)[level - 1]


def due_soon_at(tenant: Tenant, deadline: Deadline) -> dt.datetime:
    """From when the queue shows the deadline as due soon (the second reminder)."""
    return alert_time(tenant, deadline, 2)


def arm(tenant: Tenant, deadline: Deadline) -> None:
    """Set the first alert of a newly opened deadline."""
    deadline.alert_level = 0
    deadline.next_alert_at = alert_time(tenant, deadline, 1)


def sweep(now: dt.datetime, limit: int = 500) -> int:
    """Send every alert that has come due; returns how many were sent.

    The query reads only open deadlines whose next alert is due, through an index, so its cost
    follows the due work, not the number of cases.
    """
    with unscoped():
        due = db.session.execute(
            sa.select(Deadline.id, Deadline.tenant_id)
            .where(Deadline.next_alert_at <= now)
            .order_by(Deadline.next_alert_at)
            .limit(limit)
        ).all()
    db.session.rollback()
    sent = 0
    for deadline_id, tenant_id in due:
        with tenant_bound(tenant_id):
            sent += _fire(deadline_id, now)
    return sent


def _fire(deadline_id: int, now: dt.datetime) -> int:
    deadline = db.session.get(Deadline, deadline_id)
    if deadline is None or deadline.done_at is not None:
        db.session.rollback()
        return 0
    case = db.session.get(Case, deadline.case_id)
    tenant = case.tenant
    # After an outage, reminders that were overtaken are skipped (a 50% reminder on a case
    # already overdue is noise), but the overdue notice and the escalation always go out.
    due_levels = []
    level = deadline.alert_level
    while (at := alert_time(tenant, deadline, level + 1)) is not None and at <= now:
        level += 1
        due_levels.append(level)
    deadline.alert_level = level
    deadline.next_alert_at = alert_time(tenant, deadline, level + 1)
    send = [lv for lv in due_levels if lv >= OVERDUE] or due_levels[-1:]
    sent = 0
    for lv in send:
        try:
            with db.session.begin_nested():
                alert = Alert(
                    deadline_id=deadline.id,
                    case_id=case.id,
                    round=deadline.round,
                    level=lv,
                    kind=KINDS[lv],
                )
                db.session.add(alert)
        except IntegrityError:  # another sweep sent this level already
            continue
        notifications.tell(
            recipients(case, deadline.stage, lv, deadline_id=deadline.id),
            case,
            alert.kind,
            alert_id=alert.id,
        )
        outbox.after_commit("notify.alert", alert_id=alert.id)
        sent += 1
    db.session.commit()
    return sent


def responsible(case: Case, stage: Stage, deadline_id: int | None = None) -> list[User]:
    """Who must act: the dispatchers before dispatch, then the handler, or the unit's head
    while no active handler is named. An assist's deadline (``deadline_id``) is the
    assisting unit's: its head answers for it (协办). Of a restricted case (PROP-3), only
    those who may see it; when none of them may, the managers the policy names."""
    people = _responsible(case, stage, deadline_id)
    if case.restricted:
        people = [u for u in people if restricted.may_see(u, case)] or restricted.viewers(case)
    return people


def _responsible(case: Case, stage: Stage, deadline_id: int | None) -> list[User]:
    if stage is Stage.ASSIST and deadline_id is not None:
        unit = db.session.scalar(
            sa.select(Assist.department_id).where(Assist.deadline_id == deadline_id).limit(1)
        )
        if unit is not None:
            return _heads({unit}) or _supervisors()
    if stage in (Stage.DISPATCH, Stage.ACCEPTANCE):  # the desk accepts and dispatches
        return _users(sa.select(User).where(User.holding(Role.INTAKE)))
    if stage is Stage.RECTIFICATION:  # the unit ordered to rectify, whoever handles the case
        unit = db.session.scalar(
            sa.select(Rectification.department_id)
            .where(Rectification.case_id == case.id, Rectification.done_at.is_(None))
            .limit(1)
        )
        if unit is not None:
            return _heads({unit}) or _supervisors()
    if stage is Stage.PLAN_APPROVAL:  # the approver the policy named when it was submitted
        plan = db.session.scalars(
            sa.select(Plan).where(Plan.case_id == case.id, Plan.state == PlanState.SUBMITTED)
        ).first()
        if plan is not None:
            return plan_approvers(case, plan)
    if case.handler_id is not None:
        handler = _users(sa.select(User).where(User.id == case.handler_id))
        if handler:
            return handler
    # Nobody named yet, or the one named has left: the department's head answers for the case
    # until someone takes it; before it has a department, the dispatchers do.
    return _heads({case.department_id}) or _users(sa.select(User).where(User.holding(Role.INTAKE)))


def recipients(case: Case, stage: Stage, level: int, deadline_id: int | None = None) -> list[User]:
    """Who hears of this level: the responsible, then their heads, then the supervisors."""
    people = responsible(case, stage, deadline_id)
    if level == OVERDUE:
        # Before dispatch the dispatchers answer for the case, whichever unit intake routed
        # it to: their heads hear of it.
        unit = case.department_id if stage is not Stage.DISPATCH else None
        units = {unit} if unit else {u.department_id for u in people}
        people += _heads(units) or _supervisors()
        if stage is Stage.ON_SITE:  # the dispatchers follow up that the handler got there (CITY-4)
            people += _users(sa.select(User).where(User.holding(Role.INTAKE)))
    elif level == SUPERVISORS:
        people = _supervisors()
    unique = {u.id: u for u in people if u.active}
    if case.restricted:
        # Only the managers the policy names may hear of it (PROP-3); when none of those
        # responsible may, the named managers answer for the case instead.
        unique = {i: u for i, u in unique.items() if restricted.may_see(u, case)}
        if not unique:
            unique = {u.id: u for u in restricted.viewers(case)}
    return list(unique.values())


def _users(stmt) -> list[User]:
    return list(db.session.scalars(stmt.where(User.active.is_(True)).order_by(User.id)))


def _heads(department_ids: set[int | None]) -> list[User]:
    ids = {d for d in department_ids if d is not None}
    if not ids:
        return []
    return _users(sa.select(User).where(User.holding(Role.DEPT_HEAD), User.department_id.in_(ids)))


def heads_of(case: Case) -> list[User]:
    """The head(s) of the case's department."""
    return _heads({case.department_id})


def heads_of_departments(department_ids: set[int | None]) -> list[User]:
    """The heads of these departments."""
    return _heads(department_ids)


def supervisors() -> list[User]:
    """The tenant's supervisors."""
    return _supervisors()


def _supervisors() -> list[User]:
    return _users(sa.select(User).where(User.holding(Role.SUPERVISOR)))


def plan_approvers(case: Case, plan: Plan) -> list[User]:
    """Who decides a submitted handling plan: the case department's head, or the manager role
    the policy named above the head's authority; never the plan's own drafter. A head who
    drafted it, with no other head beside them, sends it to the manager role."""
    role = plan.approval_by or "dept_head"
    if role == "dept_head":
        heads = [u for u in _heads({case.department_id}) if u.id != plan.drafted_by_id]
        if heads:
            return heads
        role = case.tenant.config.plan_approval.manager_role
    people = users_holding(Role(role))
    return [u for u in people if u.id != plan.drafted_by_id]


def users_holding(role: Role) -> list[User]:
    """The tenant's active staff holding ``role``."""
    return _users(sa.select(User).where(User.holding(role)))
