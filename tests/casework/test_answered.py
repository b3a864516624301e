"""Answered at once (CITY-3, PROP-1): a numbered case closed at intake, with its events, its
receipt only when asked, and its revisit due as the policy says."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from casework import deadlines, queries, reply_date, stages
from casework.errors import InvalidInput, InvalidTransition
from casework.models import Case, CaseEvent, PendingJob
from casework.operations import answered, guards, intake, revisits
from casework.states import Action, Channel, Closure, EventKind, RevisitStatus, Stage, Status
from tenants.db import db, tenant_bound
from tests.conftest import open_case

ANSWER = "已告知营业时间为 9:00–21:00，会员积分可在服务台补登。"


def _complaint(org, **overrides) -> intake.Complaint:
    data = {
        "channel": Channel.PHONE,
        "category_id": org.category("price").id,
        "description": "询问营业时间和积分补登。",
        "name": "王芳",
        "phone": "139 0000 1111",
    }
    data.update(overrides)
    return intake.Complaint(**data)


def _answer(org, receipt=False, **overrides) -> Case:
    with tenant_bound(org.tenant.id):
        case = answered.answer_at_once(
            org.tenant, _complaint(org, **overrides), ANSWER, org.users["desk"], receipt=receipt
        )
        db.session.commit()
        return case


def _kinds(case_id):
    return [
        e.kind
        for e in db.session.scalars(
            sa.select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        )
    ]


def test_answered_at_once_is_a_numbered_closed_case_with_its_events(world):
    before = open_case(world.a)  # numbered in the same sequence as any other case
    case = _answer(world.a)
    with tenant_bound(world.a.tenant.id):
        case = db.session.get(Case, case.id)
        assert case.number and case.number != before.number
        assert case.status is Status.CLOSED
        assert case.closure is Closure.ANSWERED_AT_ONCE
        assert case.answered_at_once is True
        assert case.closed_at == case.accepted_at == case.result_at
        assert case.result_sent_at is None  # no result letter: the answer was told at once
        assert case.result_text == ANSWER
        assert case.complainant_phone == "+8613900001111"
        assert _kinds(case.id) == [
            EventKind.ACCEPTED,
            EventKind.ANSWERED_AT_ONCE,
            EventKind.REVISIT_PLANNED,  # every complaint is revisited (PROP-10)
            EventKind.CLOSED,
        ]
        told = db.session.scalars(
            sa.select(CaseEvent).where(
                CaseEvent.case_id == case.id, CaseEvent.kind == EventKind.ANSWERED_AT_ONCE
            )
        ).one()
        assert told.public and told.public_text == ANSWER  # the complainant reads the answer
        # Statistics count it: a queryable marker, through its index.
        counted = db.session.scalar(
            sa.select(sa.func.count(Case.id)).where(Case.answered_at_once.is_(True))
        )
        assert counted == 1
        # Every stage intake opened is met: nothing waits for dispatch or a reply.
        running = {d.stage for d in stages.of_case(case) if d.done_at is None}
        assert running == {Stage.REVISIT}


def test_the_receipt_letter_only_when_asked(world):
    quiet = _answer(world.a)
    asked = _answer(world.a, receipt=True, phone="13900002222")
    with tenant_bound(world.a.tenant.id):
        jobs = [(j.name, j.args) for j in db.session.scalars(sa.select(PendingJob))]
    assert ("letters.acknowledge", {"case_id": asked.id}) in jobs
    assert ("letters.acknowledge", {"case_id": quiet.id}) not in jobs


def test_the_revisit_is_due_as_the_policy_says_and_can_be_made(world):
    case = _answer(world.a)
    org = world.a
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case.id)
        revisit = stages.open_deadline(case, Stage.REVISIT)
        assert revisit is not None and revisit.target == "3 calendar_days"  # mall preset
        expected = deadlines.compute(
            case.closed_at, deadlines.Target(3, deadlines.Unit.CALENDAR_DAYS), org.tenant.timezone
        )
        assert revisit.due_at == expected.at
        assert case.next_due_at == revisit.due_at
        # The one action a closed case may still take: its revisit, which leaves it closed.
        clerk = org.users["desk"]
        assert Action.REVISIT in guards.available_actions(case, clerk)
        revisits.record_revisit(case, clerk, "phone", True, 5, "满意")
        db.session.flush()
        assert case.status is Status.CLOSED and case.closure is Closure.ANSWERED_AT_ONCE
        assert case.satisfaction == 5 and stages.open_deadline(case, Stage.REVISIT) is None
        with pytest.raises(InvalidTransition):
            guards.check(case, clerk, Action.REVISIT)


def test_no_revisit_when_the_policy_sets_none(world):
    org = world.a
    with tenant_bound(org.tenant.id):
        limits = {k: v for k, v in org.tenant.config.deadlines.items() if k != "revisit"}
        org.tenant.settings = {**org.tenant.settings, "deadlines": {}}
        org.tenant.update_config(deadlines=limits)
        db.session.commit()
    case = _answer(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case.id)
        assert [d for d in stages.of_case(case) if d.done_at is None] == []
        assert case.next_due_at is None
        assert Action.REVISIT not in guards.available_actions(case, org.users["desk"])


def test_a_case_closed_otherwise_takes_no_revisit(world):
    case = _answer(world.a)
    with tenant_bound(world.a.tenant.id):
        case = db.session.get(Case, case.id)
        # While its planned revisit is open, the closed case takes it...
        assert Action.REVISIT in guards.available_actions(case, world.a.users["desk"])
        # ...but once that is made, as if it had been closed the ordinary way, no more.
        case.closure = Closure.REVISITED
        queries.open_revisit(case).status = RevisitStatus.DONE
        with pytest.raises(InvalidTransition):
            guards.check(case, world.a.users["desk"], Action.REVISIT)


@pytest.mark.parametrize("answer", ["", "   ", "长" * (answered.ANSWER_LENGTH + 1)])
def test_the_answer_is_required_and_bounded(world, answer):
    org = world.a
    with tenant_bound(org.tenant.id):
        with pytest.raises(InvalidInput) as err:
            answered.answer_at_once(org.tenant, _complaint(org), answer, org.users["desk"])
        assert err.value.field == "answer"
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0


def test_a_case_answered_at_once_is_not_handed_to_a_manager(world):
    org = world.a
    with tenant_bound(org.tenant.id):
        complaint = _complaint(org, direct_manager_id=org.users["cs_head"].id)
        with pytest.raises(InvalidInput) as err:
            answered.answer_at_once(org.tenant, complaint, ANSWER, org.users["desk"])
        assert err.value.field == "direct_manager_id"


def test_the_reply_date_read_before_saving_is_the_one_intake_promises(world):
    org = world.a
    with tenant_bound(org.tenant.id):
        now = dt.datetime(2026, 12, 7, 2, 0)
        category = org.category("price")
        due = reply_date.expected_reply(org.tenant, Channel.PHONE, category.id, now=now)
        assert due == deadlines.compute(
            now, deadlines.Target(5, deadlines.Unit.WORKING_DAYS), org.tenant.timezone
        )
        assert len(db.session.new) == 0  # nothing added to the session
    case = open_case(org, "desk", category_id=category.id)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case.id)
        promised = reply_date.expected_reply(
            org.tenant, Channel.PHONE, category.id, now=case.accepted_at
        )
        assert promised is not None and promised.at == case.reply_due_at
