"""available_actions offers exactly what the verbs accept: one guard for both."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from casework.errors import DomainError, Forbidden
from casework.models import Case
from casework.operations import (
    confidentiality,
    dispatch,
    extensions,
    feedback,
    guards,
    handling,
    investigation,
    oversight,
    plans,
    rectification,
    referrals,
    repeats,
    returns,
    revisits,
    site,
    teaching,
)
from casework.states import Action, Status
from tenants import bootstrap
from tenants.db import db, tenant_bound
from tenants.models import Role
from tests.conftest import PASSWORD, TEST_HASH, open_case

# A harmless call of each verb, with input it would accept.
CALLS = {
    Action.DISPATCH: lambda c, u, o: dispatch.dispatch_case(
        c, u, o.users["ops_li"].department_id, o.users["ops_li"].id
    ),
    Action.NOTE: lambda c, u, o: handling.add_note(c, u, "核查中"),
    Action.CONTACT: lambda c, u, o: handling.record_contact(c, u, "phone", "已联系"),
    Action.RESULT: lambda c, u, o: handling.record_result(c, u, "已退款"),
    Action.EXTEND: lambda c, u, o: extensions.request_extension(c, u, 2, "等待厂家"),
    Action.DECIDE_EXTENSION: lambda c, u, o: extensions.decide_extension(c, u, True),
    Action.PAUSE: lambda c, u, o: extensions.pause_case(c, u, "等材料"),
    Action.RESUME: lambda c, u, o: extensions.resume_case(c, u),
    Action.ORDER_RECTIFICATION: lambda c, u, o: rectification.order_rectification(
        c, u, o.users["ops_li"].department_id, "整改"
    ),
    Action.RECTIFIED: lambda c, u, o: rectification.complete_rectification(c, u, "已整改"),
    Action.REFER_OUT: lambda c, u, o: referrals.refer_out(c, u, "不属本单位职责", "区住建局"),
}


def _accepts(org, case_id: int, who: str, action: Action) -> bool:
    """Whether the verb itself takes the action, tried and rolled back."""
    case = db.session.get(Case, case_id)
    try:
        CALLS[action](case, org.users[who], org)
    except DomainError:
        return False
    finally:
        db.session.rollback()
    return True


@pytest.mark.parametrize("step", ["accepted", "dispatched", "extension asked", "paused"])
def test_offered_actions_are_the_accepted_ones(world, step):
    org = world.a
    u = org.users
    case_id = open_case(org).id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        if step != "accepted":
            dispatch.dispatch_case(case, u["super"], u["ops_li"].department_id, u["ops_li"].id)
        if step == "extension asked":
            extensions.request_extension(case, u["ops_li"], 2, "等待厂家")
        if step == "paused":
            extensions.pause_case(case, u["ops_li"], "等材料")
        db.session.commit()
        for who in ("desk", "ops_li", "cs_zhou", "ops_head", "cs_head", "super"):
            offered = set(guards.available_actions(db.session.get(Case, case_id), u[who]))
            for action in CALLS:
                accepted = _accepts(org, case_id, who, action)
                assert (action in offered) == accepted, (step, who, action)


def test_what_the_guards_hide(world):
    org = world.a
    u = org.users
    case_id = open_case(org).id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        dispatch.dispatch_case(case, u["super"], u["ops_li"].department_id, u["ops_li"].id)
        extensions.request_extension(case, u["ops_li"], 2, "等待厂家")
        db.session.commit()
        case = db.session.get(Case, case_id)
        handler = guards.available_actions(case, u["ops_li"])
        assert Action.EXTEND not in handler  # one request waits already
        assert Action.NOTE in handler
        # Another unit's handler and head see nothing to do on it.
        assert guards.available_actions(case, u["cs_zhou"]) == []
        assert Action.DECIDE_EXTENSION not in guards.available_actions(case, u["cs_head"])
        assert Action.DECIDE_EXTENSION in guards.available_actions(case, u["ops_head"])


def test_every_action_has_at_most_one_precondition():
    with pytest.raises(RuntimeError):
        guards.precondition(Action.EXTEND)(lambda facts, actor: None)


# Item 5: one actor rule for every verb. Each scenario brings a fresh case to where its
# action is open to the rightful actor, and names the call that takes it.
def _dispatched(org, handler: str | None = "ops_li") -> Case:
    u = org.users
    case = db.session.get(Case, open_case(org).id)
    ops = u["ops_li"].department_id
    dispatch.dispatch_case(case, u["super"], ops, u[handler].id if handler else None)
    return case


def _resolved(org) -> Case:
    case = _dispatched(org)
    handling.record_result(case, org.users["ops_li"], "已退款")
    return case


def _awaiting_revisit(org) -> Case:
    case = _resolved(org)
    handling.send_result(case, org.users["ops_li"])
    return case


def _asked(org) -> Case:
    case = _dispatched(org)
    extensions.request_extension(case, org.users["ops_li"], 2, "等待厂家")
    return case


def _drafted(org) -> Case:
    case = _dispatched(org)
    plans.draft_plan(case, org.users["ops_li"], "退还差价", "refund", "60")
    return case


def _submitted(org) -> Case:
    case = _drafted(org)
    plans.submit_plan(case, org.users["ops_li"])
    return case


def _paused(org) -> Case:
    case = _dispatched(org)
    extensions.pause_case(case, org.users["ops_li"], "等材料")
    return case


def _repeat(org) -> Case:
    earlier = db.session.get(Case, open_case(org).id)
    case = _dispatched(org)
    case.created_at = earlier.created_at + dt.timedelta(seconds=1)
    repeats.mark_repeat(case, org.users["ops_li"], earlier.number, True, "又来了")
    return case


def _after_another(org) -> Case:
    open_case(org)
    return _dispatched(org)


def _after_another_dispatched(org) -> Case:
    _dispatched(org)
    return _dispatched(org)


def _earlier_number(case: Case) -> str:
    return db.session.scalar(sa.select(Case.number).where(Case.id < case.id).order_by(Case.id))


def _rectifying(org) -> Case:
    # Ordered to Customer Service although Operations handles the case.
    case = _dispatched(org)
    cs = org.users["cs_zhou"].department_id
    rectification.order_rectification(case, org.users["super"], cs, "服务台整改")
    return case


def _sensitive(org) -> Case:
    case = _dispatched(org)
    confidentiality.restrict_case(case, org.users["super"], "医疗纠纷")
    return case


def _assisting(org) -> Case:
    # Customer Service is asked to assist although Operations leads the case (协办).
    case = _dispatched(org)
    cs = org.users["cs_zhou"].department_id
    investigation.ask_assist(case, org.users["ops_li"], cs, "请核实服务台记录")
    return case


def _with_group(org) -> Case:
    case = _dispatched(org)
    investigation.add_member(case, org.users["ops_li"], org.users["cs_zhou"].id, "member")
    return case


def _field_work(org) -> Case:
    # The case's category needs field work (CITY-8): its handler records reaching the scene.
    from casework import catalog
    from casework.models import Category

    category = db.session.get(Category, db.session.get(Case, open_case(org).id).category_id)
    catalog.edit_category(
        org.tenant,
        org.users["admin"],
        category.id,
        category.name,
        category.department_id,
        category.default_priority,
        field_work=True,
    )
    db.session.commit()
    return _dispatched(org)
def _forwarded(org) -> Case:
    # Forwarded by the city's hotline (CITY-5): it may go back there.
    case = _dispatched(org)
    case.forwarded_by = "市12345热线"
    return case


SCENARIOS = {
    # (the case, the rightful actor, the call)
    Action.DISPATCH: (
        _dispatched,
        "ops_head",  # a head assigns within the department by dispatching
        lambda c, u, o: dispatch.dispatch_case(
            c, u, o.users["ops_li"].department_id, o.users["ops_wang"].id
        ),
    ),
    Action.TAKE: (
        lambda o: _dispatched(o, handler=None),
        "ops_li",
        lambda c, u, o: dispatch.take_case(c, u),
    ),
    Action.NOTE: (_dispatched, "ops_li", CALLS[Action.NOTE]),
    Action.CONTACT: (_dispatched, "ops_li", CALLS[Action.CONTACT]),
    Action.RESULT: (_dispatched, "ops_li", CALLS[Action.RESULT]),
    Action.SEND_RESULT: (_resolved, "ops_li", lambda c, u, o: handling.send_result(c, u)),
    Action.REVISIT: (
        _awaiting_revisit,
        "ops_li",
        lambda c, u, o: revisits.record_revisit(c, u, "phone", True, 5, "满意"),
    ),
    Action.EXTEND: (_dispatched, "ops_li", CALLS[Action.EXTEND]),
    Action.URGE: (_dispatched, "super", lambda c, u, o: oversight.urge_case(c, u, "请加快")),
    Action.SUPERVISE: (
        _dispatched,
        "super",
        lambda c, u, o: oversight.supervise_case(c, u, "督办"),
    ),
    Action.DECIDE_EXTENSION: (_asked, "ops_head", CALLS[Action.DECIDE_EXTENSION]),
    Action.PAUSE: (_dispatched, "ops_li", CALLS[Action.PAUSE]),
    Action.RESUME: (_paused, "ops_li", CALLS[Action.RESUME]),
    Action.MARK_REPEAT: (
        _after_another,
        "ops_li",
        lambda c, u, o: repeats.mark_repeat(c, u, _earlier_number(c), False, "重复"),
    ),
    Action.SPECIAL_MEASURES: (
        _repeat,
        "ops_li",
        lambda c, u, o: repeats.record_special_measures(c, u, "已加装照明"),
    ),
    Action.ORDER_RECTIFICATION: (_dispatched, "ops_head", CALLS[Action.ORDER_RECTIFICATION]),
    Action.RECTIFIED: (_rectifying, "cs_zhou", CALLS[Action.RECTIFIED]),
    Action.NOT_SATISFIED: (
        _awaiting_revisit,
        "ops_li",
        lambda c, u, o: feedback.record_not_satisfied(c, u, "已解释政策", "要求赔偿", "reopen"),
    ),
    Action.MARK_TEACHING: (
        _awaiting_revisit,
        "ops_head",
        lambda c, u, o: teaching.mark_teaching(c, u, True, "收费须当面核对"),
    ),
    Action.DRAFT_PLAN: (_dispatched, "ops_li", lambda c, u, o: plans.draft_plan(c, u, "退款")),
    Action.SUBMIT_PLAN: (_drafted, "ops_li", lambda c, u, o: plans.submit_plan(c, u)),
    Action.DECIDE_PLAN: (_submitted, "ops_head", lambda c, u, o: plans.decide_plan(c, u, True)),
    Action.REFER_UP: (
        _dispatched,
        "ops_li",
        lambda c, u, o: plans.refer_up(c, u, o.users["ops_head"].id, "超出权限"),
    ),
    Action.RESTRICT: (
        _dispatched,
        "super",
        lambda c, u, o: confidentiality.restrict_case(c, u, "医疗纠纷"),
    ),
    Action.LIFT_RESTRICTION: (
        _sensitive,
        "super",
        lambda c, u, o: confidentiality.lift_restriction(c, u, "已调解"),
    ),
    Action.ASK_ASSIST: (
        _dispatched,
        "ops_li",
        lambda c, u, o: investigation.ask_assist(c, u, o.users["cs_zhou"].department_id, "协办"),
    ),
    Action.ANSWER_ASSIST: (
        _assisting,
        "cs_zhou",
        lambda c, u, o: investigation.answer_assist(c, u, "已核实"),
    ),
    Action.ADD_MEMBER: (
        _dispatched,
        "ops_li",
        lambda c, u, o: investigation.add_member(c, u, o.users["cs_head"].id, "lead"),
    ),
    Action.REMOVE_MEMBER: (
        _with_group,
        "ops_li",
        lambda c, u, o: investigation.remove_member(c, u, o.users["cs_zhou"].id),
    ),
    Action.ADD_EVIDENCE: (
        _dispatched,
        "ops_li",
        lambda c, u, o: investigation.add_evidence(c, u, "证人陈述"),
    ),
    Action.RETURN_CASE: (
        _dispatched,
        "ops_li",
        lambda c, u, o: returns.return_case(c, u, "属物业公司职责"),
    ),
    Action.ARRIVE: (_field_work, "ops_li", lambda c, u, o: site.record_arrival(c, u, "已到场")),
    Action.REPEAT_CONTACT: (
        _dispatched,
        "ops_li",
        lambda c, u, o: repeats.add_repeat_contact(c, u, "phone", "又来电了"),
    ),
    Action.MERGE: (
        _after_another_dispatched,
        "ops_head",  # a head merges within the department
        lambda c, u, o: repeats.merge_case(c, u, _earlier_number(c), "同一问题"),
    ),
    Action.REFER_OUT: (_dispatched, "ops_head", CALLS[Action.REFER_OUT]),
    Action.RETURN_UPSTREAM: (
        _forwarded,
        "ops_head",
        lambda c, u, o: referrals.return_upstream(c, u, "不属本单位职责", "区住建局"),
    ),
}
# Outsiders: a handler of another department, a handler of the same department who is not
# named, and the head of another department. What the rules let them do anyway:
OUTSIDERS = ("cs_zhou", "ops_wang", "cs_head")
ALLOWED = {
    (Action.TAKE, "ops_wang"),  # a handler of the department takes an unassigned case
    (Action.RECTIFIED, "cs_zhou"),  # the unit ordered to rectify reports it done
    (Action.RECTIFIED, "cs_head"),
    (Action.ANSWER_ASSIST, "cs_zhou"),  # the unit asked to assist answers its part
    (Action.ANSWER_ASSIST, "cs_head"),
}


@pytest.fixture
def mall(world):
    org = world.a
    org.users["ops_wang"] = bootstrap.add_user(
        org.tenant, "ops_wang", "王强", Role.HANDLER, PASSWORD, "ops", hash_method=TEST_HASH
    )
    db.session.commit()
    return org


def _try(org, case_id: int, who: str, call) -> DomainError | None:
    case = db.session.get(Case, case_id)
    try:
        call(case, org.users[who], org)
    except DomainError as exc:
        return exc
    finally:
        db.session.rollback()
    return None


@pytest.mark.parametrize("action", list(Action), ids=str)
def test_every_verb_refuses_whoever_does_not_work_the_case(mall, action):
    org = mall
    make, rightful, call = SCENARIOS[action]  # a new action needs its scenario here
    with tenant_bound(org.tenant.id):
        case_id = make(org).id
        db.session.commit()
        case = db.session.get(Case, case_id)
        assert action in guards.available_actions(case, org.users[rightful])
        assert _try(org, case_id, rightful, call) is None, (action, rightful)
        for who in OUTSIDERS:
            offered = action in guards.available_actions(
                db.session.get(Case, case_id), org.users[who]
            )
            refusal = _try(org, case_id, who, call)
            if (action, who) in ALLOWED:
                assert refusal is None and offered, (action, who, refusal)
            else:
                assert isinstance(refusal, Forbidden) and not offered, (action, who, refusal)


def test_a_handler_of_another_department_cannot_revisit_and_close(mall):
    org = mall
    with tenant_bound(org.tenant.id):
        case_id = _awaiting_revisit(org).id
        db.session.commit()
        case = db.session.get(Case, case_id)
        with pytest.raises(Forbidden):
            revisits.record_revisit(case, org.users["cs_zhou"], "phone", True, 5, "满意")
        db.session.rollback()
        assert db.session.get(Case, case_id).status is Status.AWAITING_REVISIT
