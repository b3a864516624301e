"""The transition table: for each action, the statuses it may start from, where it leaves
the case, and the roles that may take it. Nothing else changes a case's status; the guards
(:mod:`casework.operations.guards`) add who works the case and each action's precondition.
The table's order is the workflow's: the case page offers actions in it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tenants.models import Role

from .states import OPEN_STATUSES, Action, Status


@dataclass(frozen=True)
class Transition:
    """One action: the statuses it starts from, the status it leaves, who may take it."""

    sources: frozenset[Status]
    target: Status | None  # None keeps the status (or the operation decides)
    roles: frozenset[Role]


_WORKERS = frozenset({Role.HANDLER, Role.DEPT_HEAD, Role.SUPERVISOR, Role.ADMIN})
_DISPATCHERS = frozenset({Role.INTAKE, Role.DEPT_HEAD, Role.SUPERVISOR, Role.ADMIN})
_WORKING = frozenset({Status.DISPATCHED, Status.IN_PROGRESS})

TRANSITIONS: dict[Action, Transition] = {
    # 受理 (CO-2): a complaint that arrived by mail waits for staff to read it and accept it
    # (the receipt goes out then), or to decline it as no complaint at all (不予受理).
    Action.ACCEPT: Transition(frozenset({Status.RECEIVED}), Status.ACCEPTED, _DISPATCHERS),
    Action.DECLINE: Transition(frozenset({Status.RECEIVED}), Status.CLOSED, _DISPATCHERS),
    Action.DISPATCH: Transition(
        frozenset({Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS}),
        Status.DISPATCHED,
        _DISPATCHERS,
    ),
    # A case dispatched to a department without a named handler is taken by one of its own.
    Action.TAKE: Transition(_WORKING, None, frozenset({Role.HANDLER, Role.DEPT_HEAD})),
    # 到达现场 (CITY-8): the handler (or the unit's head) records reaching the scene of a case
    # whose category needs field work (the guards check it); first in the handler's work, so
    # the case page offers it first.
    Action.ARRIVE: Transition(
        _WORKING, Status.IN_PROGRESS, frozenset({Role.HANDLER, Role.DEPT_HEAD})
    ),
    Action.NOTE: Transition(_WORKING, Status.IN_PROGRESS, _WORKERS),
    Action.CONTACT: Transition(_WORKING, Status.IN_PROGRESS, _WORKERS),
    Action.RESULT: Transition(_WORKING, Status.RESOLVED, _WORKERS),
    Action.SEND_RESULT: Transition(frozenset({Status.RESOLVED}), Status.AWAITING_REVISIT, _WORKERS),
    Action.EXTEND: Transition(
        _WORKING | {Status.ACCEPTED}, None, frozenset({Role.HANDLER, Role.DEPT_HEAD})
    ),
    Action.URGE: Transition(
        _WORKING | {Status.ACCEPTED, Status.RESOLVED},
        None,
        frozenset({Role.SUPERVISOR, Role.DEPT_HEAD, Role.ADMIN}),
    ),
    Action.SUPERVISE: Transition(
        _WORKING | {Status.ACCEPTED, Status.RESOLVED},
        None,
        frozenset({Role.SUPERVISOR, Role.ADMIN}),
    ),
    Action.DECIDE_EXTENSION: Transition(
        _WORKING | {Status.ACCEPTED},
        None,
        frozenset({Role.DEPT_HEAD, Role.SUPERVISOR, Role.ADMIN}),
    ),
    Action.PAUSE: Transition(_WORKING, None, frozenset({Role.HANDLER, Role.DEPT_HEAD})),
    Action.RESUME: Transition(
        _WORKING, None, frozenset({Role.HANDLER, Role.DEPT_HEAD, Role.SUPERVISOR, Role.ADMIN})
    ),
    Action.MARK_REPEAT: Transition(OPEN_STATUSES, None, _WORKERS | {Role.INTAKE}),
    Action.SPECIAL_MEASURES: Transition(OPEN_STATUSES, None, _WORKERS),
    Action.ORDER_RECTIFICATION: Transition(
        _WORKING | {Status.RESOLVED, Status.AWAITING_REVISIT},
        None,
        frozenset({Role.DEPT_HEAD, Role.SUPERVISOR, Role.ADMIN}),
    ),
    # Rectification is supervised until done (CO-6), even after the case itself is archived.
    Action.RECTIFIED: Transition(frozenset(Status), None, _WORKERS),
    # A complainant not satisfied with the result sent is given an explanation (MALL-6).
    Action.NOT_SATISFIED: Transition(
        frozenset({Status.AWAITING_REVISIT}), None, _WORKERS | {Role.INTAKE}
    ),
    # Any case, open or archived, may become teaching material (HOSP-12).
    Action.MARK_TEACHING: Transition(
        frozenset(Status),
        None,
        frozenset({Role.DEPT_HEAD, Role.SUPERVISOR, Role.ADMIN}),
    ),
    # The handling plan (MALL-5): drafted and submitted by who works the case, decided by the
    # approver the policy names (guards check which one); refer up (PROP-2) by the handler or
    # the head.
    Action.DRAFT_PLAN: Transition(_WORKING, None, frozenset({Role.HANDLER, Role.DEPT_HEAD})),
    Action.SUBMIT_PLAN: Transition(_WORKING, None, frozenset({Role.HANDLER, Role.DEPT_HEAD})),
    Action.DECIDE_PLAN: Transition(
        _WORKING, None, frozenset({Role.DEPT_HEAD, Role.SUPERVISOR, Role.ADMIN})
    ),
    Action.REFER_UP: Transition(_WORKING, None, frozenset({Role.HANDLER, Role.DEPT_HEAD})),
    # A revisit that reaches the complainant closes the case; one that does not keeps it waiting.
    # A case answered at once (closed at intake) is revisited too while its revisit is due.
    Action.REVISIT: Transition(
        frozenset({Status.AWAITING_REVISIT, Status.CLOSED}),
        None,
        frozenset({Role.INTAKE, Role.DEPT_HEAD, Role.SUPERVISOR, Role.ADMIN, Role.HANDLER}),
    ),
    # A supervisor keeps a sensitive case (a medical dispute) to the managers the policy names
    # (PROP-3), and may lift that again; both are events.
    Action.RESTRICT: Transition(OPEN_STATUSES, None, frozenset({Role.SUPERVISOR, Role.ADMIN})),
    Action.LIFT_RESTRICTION: Transition(
        OPEN_STATUSES, None, frozenset({Role.SUPERVISOR, Role.ADMIN})
    ),
    # 协办 (CO-3, ESTATE-2): the lead unit (handler or head) or a supervisor asks; the assisting
    # unit's handler or head answers its part (the guards name which unit).
    Action.ASK_ASSIST: Transition(_WORKING, None, _WORKERS),
    Action.ANSWER_ASSIST: Transition(_WORKING, None, frozenset({Role.HANDLER, Role.DEPT_HEAD})),
    # The investigation group (调查组, HOSP-5): named by the lead unit or a supervisor; its
    # members, and the lead unit, add evidence while the case is worked.
    Action.ADD_MEMBER: Transition(_WORKING, None, _WORKERS),
    Action.REMOVE_MEMBER: Transition(_WORKING, None, _WORKERS),
    Action.ADD_EVIDENCE: Transition(_WORKING, None, _WORKERS),
    # 退单: the unit a case was sent to (its handler, or its head) sends it back to the
    # dispatchers when it is outside its remit, within the policy's limit (the guards).
    Action.RETURN_CASE: Transition(
        _WORKING, Status.ACCEPTED, frozenset({Role.HANDLER, Role.DEPT_HEAD})
    ),
    # Another call about a case (重复来电, CITY-6) is recorded on it by whoever takes the call,
    # the intake clerk first; a closed case takes one only within the tenant's repeat window
    # and only to reopen it (the guards). The verb decides whether the case reopens.
    Action.REPEAT_CONTACT: Transition(frozenset(Status), None, _WORKERS | {Role.INTAKE}),
    # Two cases about one problem become one (合并): the dispatchers and managers decide;
    # a head only within their department (the guards).
    Action.MERGE: Transition(OPEN_STATUSES, Status.CLOSED, _DISPATCHERS),
    # Out of scope (CITY-5), before the result: intake or the dispatchers refer the person to
    # the body to turn to, or return a forwarded case to the higher office; both close it.
    # A mail waiting for acceptance may be referred out at once: a complaint, but not ours.
    Action.REFER_OUT: Transition(
        _WORKING | {Status.RECEIVED, Status.ACCEPTED}, Status.CLOSED, _DISPATCHERS
    ),
    Action.RETURN_UPSTREAM: Transition(_WORKING | {Status.ACCEPTED}, Status.CLOSED, _DISPATCHERS),
}


def allowed_actions(status: Status, role: Role) -> list[Action]:
    """The actions a role may take on a case in this status, in workflow order."""
    return [a for a, t in TRANSITIONS.items() if status in t.sources and role in t.roles]
