"""Handling plans (处理方案), their approval by the policy's roles, refer up (MALL-5, PROP-2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from casework import alerts
from casework.errors import Forbidden, InvalidInput, InvalidTransition
from casework.models import Alert, Case, CaseEvent, Deadline, Notification, Plan
from casework.operations import guards, handling, plans
from casework.states import Action, EventKind, NotificationKind, PlanState, Stage, Status
from tenants.db import db, tenant_bound
from tenants.settings import PlanApproval
from tests.conftest import dispatched_case, make_org


def _case(org, handler="ops_li"):
    return dispatched_case(org, handler=handler)


def _events(case_id, kind):
    return db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == kind)
    ).all()


def _deadline(case_id):
    return db.session.scalars(
        sa.select(Deadline).where(
            Deadline.case_id == case_id, Deadline.stage == Stage.PLAN_APPROVAL
        )
    ).one()


def _policy(org, **rule):
    with tenant_bound(org.tenant.id):
        org.tenant.update_config(plan_approval=PlanApproval(**rule))
        db.session.commit()


def test_draft_submit_approve_then_the_result_takes_the_plan_s_remedy(world):
    org, u = world.a, world.a.users
    case_id = _case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        plan = plans.draft_plan(case, u["ops_li"], " 退还差价并致歉 ", "refund", "60", "顾客同意")
        assert (plan.version, plan.state) == (1, PlanState.DRAFTED)
        assert case.status is Status.IN_PROGRESS
        # MALL-5: every plan goes to the department head.
        with pytest.raises(InvalidTransition):
            guards.check(case, u["ops_li"], Action.RESULT)
        plans.submit_plan(case, u["ops_li"])
        assert plan.state is PlanState.SUBMITTED and plan.approval_by == "dept_head"
        assert plans.approvers(case, plan) == [u["ops_head"]]
        assert _deadline(case_id).done_at is None
        assert Action.DECIDE_PLAN in guards.available_actions(case, u["ops_head"])
        db.session.commit()
        bell = db.session.scalars(
            sa.select(Notification.user_id).where(Notification.kind == NotificationKind.PLAN)
        ).all()
        assert bell == [u["ops_head"].id]

        plans.decide_plan(case, u["ops_head"], True)
        assert plan.state is PlanState.APPROVED and plan.decided_by_id == u["ops_head"].id
        assert _deadline(case_id).done_at is not None
        # The typed remedy is ignored: the result's remedy is the approved plan's.
        handling.record_result(
            case,
            u["ops_li"],
            "已退还差价",
            finding="not_valid",
            remedy_type="apology",
            remedy_approved_by="随便谁",
        )
        db.session.commit()
        assert case.remedy_type.value == "refund" and case.remedy_amount == Decimal("60.00")
        assert case.remedy_approved_by_label == u["ops_head"].name
        result = _events(case_id, EventKind.RESULT)[0]
        assert result.changes["remedy_approved_by"] == [None, u["ops_head"].name]
        approved = _events(case_id, EventKind.PLAN_APPROVED)[0]
        assert approved.changes["plan_state"] == ["submitted", "approved"]
        assert _events(case_id, EventKind.PLAN_SUBMITTED)[0].changes["approver"] == (
            u["ops_head"].name
        )


def test_a_returned_plan_needs_a_comment_and_is_revised_as_a_new_version(world):
    org, u = world.a, world.a.users
    case_id = _case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        first = plans.draft_plan(case, u["ops_li"], "赠送购物券")
        plans.submit_plan(case, u["ops_li"])
        with pytest.raises(InvalidInput) as exc:
            plans.decide_plan(case, u["ops_head"], False, "  ")
        assert exc.value.field == "comment" and first.state is PlanState.SUBMITTED
        plans.decide_plan(case, u["ops_head"], False, "应按价差退款")
        assert first.state is PlanState.RETURNED and first.comment == "应按价差退款"
        assert Action.DRAFT_PLAN in guards.available_actions(case, u["ops_li"])
        assert Action.RESULT not in guards.available_actions(case, u["ops_li"])
        second = plans.draft_plan(case, u["ops_li"], "按价差退款", "refund", "60")
        assert second.version == 2 and first.state is PlanState.RETURNED
        plans.submit_plan(case, u["ops_li"])
        plans.decide_plan(case, u["ops_head"], True)
        db.session.commit()
        versions = db.session.scalars(sa.select(Plan).order_by(Plan.version)).all()
        assert [v.state for v in versions] == [PlanState.RETURNED, PlanState.APPROVED]
        assert _events(case_id, EventKind.PLAN_RETURNED)[0].body == "应按价差退款"
        assert Action.RESULT in guards.available_actions(case, u["ops_li"])


def test_no_approval_needed_adopts_the_plan_at_once(world):
    org, u = world.a, world.a.users
    _policy(org)  # nothing listed, no amount
    case_id = _case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        plan = plans.draft_plan(case, u["ops_li"], "致歉", "apology")
        plans.submit_plan(case, u["ops_li"])
        assert plan.state is PlanState.APPROVED and plan.decided_by_id is None
        assert not db.session.scalars(
            sa.select(Deadline).where(Deadline.stage == Stage.PLAN_APPROVAL)
        ).all()
        handling.record_result(
            case, u["ops_li"], "已致歉", finding="not_valid", remedy_approved_by="王经理"
        )
        assert case.remedy_type.value == "apology" and case.remedy_approved_by_label == "王经理"


def test_above_the_head_s_authority_the_manager_role_approves(world):
    org, u = world.a, world.a.users
    _policy(org, above=100, head_limit=1000)
    case_id = _case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        small = plans.draft_plan(case, u["ops_li"], "退款", "refund", "50")
        plans.submit_plan(case, u["ops_li"])
        assert small.state is PlanState.APPROVED  # not above 100: no approval
        plans.draft_plan(case, u["ops_li"], "赔偿", "compensation", "5000")
        big = plans.submit_plan(case, u["ops_li"])
        assert big.approval_by == "supervisor"
        assert plans.approvers(case, big) == [u["super"]]
        with pytest.raises(Forbidden):
            plans.decide_plan(case, u["ops_head"], True)
        plans.decide_plan(case, u["super"], True)
        assert big.state is PlanState.APPROVED


def test_who_may_approve_not_the_drafter_nor_another_department_s_head(world):
    org, u = world.a, world.a.users
    case_id = _case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        plan = plans.draft_plan(case, u["ops_head"], "head drafts it")
        plans.submit_plan(case, u["ops_head"])
        # The head drafted it; no other head in Operations: the supervisor decides.
        assert plans.approvers(case, plan) == [u["super"]]
        with pytest.raises(Forbidden):
            plans.decide_plan(case, u["ops_head"], True)
        with pytest.raises(Forbidden):
            plans.decide_plan(case, u["cs_head"], True)
        with pytest.raises(Forbidden):
            plans.decide_plan(case, u["ops_li"], True)
        assert Action.DECIDE_PLAN not in guards.available_actions(case, u["cs_head"])
        assert plan.state is PlanState.SUBMITTED


def test_result_refused_without_an_approved_plan_where_required(app):
    prop = make_org("prop", "property")
    u = prop.users
    case_id = _case(prop, handler="eng_liu")
    with tenant_bound(prop.tenant.id):
        case = db.session.get(Case, case_id)
        # PROP-2: money paid needs an approved plan; a result without it is refused.
        with pytest.raises(InvalidInput) as exc:
            handling.record_result(
                case,
                u["eng_liu"],
                "赔偿",
                finding="not_valid",
                remedy_type="compensation",
                remedy_amount="300",
            )
        assert exc.value.field == "remedy_amount"
        assert not case.result_text and case.status is not Status.RESOLVED
        # No money: no plan needed.
        handling.record_result(case, u["eng_liu"], "已修复", finding="not_valid")
        assert case.status is Status.RESOLVED


def test_property_preset_sends_above_the_head_s_authority_to_the_company_manager(app):
    prop = make_org("prop", "property")
    u = prop.users
    case_id = _case(prop, handler="eng_liu")
    with tenant_bound(prop.tenant.id):
        case = db.session.get(Case, case_id)
        plans.draft_plan(case, u["eng_liu"], "赔偿", "compensation", "3000")
        plan = plans.submit_plan(case, u["eng_liu"])
        assert plans.approvers(case, plan) == [u["super"]]
        with pytest.raises(InvalidTransition):
            plans.draft_plan(case, u["eng_liu"], "while waiting")


def test_refer_up_handler_to_head_to_manager(world):
    org, u = world.a, world.a.users
    case_id = _case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        assert plans.refer_targets(case, u["ops_li"]) == [u["ops_head"]]
        with pytest.raises(InvalidInput) as exc:
            plans.refer_up(case, u["ops_li"], u["ops_head"].id, " ")
        assert exc.value.field == "proposal"
        with pytest.raises(InvalidInput) as exc:
            plans.refer_up(case, u["ops_li"], u["cs_head"].id, "建议赔偿")
        assert exc.value.field == "to_id"
        plans.refer_up(case, u["ops_li"], u["ops_head"].id, "超出权限，建议赔偿 500 元")
        assert case.handler_id == u["ops_head"].id
        with pytest.raises(Forbidden):  # no longer the handler
            guards.check(case, u["ops_li"], Action.REFER_UP)
        assert plans.refer_targets(case, u["ops_head"]) == [u["super"]]
        plans.refer_up(case, u["ops_head"], u["super"].id, "报公司经理决定")
        assert case.handler_id == u["super"].id
        db.session.commit()
        events = _events(case_id, EventKind.REFERRED_UP)
        assert [e.changes["handler"] for e in events] == [
            [u["ops_li"].name, u["ops_head"].name],
            [u["ops_head"].name, u["super"].name],
        ]
        assert events[0].body == "超出权限，建议赔偿 500 元"
        bell = db.session.scalars(
            sa.select(Notification.user_id).where(Notification.kind == NotificationKind.REFERRAL)
        ).all()
        assert sorted(bell) == sorted([u["ops_head"].id, u["super"].id])
        # The manager records the decision in the result.
        handling.record_result(case, u["super"], "经理决定：赔偿 500 元", finding="not_valid")
        assert case.status is Status.RESOLVED


def test_the_approval_deadline_reminds_the_approver(world):
    org, u = world.a, world.a.users
    case_id = _case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        plans.draft_plan(case, u["ops_li"], "退款", "refund", "60")
        plans.submit_plan(case, u["ops_li"])
        db.session.commit()
        deadline = _deadline(case_id)
        started, due = deadline.started_at, deadline.due_at
    assert alerts.sweep(started + (due - started) * 0.6) >= 1  # other stages may remind too
    with tenant_bound(org.tenant.id):
        notified = db.session.scalars(
            sa.select(Notification.user_id)
            .join(Alert, Alert.id == Notification.alert_id)
            .where(Alert.level == 1, Alert.deadline_id == deadline.id)
        ).all()
        assert notified == [u["ops_head"].id]  # the approver, not the handler
        case = db.session.get(Case, case_id)
        plans.decide_plan(case, u["ops_head"], True)
        db.session.commit()
    alerts.sweep(due + dt.timedelta(days=30))
    with tenant_bound(org.tenant.id):  # met: no more alerts on the approval
        levels = db.session.scalars(
            sa.select(Alert.level).where(Alert.deadline_id == deadline.id)
        ).all()
        assert levels == [1]
