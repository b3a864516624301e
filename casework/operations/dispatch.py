"""Dispatch (派单): routing a case to the department and the person who will handle it, and
taking (认领) a case that reached a department without a named handler."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tenants.db import db, utcnow
from tenants.models import Department, User

from .. import history, stages
from ..errors import InvalidInput, InvalidTransition
from ..models import Case
from ..states import Action, EventKind, Stage, Status
from . import complainant
from .guards import Facts, check, precondition


def dispatch_case(
    case: Case, actor: User, department_id: int, handler_id: int | None, note: str = ""
) -> Case:
    """Route a case to a department and a named handler (派单, CITY-4, ESTATE-2)."""
    check(case, actor, Action.DISPATCH)
    department = db.session.get(Department, department_id)
    if department is None or department.tenant_id != case.tenant_id or not department.active:
        raise InvalidInput("department_id", _l("Choose a department from the list."))
    handler = None
    if handler_id is not None:
        handler = db.session.get(User, handler_id)
        if handler is None or handler.tenant_id != case.tenant_id or not handler.active:
            raise InvalidInput("handler_id", _l("Choose a handler from the list."))
        if handler.department_id != department.id:
            raise InvalidInput("handler_id", _l("The handler must belong to that department."))
    before = {"department": _name(case.department), "handler": _name(case.handler)}
    # Set the keys as well as the relationships: role checks read the keys before a flush.
    case.department, case.department_id = department, department.id
    case.handler, case.handler_id = handler, (handler.id if handler else None)
    case.status = Status.DISPATCHED
    if case.dispatched_at is None:
        now = utcnow()
        case.dispatched_at = now
        stages.finish(case, now, Stage.DISPATCH)
        stages.start(case.tenant, case, Stage.FIRST_CONTACT, now)
    dispatched = history.record(
        case,
        EventKind.DISPATCHED,
        actor,
        body=note.strip(),
        public=True,
        changes=history.diff(before, {"department": department.name, "handler": _name(handler)}),
    )
    complainant.tell(dispatched)  # which unit handles it now (HOSP-4)
    return case


@precondition(Action.TAKE)
def _nobody_named(facts: Facts, _actor: User) -> None:
    if facts.case.handler_id is not None:
        raise InvalidTransition(_l("This case has a handler already."))


def take_case(case: Case, actor: User) -> Case:
    """Take a case dispatched to one's department without a named handler (认领).

    Without this a case routed only to a department is a dead end: every handler action
    wants the named handler. The head can still name someone by dispatching within the
    department; taking is the handler's own one click, recorded like any change.
    """
    check(case, actor, Action.TAKE)
    case.handler, case.handler_id = actor, actor.id
    history.record(
        case,
        EventKind.TAKEN,
        actor,
        changes=history.diff({"handler": None}, {"handler": actor.name}),
    )
    return case


def _name(obj: Department | User | None) -> str | None:
    return obj.name if obj is not None else None
