"""Restricted cases (PROP-3): marking a case sensitive (列为敏感件) and lifting that again,
and reading the staff that intake names on a complaint (the member complained about, the
manager it was made to, PROP-4).

Who sees a restricted case is :mod:`casework.restricted`, applied inside
:func:`casework.access.sight`; these verbs only set it, each with an event in the history.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tenants.db import db
from tenants.models import Tenant, User

from .. import history, restricted
from ..errors import InvalidInput, InvalidTransition
from ..models import Case
from ..states import Action, EventKind
from .guards import Facts, check, precondition

REASON_MAX = 500


def staff_member(tenant: Tenant, user_id: int | None, field: str) -> User | None:
    """The tenant's active member of staff ``user_id`` (None for none), or InvalidInput on
    ``field``: an id of another tenant's staff is no different from an unknown one."""
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    if user is None or user.tenant_id != tenant.id or not user.active:
        raise InvalidInput(field, _l("Choose a member of staff from the list."))
    return user


def manager(tenant: Tenant, user_id: int | None, field: str) -> User | None:
    """As :func:`staff_member`, for the manager a complaint was made to (PROP-4): only a
    department head, supervisor or admin may be named."""
    user = staff_member(tenant, user_id, field)
    if user is not None and not user.has_role(*restricted.MANAGER_ROLES):
        raise InvalidInput(
            field, _l("Only a department head, supervisor or admin can be named as the manager.")
        )
    return user


def record_subject(case: Case, actor: User | None, subject: User) -> None:
    """At intake: the complaint is about ``subject``, so the case is restricted (PROP-3)."""
    case.restricted = True
    case.subject_user_id, case.subject_user = subject.id, subject
    history.record(
        case,
        EventKind.RESTRICTED,
        actor,
        changes={"restricted": [False, True], "subject": [None, subject.name]},
    )


@precondition(Action.RESTRICT)
def _may_restrict(facts: Facts, actor: User) -> None:
    if facts.case.restricted:
        raise InvalidTransition(_l("This case is restricted already."))
    if not restricted.is_viewer(actor):
        # Marking it would take the case out of the marker's own sight.
        raise InvalidTransition(
            _l("Only the managers who see restricted cases may mark a case sensitive.")
        )


def restrict_case(case: Case, actor: User, reason: str) -> Case:
    """Keep a sensitive case (a medical dispute) to the managers the policy names (PROP-3).

    A handler who would no longer see it is taken off the case (recorded): the case stays
    with its department for statistics, but only the named managers work it, or hand it to
    one of themselves.
    """
    check(case, actor, Action.RESTRICT)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", _l("Say why this case is sensitive."))
    if len(reason) > REASON_MAX:
        raise InvalidInput("reason", _l("Keep the reason under 500 characters."))
    case.restricted, case.restricted_reason = True, reason
    changes: dict = {"restricted": [False, True], "restricted_reason": [None, reason]}
    if case.handler is not None and not restricted.may_see(case.handler, case):
        changes["handler"] = [case.handler.name, None]
        case.handler, case.handler_id = None, None
    history.record(case, EventKind.RESTRICTED, actor, body=reason, changes=changes)
    return case


@precondition(Action.LIFT_RESTRICTION)
def _is_restricted(facts: Facts, _actor: User) -> None:
    if not facts.case.restricted:
        raise InvalidTransition(_l("This case is not restricted."))


def lift_restriction(case: Case, actor: User, reason: str) -> Case:
    """Let the case be seen again as any other (解除敏感件), with the reason in the history.

    The staff member it is about stays recorded; they see it again only if their unit does.
    """
    check(case, actor, Action.LIFT_RESTRICTION)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", _l("Say why the restriction is lifted."))
    if len(reason) > REASON_MAX:
        raise InvalidInput("reason", _l("Keep the reason under 500 characters."))
    before = case.restricted_reason or None
    case.restricted, case.restricted_reason = False, ""
    history.record(
        case,
        EventKind.RESTRICTION_LIFTED,
        actor,
        body=reason,
        changes={"restricted": [True, False], "restricted_reason": [before, None]},
    )
    return case
