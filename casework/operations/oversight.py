"""Oversight of a case's handling: urging notices (催办) and supervision (督办).

Each is a recorded act with its own deadline, counted against the unit that handles the
case, and told to the handler and the unit's head.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tenants.db import db, utcnow
from tenants.models import User

from .. import alerts, history, notifications, outbox, stages
from ..errors import InvalidInput, InvalidTransition
from ..models import Case, Oversight
from ..states import Action, EventKind, NotificationKind, Stage
from .guards import Facts, check, precondition


def urge_case(case: Case, actor: User, note: str) -> Oversight:
    """Send an urging notice (催办) to the handler, copied to the unit's head."""
    check(case, actor, Action.URGE)
    return _oversee(case, actor, Stage.URGE_RESPONSE, NotificationKind.URGE, note)


@precondition(Action.SUPERVISE)
def _not_supervised(facts: Facts, _actor: User) -> None:
    if facts.case.under_supervision:
        raise InvalidTransition(_l("This case is already under supervision."))


def supervise_case(case: Case, actor: User, note: str) -> Oversight:
    """Put a case under supervision (督办): its result now has a supervisor's deadline."""
    check(case, actor, Action.SUPERVISE)
    oversight = _oversee(case, actor, Stage.SUPERVISION, NotificationKind.SUPERVISE, note)
    case.under_supervision = True
    return oversight


def _oversee(case: Case, actor: User, stage: Stage, kind: NotificationKind, note: str) -> Oversight:
    if not note.strip():
        raise InvalidInput("note", _l("Say what is expected."))
    deadline = stages.start(case.tenant, case, stage, utcnow())
    oversight = Oversight(
        case_id=case.id,
        kind=kind.value,
        department_id=case.department_id,
        deadline_id=deadline.id if deadline else None,
        note=note.strip(),
        by_id=actor.id,
    )
    db.session.add(oversight)
    db.session.flush()
    history.record(
        case,
        EventKind.URGED if kind is NotificationKind.URGE else EventKind.SUPERVISED,
        actor,
        body=note.strip(),
        changes={"due": [None, str(deadline.due_at) if deadline else None]},
    )
    people = alerts.responsible(case, Stage.RESULT) + alerts.heads_of(case)
    notifications.tell(people, case, kind, oversight_id=oversight.id)
    outbox.after_commit("notify.oversight", oversight_id=oversight.id)
    return oversight
