"""Revisits as planned work (回访, CO-7, PROP-5..12, CS-1..2), through the domain calls."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from casework import queries, questionnaire, revisit_rules, stages
from casework.errors import InvalidInput, InvalidTransition
from casework.models import Case, CaseEvent, Notification, Revisit, RevisitAttempt
from casework.operations import closing, dispatch, handling, repeats, revisit_questions, revisits
from casework.states import (
    CallOutcome,
    CaseKind,
    Closure,
    ContactMethod,
    EventKind,
    NotificationKind,
    Occasion,
    RevisitStatus,
    Stage,
    Status,
)
from tenants.db import db, tenant_bound, utcnow
from tests.conftest import open_case


def _told(org, **overrides) -> int:
    """A complaint handled and its result told: waiting for its revisit."""
    u = org.users
    case = open_case(org, **overrides)
    with tenant_bound(org.tenant.id):
        case = db.session.merge(case)
        dispatch.dispatch_case(case, u["desk"], u["ops_li"].department_id, u["ops_li"].id)
        handling.record_result(case, u["ops_li"], "已退还差价 60 元", "赠送停车券")
        handling.send_result(case, u["ops_li"])
        db.session.commit()
        return case.id


def _answers(org, **given) -> questionnaire.Answers:
    return questionnaire.check_answers(org.tenant, {k: str(v) for k, v in given.items()})


def test_the_told_result_plans_the_revisit_by_the_policy_limit(world):
    org = world.a
    case_id = _told(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        revisit = queries.open_revisit(case)
        deadline = stages.open_deadline(case, Stage.REVISIT)
        assert revisit.occasion is Occasion.AFTER_HANDLING
        assert revisit.due_at == deadline.due_at and revisit.due_from == deadline.started_at
        assert revisit.method is ContactMethod.PHONE  # no address to mail: by phone
        assert revisit.status is RevisitStatus.PLANNED and revisit.attempts == 0


def test_no_answer_is_tried_again_and_the_last_attempt_gives_up(world):
    org = world.a
    desk = org.users["desk"]
    case_id = _told(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        settings = org.tenant.config.revisiting
        revisit = queries.open_revisit(case)
        for attempt in range(1, settings.attempts):
            before = utcnow()
            revisits.record_call(revisit, desk, CallOutcome.NO_ANSWER, "无人接听")
            assert revisit.is_open and revisit.attempts == attempt
            wait = dt.timedelta(hours=settings.retry_hours)
            assert before + wait <= revisit.retry_at <= utcnow() + wait
            assert case.status is Status.AWAITING_REVISIT
        revisits.record_call(revisit, desk, CallOutcome.NO_ANSWER)
        db.session.commit()
        assert revisit.status is RevisitStatus.UNREACHABLE and revisit.retry_at is None
        assert case.status is Status.CLOSED and case.closure is Closure.NOT_REACHED
        assert stages.open_deadline(case, Stage.REVISIT) is None
        tried = db.session.scalars(
            sa.select(RevisitAttempt.outcome).where(RevisitAttempt.revisit_id == revisit.id)
        ).all()
        assert tried == [CallOutcome.NO_ANSWER] * settings.attempts
        kinds = db.session.scalars(
            sa.select(CaseEvent.kind).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        ).all()
        assert kinds[-2:] == [EventKind.REVISIT_UNREACHABLE, EventKind.CLOSED]


@pytest.mark.parametrize("outcome", [CallOutcome.WRONG_NUMBER, CallOutcome.REFUSED])
def test_a_wrong_number_or_a_refusal_ends_the_revisit_at_once(world, outcome):
    org = world.a
    case_id = _told(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        revisit = revisits.record_call(queries.open_revisit(case), org.users["desk"], outcome)
        assert revisit.status is RevisitStatus.UNREACHABLE and revisit.attempts == 1
        assert case.status is Status.CLOSED


def test_a_call_outcome_is_not_an_answer(world):
    org = world.a
    case_id = _told(org)
    with tenant_bound(org.tenant.id):
        revisit = queries.open_revisit(db.session.get(Case, case_id))
        with pytest.raises(InvalidInput):
            revisits.record_call(revisit, org.users["desk"], CallOutcome.REACHED)
        assert revisit.attempts == 0


def test_satisfied_answers_close_the_case_and_are_kept(world):
    org = world.a
    case_id = _told(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        revisit = queries.open_revisit(case)
        answers = _answers(org, overall=4, solved="yes", speed=5, attitude=3, comments="谢谢")
        revisits.record_answers(revisit, org.users["desk"], answers)
        db.session.commit()
        assert revisit.status is RevisitStatus.DONE
        assert revisit.answers == {"overall": 4, "solved": True, "speed": 5, "attitude": 3}
        assert revisit.comments == "谢谢" and revisit.satisfaction == 4 and revisit.solved
        assert case.status is Status.CLOSED and case.closure is Closure.REVISITED
        assert case.satisfaction == 4
        assert queries.open_revisit(case) is None


@pytest.mark.parametrize(
    "given", [{"overall": 2}, {"overall": 5, "solved": "no"}], ids=["score", "not solved"]
)
def test_not_satisfied_or_not_solved_sends_the_case_back_with_special_measures(world, given):
    org = world.a
    case_id = _told(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        start = utcnow()
        revisits.record_answers(
            queries.open_revisit(case), org.users["desk"], _answers(org, **given)
        )
        db.session.commit()
        assert case.status is Status.IN_PROGRESS and case.closure is None
        measures = stages.open_deadline(case, Stage.SPECIAL_MEASURES)
        assert measures is not None
        # PROP-12: special measures within 24 hours (the mall preset's limit).
        assert start + dt.timedelta(hours=23) < measures.due_at <= utcnow() + dt.timedelta(hours=24)
        kinds = db.session.scalars(
            sa.select(CaseEvent.kind).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        ).all()
        assert kinds[-3:] == [EventKind.REVISIT, EventKind.REOPENED, EventKind.SPECIAL_MEASURES]
        # Handled again and told again: a new revisit is planned for the new round.
        handling.record_result(case, org.users["ops_li"], "已更换商品", "")
        handling.send_result(case, org.users["ops_li"])
        open_now = db.session.scalars(
            sa.select(Revisit).where(
                Revisit.case_id == case_id, Revisit.status == RevisitStatus.PLANNED
            )
        ).all()
        assert len(open_now) == 1


def test_the_satisfaction_floor_is_the_tenants(world):
    org = world.a
    case_id = _told(org)
    with tenant_bound(org.tenant.id):
        org.tenant.settings = {
            **org.tenant.settings,
            "revisiting": {**org.tenant.settings.get("revisiting", {}), "satisfied_from": 4},
        }
        db.session.flush()
        case = db.session.get(Case, case_id)
        revisits.record_answers(
            queries.open_revisit(case), org.users["desk"], _answers(org, overall=3)
        )
        assert case.status is Status.IN_PROGRESS  # 3 is below this tenant's floor of 4


def test_an_online_answer_is_the_complainants_and_needs_no_actor(world):
    org = world.a
    case_id = _told(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        revisit = queries.open_revisit(case)
        with pytest.raises(InvalidInput):
            revisits.record_answers(revisit, None, _answers(org, overall=5))
        revisits.record_answers(revisit, None, _answers(org, overall=5), online=True)
        db.session.commit()
        last = db.session.scalars(
            sa.select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        ).all()[-2]
        assert last.kind == EventKind.REVISIT and last.actor_label == case.complainant_name
        attempt = db.session.scalar(
            sa.select(RevisitAttempt).where(RevisitAttempt.revisit_id == revisit.id)
        )
        assert attempt.outcome is CallOutcome.ANSWERED_ONLINE and attempt.by_id is None
        with pytest.raises(InvalidTransition):  # a link answers once
            revisits.record_answers(revisit, None, _answers(org, overall=1), online=True)


def test_a_question_goes_to_management_with_a_promised_date(world):
    org = world.a
    u = org.users
    case_id = _told(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        revisit = queries.open_revisit(case)
        with pytest.raises(InvalidInput):
            revisit_questions.ask_management(
                revisit, u["desk"], "能否减免?", utcnow().date() - dt.timedelta(days=1)
            )
        with pytest.raises(InvalidInput):
            revisit_questions.ask_management(revisit, u["desk"], "  ", utcnow().date())
        by = utcnow().date() + dt.timedelta(days=3)
        revisit_questions.ask_management(revisit, u["desk"], "能否减免停车费?", by)
        db.session.commit()
        told = db.session.scalars(
            sa.select(Notification.user_id).where(
                Notification.case_id == case_id,
                Notification.kind == NotificationKind.REVISIT_QUESTION,
            )
        ).all()
        assert u["super"].id in told and u["desk"].id not in told
        assert revisit.answer_by == by
        revisit_questions.answer_question(revisit, u["super"], "可以减免两小时。")
        assert revisit.answer == "可以减免两小时。" and revisit.answered_at is not None
        with pytest.raises(InvalidTransition):
            revisit_questions.answer_question(revisit, u["super"], "再答一次")


def test_a_home_visit_is_booked_with_its_address_and_visitor(world):
    org = world.a
    u = org.users
    case_id = _told(org)
    with tenant_bound(org.tenant.id):
        revisit = queries.open_revisit(db.session.get(Case, case_id))
        at = utcnow() + dt.timedelta(days=2)
        with pytest.raises(InvalidInput):
            revisits.schedule_visit(revisit, u["desk"], at, "   ", None)
        with pytest.raises(InvalidInput):
            revisits.schedule_visit(revisit, u["desk"], at - dt.timedelta(days=5), "幸福里", None)
        revisits.schedule_visit(revisit, u["desk"], at, " 幸福里  3 栋 ", u["cs_zhou"])
        assert revisit.method is ContactMethod.VISIT and revisit.visit_address == "幸福里 3 栋"
        assert revisit.assignee_id == u["cs_zhou"].id and revisit.visit_at == at


def test_an_inactive_revisitor_cannot_be_given_a_revisit(world):
    org = world.a
    u = org.users
    case_id = _told(org)
    with tenant_bound(org.tenant.id):
        revisit = queries.open_revisit(db.session.get(Case, case_id))
        revisits.assign(revisit, u["desk"], u["cs_zhou"])
        assert revisit.assignee_id == u["cs_zhou"].id
        u["ops_li"].active = False
        with pytest.raises(InvalidInput):
            revisits.assign(revisit, u["desk"], u["ops_li"])
        revisits.assign(revisit, u["desk"], None)
        assert revisit.assignee_id is None


def test_a_repeat_saying_the_defect_is_back_cancels_the_planned_revisit(world):
    org = world.a
    case_id = _told(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        revisit = queries.open_revisit(case)
        repeats.add_repeat_contact(case, org.users["desk"], "phone", "扶梯又坏了", defect=True)
        db.session.commit()
        assert revisit.status is RevisitStatus.CANCELLED
        assert queries.open_revisit(case) is None


def test_the_questionnaire_checks_each_answer(world):
    org = world.a
    with tenant_bound(org.tenant.id):
        with pytest.raises(InvalidInput) as missing:
            questionnaire.check_answers(org.tenant, {"solved": "yes"})
        assert missing.value.field == "overall"
        # One tap in the mail, nothing else: kept as given.
        tapped = questionnaire.check_answers(org.tenant, {"solved": "no"}, complete=False)
        assert tapped.solved is False and tapped.satisfaction is None
        for bad in ({"overall": "6"}, {"overall": "很好"}, {"overall": "3", "solved": "maybe"}):
            with pytest.raises(InvalidInput):
                questionnaire.check_answers(org.tenant, bad)
        with pytest.raises(InvalidInput):
            questionnaire.check_answers(org.tenant, {"overall": "3", "comments": "长" * 2001})


def test_a_tenants_own_question_is_asked_and_checked(world):
    org = world.a
    with tenant_bound(org.tenant.id):
        org.tenant.settings = {
            **org.tenant.settings,
            "revisiting": {
                "questions": [
                    {
                        "key": "parking",
                        "text": "停车是否方便?",
                        "kind": "choice",
                        "options": ["方便", "不方便"],
                        "required": True,
                    }
                ]
            },
        }
        keys = [q.key for q in questionnaire.questions(org.tenant)]
        assert keys[-1] == "parking" and keys[0] == "overall"
        with pytest.raises(InvalidInput):
            questionnaire.check_answers(org.tenant, {"overall": "4"})
        with pytest.raises(InvalidInput):
            questionnaire.check_answers(org.tenant, {"overall": "4", "parking": "一般"})
        answers = questionnaire.check_answers(org.tenant, {"overall": "4", "parking": "方便"})
        assert answers.by_key["parking"] == "方便"


def test_a_high_value_customers_revisit_plans_the_next_one(world):
    """CS-1: high-value customers are revisited on a period; each ended plans the next."""
    org = world.a
    case = open_case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.merge(case)
        case.kind = CaseKind.HIGH_VALUE
        now = utcnow()
        closing.close(case, Closure.COMPLETED, now)
        rule = revisit_rules.rule_for(org.tenant, CaseKind.HIGH_VALUE)
        assert rule.every is not None
        first = revisits.plan(case, Occasion.AFTER_SERVICE, now, now, ContactMethod.PHONE)
        db.session.flush()
        revisits.record_answers(first, org.users["desk"], _answers(org, overall=5))
        db.session.flush()
        following = queries.open_revisit(case)
        assert following is not None and following.occasion is Occasion.PERIODIC
        assert following.due_from.date() >= (now + dt.timedelta(days=85)).date()
        assert following.due_at > following.due_from
        assert case.status is Status.CLOSED  # a satisfied customer's record stays closed
        # A complaint has no period: nothing follows its revisit.
        other_id = _told(org)
        other = db.session.get(Case, other_id)
        revisits.record_answers(
            queries.open_revisit(other), org.users["desk"], _answers(org, overall=5)
        )
        assert queries.open_revisit(other) is None
