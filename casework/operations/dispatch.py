"""Dispatch (派单): routing a case to the department and the person who will handle it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tenants.db import db, utcnow
from tenants.models import Department, User

from .. import history, stages
from ..errors import InvalidInput
from ..models import Case
from ..states import Action, EventKind, Stage, Status
from .guards import check


def dispatch_case(
    case: Case, actor: User, department_id: int, handler_id: int | None, note: str = ""
) -> Case:
    """Route a case to a department and a named handler (派单, CITY-4, ESTATE-2)."""
    check(case, actor, Action.DISPATCH)
    department = db.session.get(Department, department_id)
    if department is None or department.tenant_id != case.tenant_id:
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
    history.record(
        case,
        EventKind.DISPATCHED,
        actor,
        body=note.strip(),
        public=True,
        changes=history.diff(before, {"department": department.name, "handler": _name(handler)}),
    )
    return case


def _name(obj: Department | User | None) -> str | None:
    return obj.name if obj is not None else None
