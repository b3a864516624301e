"""Dispatch (派单): routing a case to the department and the person who will handle it, and
taking (认领) a case that reached a department without a named handler."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tenants.db import db, utcnow
from tenants.models import Department, User

from .. import history, restricted, stages
from ..errors import InvalidInput, InvalidTransition
from ..models import Case
from ..states import Action, EventKind, Stage, Status
from . import complainant, site
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
        _may_handle(case, handler, "handler_id")
    return _route(case, actor, department, handler, note)


def dispatch_to_manager(case: Case, actor: User, manager: User) -> Case:
    """Hand a complaint made to a manager directly (PROP-4) straight to that manager.

    Called at intake, which has checked that ``manager`` holds a manager's role: the case
    goes to the manager's own unit (or stays with the unit intake routed it to, for a manager
    of none), the manager is its handler, and the dispatch names who recorded it.
    """
    check(case, actor, Action.DISPATCH)
    _may_handle(case, manager, "direct_manager_id")
    unit = manager.department_id or case.department_id
    department = db.session.get(Department, unit) if unit is not None else None
    case.direct_manager_id, case.direct_manager = manager.id, manager
    return _route(case, actor, department, manager, "", {"direct_manager": manager.name})


def _may_handle(case: Case, handler: User, field: str) -> None:
    """A restricted case goes only to someone who may see it (PROP-3)."""
    if not restricted.may_see(handler, case):
        raise InvalidInput(
            field,
            _l(
                "This case is restricted: only the managers who see restricted cases "
                "may handle it, and never the member of staff it is about."
            ),
        )


def _route(
    case: Case,
    actor: User,
    department: Department | None,
    handler: User | None,
    note: str,
    extra: dict[str, str] | None = None,
) -> Case:
    """Set the case's unit and handler, start its handling clocks and record the dispatch."""
    before = {"department": _name(case.department), "handler": _name(case.handler)}
    # Set the keys as well as the relationships: role checks read the keys before a flush.
    case.department, case.department_id = department, (department.id if department else None)
    case.handler, case.handler_id = handler, (handler.id if handler else None)
    case.status = Status.DISPATCHED
    if case.dispatched_at is None:
        now = utcnow()
        case.dispatched_at = now
        stages.finish(case, now, Stage.DISPATCH)
        stages.start(case.tenant, case, Stage.FIRST_CONTACT, now)
    site.start_clock(case, utcnow())  # field work: the handler heads for the scene (CITY-8)
    dispatched = history.record(
        case,
        EventKind.DISPATCHED,
        actor,
        body=note.strip(),
        public=True,
        changes={
            **history.diff(before, {"department": _name(department), "handler": _name(handler)}),
            **{k: [None, v] for k, v in (extra or {}).items()},
        },
    )
    complainant.tell(dispatched)  # which unit handles it now (HOSP-4)
    return case


@precondition(Action.TAKE)
def _nobody_named(facts: Facts, actor: User) -> None:
    if facts.case.handler_id is not None:
        raise InvalidTransition(_l("This case has a handler already."))
    if not restricted.may_see(actor, facts.case):
        raise InvalidTransition(_l("This case is restricted to the managers the policy names."))


def take_case(case: Case, actor: User) -> Case:
    """Take a case dispatched to one's department without a named handler (认领).

    Without this a case routed only to a department is a dead end: every handler action
    wants the named handler. The head can still name someone by dispatching within the
    department; taking is the handler's own one click, recorded like any change.
    """
    check(case, actor, Action.TAKE)
    case.handler, case.handler_id = actor, actor.id
    site.start_clock(case, utcnow())  # field work: the handler heads for the scene (CITY-8)
    history.record(
        case,
        EventKind.TAKEN,
        actor,
        changes=history.diff({"handler": None}, {"handler": actor.name}),
    )
    return case


def _name(obj: Department | User | None) -> str | None:
    return obj.name if obj is not None else None


def dispatch_waiting(case: Case, actor: User, department_id: int, note: str = "") -> Case:
    """Dispatch, from the dispatch board, a case still waiting for it (CITY-4): to a unit,
    nobody named yet (its handlers take it, or its head names one).

    The board shows a case for a few seconds after someone else dispatched it; acting on that
    row must not re-route a case already on its way, so only a waiting case is accepted.
    """
    if case.status is not Status.ACCEPTED or case.dispatched_at is not None:
        raise InvalidTransition(_l("This case has been dispatched already."))
    return dispatch_case(case, actor, department_id, None, note)
