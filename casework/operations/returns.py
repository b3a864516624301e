"""Returns (退单): a unit that received a case outside its remit sends it back to the
dispatchers, with the basis, within the time the policy allows after the dispatch.

The case goes back to waiting for dispatch: no unit, no handler, the dispatch clock running
again so the dispatchers are reminded, and the dispatchers told in the bell. Re-routing it is
the ordinary dispatch; the count of returns per unit is :func:`casework.reports.returns_by_unit`.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l

from tenants.db import utcnow
from tenants.models import User

from .. import alerts, calendar, deadlines, history, notifications, policy, stages
from ..errors import InvalidInput, InvalidTransition
from ..models import Case
from ..states import Action, EventKind, NotificationKind, Stage, Status
from .guards import Facts, check, precondition

BASIS_MAX = 500


def return_until(case: Case) -> dt.datetime | None:
    """The last moment the unit may return the case: its dispatch plus the policy's limit
    in the tenant's working time (holidays counted); None before any dispatch."""
    if case.dispatched_at is None:
        return None
    tenant = case.tenant
    limit = policy.return_limit(tenant, case)
    return deadlines.compute(
        case.dispatched_at, limit, tenant.timezone, calendar.for_tenant(tenant)
    ).at


@precondition(Action.RETURN_CASE)
def _within_limit(facts: Facts, _actor: User) -> None:
    until = return_until(facts.case)
    if until is None:
        raise InvalidTransition(_l("This case has not been dispatched."))
    if utcnow() > until:
        raise InvalidTransition(
            _l(
                "The time to return this case has passed: ask a supervisor to re-route it, "
                "or ask another unit to assist."
            )
        )


def return_case(case: Case, actor: User, basis: str) -> Case:
    """Send the case back to the dispatchers (退单) with why it is outside the unit's remit.

    The unit and handler are cleared and the dispatch stage starts again with its deadline;
    the first-contact clock of this unit stops (it starts afresh at the next dispatch). The
    basis is the staff's: the complainant sees no entry for it.
    """
    check(case, actor, Action.RETURN_CASE)
    basis = basis.strip()
    if not basis:
        raise InvalidInput("basis", _l("Say why this case is outside your unit's remit."))
    if len(basis) > BASIS_MAX:
        raise InvalidInput("basis", _l("Keep the basis under 500 characters."))
    now = utcnow()
    before = {
        "status": case.status,
        "department": case.department.name if case.department else None,
        "handler": case.handler.name if case.handler else None,
    }
    case.department, case.department_id = None, None
    case.handler, case.handler_id = None, None
    case.status = Status.ACCEPTED
    case.dispatched_at = None
    stages.finish(case, now, Stage.FIRST_CONTACT, Stage.DISPATCH, Stage.ON_SITE)
    stages.start(case.tenant, case, Stage.DISPATCH, now)
    history.record(
        case,
        EventKind.RETURNED,
        actor,
        body=basis,
        changes=history.diff(
            before, {"status": Status.ACCEPTED, "department": None, "handler": None}
        ),
    )
    notifications.tell(alerts.responsible(case, Stage.DISPATCH), case, NotificationKind.RETURNED)
    return case
