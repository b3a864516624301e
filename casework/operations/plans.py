"""Handling plans (处理方案) and their approval (MALL-5, PROP-2, CO-5), and referring a case up
(上报, PROP-2).

Whoever works the case drafts the plan: what will be done and the remedy proposed. The
tenant's policy (``plan_approval`` in its settings) says when a plan needs approval (per
category, or above an amount) and whose: the case department's head, or above the head's
authority the manager role it names. The approver approves it or returns it with a comment;
the drafter revises (a new version) and submits again. The decision has a deadline like any
stage (:attr:`Stage.PLAN_APPROVAL`), whose reminders go to the approver. The result then
takes its remedy, and the approver's name, from the approved plan.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from tenants.db import db, utcnow
from tenants.models import Role, User

from .. import alerts, history, labels, notifications, routing, stages
from ..errors import Forbidden, InvalidInput, InvalidTransition
from ..models import Case, Plan
from ..states import Action, EventKind, NotificationKind, PlanState, RemedyType, Stage
from . import handling
from .guards import Facts, check, precondition

MEASURES_LENGTH = 5000
NOTE_LENGTH = 2000


def needs_approval(case: Case, amount: Decimal | None) -> bool:
    """Whether a plan for ``case`` proposing ``amount`` needs approval under the policy."""
    rule = case.tenant.config.plan_approval
    code = getattr(routing.category(case.tenant, case.category_id), "code", None)
    if "*" in rule.categories or (code is not None and code in rule.categories):
        return True
    return rule.above is not None and amount is not None and amount > rule.above


def approval_by(case: Case, amount: Decimal | None) -> str:
    """Whose approval a plan needs: the head's, or above their authority the manager role's."""
    rule = case.tenant.config.plan_approval
    if rule.head_limit is not None and amount is not None and amount > rule.head_limit:
        return rule.manager_role
    return "dept_head"


def approvers(case: Case, plan: Plan) -> list[User]:
    """Who may decide ``plan`` now (never its drafter)."""
    return alerts.plan_approvers(case, plan)


def approver_label(case: Case, plan: Plan) -> str:
    """Who must act on a submitted plan, for the case page: their names, or their role."""
    people = approvers(case, plan)
    if people:
        return "、".join(u.name for u in people)
    return labels.label(Role(plan.approval_by or "dept_head"))


@precondition(Action.DRAFT_PLAN)
def _may_draft(facts: Facts, _actor: User) -> None:
    if facts.plan is not None and facts.plan.state is PlanState.SUBMITTED:
        raise InvalidTransition(_l("The handling plan is waiting for approval."))


def draft_plan(
    case: Case,
    actor: User,
    measures: str,
    remedy_type: RemedyType | str | None = None,
    remedy_amount: Decimal | str | int | None = None,
    note: str = "",
) -> Plan:
    """Draft the handling plan, or revise it (a new version; the old one stays as it was)."""
    facts = check(case, actor, Action.DRAFT_PLAN)
    measures = measures.strip()
    if not measures:
        raise InvalidInput("measures", _l("Say what will be done."))
    if len(measures) > MEASURES_LENGTH:
        raise InvalidInput("measures", _l("The plan is too long."))
    note = note.strip()
    if len(note) > NOTE_LENGTH:
        raise InvalidInput("note", _l("The note is too long."))
    kind = handling.remedy_type(remedy_type)
    amount = handling.remedy_amount(kind, remedy_amount)
    previous = facts.plan
    if previous is not None and previous.state is PlanState.DRAFTED:
        previous.state = PlanState.SUPERSEDED
    handling.start_work(case, actor)
    plan = Plan(
        case_id=case.id,
        version=(previous.version if previous is not None else 0) + 1,
        state=PlanState.DRAFTED,
        measures=measures,
        remedy_type=kind,
        remedy_amount=amount,
        note=note,
        drafted_by_id=actor.id,
        drafted_at=utcnow(),
    )
    db.session.add(plan)
    history.record(
        case,
        EventKind.PLAN_DRAFTED,
        actor,
        body=measures,
        changes=history.diff(
            _fields(previous),
            {"plan": plan.version, "remedy_type": kind, "remedy_amount": amount},
        ),
    )
    return plan


@precondition(Action.SUBMIT_PLAN)
def _may_submit(facts: Facts, _actor: User) -> None:
    if facts.plan is None or facts.plan.state is not PlanState.DRAFTED:
        raise InvalidTransition(_l("There is no drafted plan to submit."))


def submit_plan(case: Case, actor: User) -> Plan:
    """Submit the drafted plan: to the approver the policy names, or adopted at once where
    the policy asks for no approval."""
    plan = check(case, actor, Action.SUBMIT_PLAN).plan
    now = plan.submitted_at = utcnow()
    if not needs_approval(case, plan.remedy_amount):
        plan.state = PlanState.APPROVED
        plan.decided_at = now
        history.record(
            case,
            EventKind.PLAN_APPROVED,
            actor,
            changes={"plan": plan.version, "plan_state": [PlanState.DRAFTED, PlanState.APPROVED]},
        )
        return plan
    plan.state = PlanState.SUBMITTED
    plan.approval_by = approval_by(case, plan.remedy_amount)
    stages.start(case.tenant, case, Stage.PLAN_APPROVAL, now)
    waiting = approvers(case, plan)
    history.record(
        case,
        EventKind.PLAN_SUBMITTED,
        actor,
        changes={
            "plan": plan.version,
            "plan_state": [PlanState.DRAFTED, PlanState.SUBMITTED],
            "approver": approver_label(case, plan),
        },
    )
    notifications.tell(waiting, case, NotificationKind.PLAN)
    return plan


@precondition(Action.DECIDE_PLAN)
def _may_decide(facts: Facts, actor: User) -> None:
    plan = facts.plan
    if plan is None or plan.state is not PlanState.SUBMITTED:
        raise InvalidTransition(_l("There is no handling plan waiting for a decision."))
    if plan.drafted_by_id == actor.id:
        raise Forbidden(_l("A plan is approved by someone other than its drafter."))
    if actor.id not in {u.id for u in approvers(facts.case, plan)}:
        raise Forbidden(_l("The policy names another approver for this plan."))


def decide_plan(case: Case, actor: User, approve: bool, comment: str = "") -> Plan:
    """Approve the submitted plan, or return it to its drafter with a comment (required)."""
    plan = check(case, actor, Action.DECIDE_PLAN).plan
    comment = comment.strip()
    if not approve and not comment:
        raise InvalidInput("comment", _l("Say what must change in the plan."))
    if len(comment) > NOTE_LENGTH:
        raise InvalidInput("comment", _l("The comment is too long."))
    plan.state = PlanState.APPROVED if approve else PlanState.RETURNED
    plan.decided_by_id = actor.id
    plan.decided_at = utcnow()
    plan.comment = comment
    stages.finish(case, plan.decided_at, Stage.PLAN_APPROVAL)
    history.record(
        case,
        EventKind.PLAN_APPROVED if approve else EventKind.PLAN_RETURNED,
        actor,
        body=comment,
        changes={"plan": plan.version, "plan_state": [PlanState.SUBMITTED, plan.state]},
    )
    drafter = db.session.get(User, plan.drafted_by_id) if plan.drafted_by_id else None
    if drafter is not None and drafter.active:
        notifications.tell([drafter], case, NotificationKind.PLAN)
    return plan


def plan_for_result(case: Case, amount: Decimal | None) -> Plan | None:
    """The approved plan the result takes its remedy from; raises where the policy wants an
    approved plan for this remedy and there is none."""
    plan = Facts(case).plan
    if plan is not None and plan.state is PlanState.APPROVED:
        return plan
    if case.tenant.config.plan_approval.result_needs_plan and needs_approval(case, amount):
        raise InvalidInput(
            "remedy_amount",
            _l("This remedy needs an approved handling plan: draft it and submit it first."),
        )
    return None


@precondition(Action.RESULT)
def _plan_approved(facts: Facts, _actor: User) -> None:
    plan = facts.plan
    if plan is not None and plan.state not in (PlanState.APPROVED, PlanState.SUPERSEDED):
        raise InvalidTransition(
            _l("The handling plan must be approved before the result is recorded.")
        )
    rule = facts.case.tenant.config.plan_approval
    if plan is None and rule.result_needs_plan and needs_approval(facts.case, None):
        raise InvalidTransition(
            _l("This case needs an approved handling plan before its result: draft the plan.")
        )


def refer_targets(case: Case, actor: User) -> list[User]:
    """Who a case is referred up to (上报): the department's head from a handler, the manager
    role the policy names from a head."""
    if Role.DEPT_HEAD in actor.role_list and actor.department_id == case.department_id:
        role = Role(case.tenant.config.plan_approval.manager_role)
        people = alerts.users_holding(role)
    else:
        people = alerts.heads_of(case)
    return [u for u in people if u.id != actor.id]


@precondition(Action.REFER_UP)
def _may_refer(facts: Facts, actor: User) -> None:
    if not refer_targets(facts.case, actor):
        raise InvalidTransition(_l("There is nobody above you to refer this case to."))


def refer_up(case: Case, actor: User, to_id: int | None, proposal: str) -> Case:
    """Refer the case upward with a proposal (上报, PROP-2): the person it goes to becomes its
    handler, so its reminders, its result and the decision are theirs, recorded in the
    case's result as any handler's."""
    check(case, actor, Action.REFER_UP)
    person = next((u for u in refer_targets(case, actor) if u.id == to_id), None)
    if person is None:
        raise InvalidInput("to_id", _l("Choose who the case goes to."))
    proposal = proposal.strip()
    if not proposal:
        raise InvalidInput("proposal", _l("Give your proposal for resolving it."))
    if len(proposal) > NOTE_LENGTH:
        raise InvalidInput("proposal", _l("The proposal is too long."))
    handling.start_work(case, actor)
    before = case.handler.name if case.handler is not None else None
    case.handler_id = person.id
    case.handler = person
    history.record(
        case,
        EventKind.REFERRED_UP,
        actor,
        body=proposal,
        changes={"handler": [before, person.name]},
    )
    notifications.tell([person], case, NotificationKind.REFERRAL)
    return case


def _fields(plan: Plan | None) -> dict[str, object]:
    if plan is None:
        return {"plan": None, "remedy_type": None, "remedy_amount": None}
    return {
        "plan": plan.version,
        "remedy_type": plan.remedy_type,
        "remedy_amount": plan.remedy_amount,
    }
