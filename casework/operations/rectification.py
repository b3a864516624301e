"""Rectification (整改, CO-6): ordering the unit at fault to put things right, supervised
until it reports done, even after the case itself is archived."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tenants.db import db, utcnow
from tenants.models import Department, User

from .. import alerts, history, notifications, stages
from ..errors import InvalidInput, InvalidTransition
from ..models import Case, Rectification
from ..states import Action, EventKind, NotificationKind, Stage
from .guards import Facts, check, precondition


@precondition(Action.ORDER_RECTIFICATION)
def _none_open(facts: Facts, _actor: User) -> None:
    if facts.open_rectification is not None:
        raise InvalidTransition(_l("A rectification order on this case is still open."))


def order_rectification(
    case: Case, actor: User, department_id: int, instructions: str
) -> Rectification:
    """Order the department at fault to rectify (整改, CO-6), with the policy's time limit."""
    check(case, actor, Action.ORDER_RECTIFICATION)
    department = db.session.get(Department, department_id)
    if department is None or department.tenant_id != case.tenant_id or not department.active:
        raise InvalidInput("department_id", _l("Choose a department from the list."))
    if not instructions.strip():
        raise InvalidInput("instructions", _l("Say what must be put right."))
    rectification = Rectification(
        case_id=case.id,
        department_id=department.id,
        instructions=instructions.strip(),
        ordered_by_id=actor.id,
        ordered_at=utcnow(),
    )
    db.session.add(rectification)
    db.session.flush()  # alerts.responsible finds the unit through the open order
    deadline = stages.start(case.tenant, case, Stage.RECTIFICATION, rectification.ordered_at)
    if deadline is not None:
        db.session.flush()  # the deadline's id, which the order keeps
    rectification.deadline_id = deadline.id if deadline else None
    history.record(
        case,
        EventKind.RECTIFICATION_ORDERED,
        actor,
        body=instructions.strip(),
        changes={
            "department": [None, department.name],
            "due": [None, deadline.due_at.isoformat(" ", "minutes") if deadline else None],
        },
    )
    heads = alerts.heads_of_departments({department.id})
    notifications.tell(heads, case, NotificationKind.RECTIFICATION)
    return rectification


@precondition(Action.RECTIFIED)
def _order_open(facts: Facts, _actor: User) -> None:
    # Who may report it (the unit ordered to rectify) is the guards' actor rule.
    if facts.open_rectification is None:
        raise InvalidTransition(_l("There is no open rectification order on this case."))


def complete_rectification(case: Case, actor: User, report: str) -> Rectification:
    """The unit at fault reports the rectification done (整改完成); its deadline is met."""
    rectification = check(case, actor, Action.RECTIFIED).open_rectification
    if not report.strip():
        raise InvalidInput("report", _l("Say what was put right."))
    rectification.done_at, rectification.done_by_id = utcnow(), actor.id
    rectification.report = report.strip()
    stages.finish(case, rectification.done_at, Stage.RECTIFICATION)
    history.record(case, EventKind.RECTIFIED, actor, body=report.strip())
    return rectification
