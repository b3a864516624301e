"""Who may take which action on a case now: the one check every verb and every page uses.

An action is open when the case's status allows it and the actor's role may take it (the
transition table in :mod:`casework.states`), when the actor works that case (handlers their
own, department heads their department's), and when the action's own precondition holds
(no second extension request while one waits, no special measures unless they are due…).
Each area module registers its actions' preconditions here with :func:`precondition`, next
to the verbs that enforce them, so :func:`available_actions` offers exactly what the verbs
would accept.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from flask_babel import lazy_gettext as _l

from tenants.models import Role, User

from .. import labels, queries, stages
from ..errors import DomainError, Forbidden, InvalidTransition
from ..models import Assist, Case, CaseMember, Deadline, Extension, Plan, Rectification
from ..states import Action, Stage
from ..transitions import TRANSITIONS


class Facts:
    """What the guards read about one case, each looked up at most once."""

    def __init__(self, case: Case) -> None:
        self.case = case

    @cached_property
    def deadlines(self) -> list[Deadline]:
        """Every deadline of the case, in the order the stages started."""
        return stages.of_case(self.case)

    def open_deadline(self, stage: Stage) -> Deadline | None:
        """The running deadline of ``stage``, if any."""
        return next((d for d in self.deadlines if d.stage == stage and d.done_at is None), None)

    @cached_property
    def pending_extension(self) -> Extension | None:
        """The extension request waiting for a decision, if any."""
        return queries.pending_extension(self.case)

    @cached_property
    def open_rectification(self) -> Rectification | None:
        """The rectification order not yet reported done, if any."""
        return queries.open_rectification(self.case)

    @cached_property
    def plan(self) -> Plan | None:
        """The newest version of the case's handling plan, if any."""
        return queries.latest_plan(self.case)

    @cached_property
    def assists(self) -> list[Assist]:
        """Every unit asked to assist (协办), oldest first."""
        return queries.assists(self.case)

    @property
    def open_assists(self) -> list[Assist]:
        """The assists neither answered nor withdrawn."""
        return [a for a in self.assists if a.is_open]

    def open_assist_of(self, department_id: int | None) -> Assist | None:
        """The open assist asked of this department, if any."""
        if department_id is None:
            return None
        return next((a for a in self.open_assists if a.department_id == department_id), None)

    @cached_property
    def members(self) -> list[CaseMember]:
        """The investigation group (调查组), its lead first."""
        return queries.members(self.case)

    def in_group(self, user: User) -> bool:
        """Whether ``user`` is a member of the case's investigation group."""
        return any(m.user_id == user.id for m in self.members)


Precondition = Callable[[Facts, User], None]
_PRECONDITIONS: dict[Action, Precondition] = {}


def precondition(action: Action) -> Callable[[Precondition], Precondition]:
    """Register the check an action needs beyond status, role and ownership.

    The function raises a :class:`~casework.errors.DomainError` when the action is not open.
    """

    def register(fn: Precondition) -> Precondition:
        if action in _PRECONDITIONS:
            raise RuntimeError(f"a precondition for {action} is registered already")
        _PRECONDITIONS[action] = fn
        return fn

    return register


def check(case: Case, actor: User, action: Action, facts: Facts | None = None) -> Facts:
    """Raise unless ``actor`` may take ``action`` on ``case`` now; the facts read on the way."""
    transition = TRANSITIONS[action]
    if case.status not in transition.sources:
        raise InvalidTransition(
            _l(
                "A case that is %(status)s cannot take this action.",
                status=labels.label(case.status),
            )
        )
    # A person of several roles may do what any one of them may.
    roles = [r for r in actor.role_list if r in transition.roles]
    if not roles:
        raise Forbidden()
    facts = facts if facts is not None else Facts(case)
    refused: Forbidden | None = None
    for role in roles:
        try:
            _check_actor(facts, actor, role, action)
        except Forbidden as exc:
            refused = exc
            continue
        refused = None
        break
    if refused is not None:
        raise refused
    rule = _PRECONDITIONS.get(action)
    if rule is not None:
        rule(facts, actor)
    return facts


def available_actions(case: Case, actor: User, facts: Facts | None = None) -> list[Action]:
    """The actions ``actor`` may take on ``case`` now, in workflow order."""
    facts = facts if facts is not None else Facts(case)
    open_ = []
    for action in TRANSITIONS:
        try:
            check(case, actor, action, facts)
        except DomainError:
            continue
        open_.append(action)
    return open_


def _check_actor(facts: Facts, actor: User, role: Role, action: Action) -> None:
    """Handlers act on the cases named to them, department heads on their department's.

    One rule for every verb, the revisit and dispatch included: a handler of another unit, or
    of the same unit but not named, is refused whatever the action. What the rules add: a
    handler of the case's department may take it while nobody is named (认领); a head may
    dispatch a case not yet routed, or route their own department's; and the unit ordered to
    rectify reports the rectification done, whoever handles the case (CO-6). Intake clerks,
    supervisors and admins act across the organisation, as far as their role reaches.
    ``role`` is the one of the actor's roles being tried.

    Investigation (CO-3, HOSP-5): only a unit asked to assist answers its part (协办回复),
    whatever its role; a member of the investigation group adds evidence, whatever unit
    they belong to. Neither takes the lead unit's other actions.
    """
    if action is Action.ANSWER_ASSIST:
        if facts.open_assist_of(actor.department_id) is None:
            raise Forbidden(_l("Only a unit asked to assist may answer its part."))
        return
    if action is Action.ADD_EVIDENCE and facts.in_group(actor):
        return
    if role not in (Role.HANDLER, Role.DEPT_HEAD):
        return
    case = facts.case
    if action is Action.RECTIFIED:
        order = facts.open_rectification
        unit = order.department_id if order is not None else case.department_id
        if not _member(actor, unit):
            raise Forbidden(_l("Only the unit ordered to rectify may report it done."))
        return
    if action is Action.TAKE or role is Role.DEPT_HEAD:
        if action is Action.DISPATCH and case.dispatched_at is None:
            return  # not dispatched yet, whatever unit intake proposed: any dispatcher may
        if not _member(actor, case.department_id):
            raise Forbidden(_l("This case belongs to another department."))
        return
    if case.handler_id != actor.id:
        raise Forbidden(_l("Only the assigned handler may work this case."))


def _member(actor: User, department_id: int | None) -> bool:
    return department_id is not None and actor.department_id == department_id
