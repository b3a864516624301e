"""A mail waits for acceptance (待受理, CO-2): registered on arrival with its acceptance clock
running, accepted at the desk (the receipt goes out then), or declined as no complaint."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from casework import alerts
from casework import queue as caseq
from casework.errors import Forbidden, InvalidInput, InvalidTransition
from casework.models import Case, CaseEvent, Deadline, PendingJob
from casework.operations import acceptance, guards, referrals
from casework.operations import mail as mail_ops
from casework.states import Action, Closure, EventKind, Stage, Status
from tenants.db import db, tenant_bound, utcnow
from tests.conftest import open_case


def _mail_case(org, hours_ago: int = 3, **overrides) -> int:
    """A mail taken from the mailbox, as the mailbox job hands it over; the case's id."""
    fields = {
        "sender": "wang.fang@example.com",
        "sender_name": "王芳",
        "subject": "超市收银多收钱",
        "text": "昨天在二楼收银台多收了 60 元。",
        "received_at": (utcnow() - dt.timedelta(hours=hours_ago)).replace(microsecond=0),
    }
    fields.update(overrides)
    with tenant_bound(org.tenant.id):
        _outcome, case = mail_ops.take(org.tenant, mail_ops.Mail(**fields))
        db.session.commit()
        return case.id


def _deadlines(case_id: int) -> dict[Stage, Deadline]:
    rows = db.session.scalars(sa.select(Deadline).where(Deadline.case_id == case_id))
    return {d.stage: d for d in rows}


def _jobs(case_id: int) -> list[str]:
    rows = db.session.scalars(sa.select(PendingJob).order_by(PendingJob.id))
    return [j.name for j in rows if j.args.get("case_id") == case_id]


def _events(case_id: int, kind: EventKind) -> list[CaseEvent]:
    return db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == kind)
    ).all()


def test_a_mail_waits_for_acceptance_with_its_clock_from_the_arrival(world):
    org = world.a
    case_id = _mail_case(org, hours_ago=3)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        assert case.status is Status.RECEIVED and case.number
        clocks = _deadlines(case_id)
        assert set(clocks) == {Stage.ACCEPTANCE}  # dispatch and the reply wait for acceptance
        running = clocks[Stage.ACCEPTANCE]
        assert running.started_at == case.received_at and running.done_at is None
        assert running.due_at == case.received_at + dt.timedelta(hours=24)  # mall: 24 hours
        assert case.next_due_at == running.due_at and case.reply_due_at is None
        # Nothing goes to the sender before a person has accepted it.
        assert "letters.acknowledge" not in _jobs(case_id)
        (received,) = _events(case_id, EventKind.RECEIVED)
        assert not received.public and received.changes["status"] == [None, "received"]
        assert not _events(case_id, EventKind.ACCEPTED)
        # The desk is reminded of it: the clerks accept, as they dispatch.
        responsible = alerts.responsible(case, Stage.ACCEPTANCE)
        assert org.users["desk"] in responsible and org.users["ops_li"] not in responsible


def test_accepting_starts_the_handling_and_sends_the_receipt(world):
    org = world.a
    case_id = _mail_case(org, hours_ago=30)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        desk = org.users["desk"]
        assert guards.available_actions(case, desk)[0] is Action.ACCEPT
        before = utcnow()
        acceptance.accept_case(case, desk)
        db.session.commit()
        case = db.session.get(Case, case_id)
        assert case.status is Status.ACCEPTED
        assert case.accepted_at >= before and case.accepted_by_id == desk.id
        assert case.accepted_by_label == desk.name and case.accepted_by_contact
        clocks = _deadlines(case_id)
        # Accepted 30 hours after the mail arrived: the 24-hour limit was met late, and counted.
        assert clocks[Stage.ACCEPTANCE].done_at == case.accepted_at
        assert clocks[Stage.ACCEPTANCE].done_at > clocks[Stage.ACCEPTANCE].due_at
        assert clocks[Stage.DISPATCH].started_at == case.accepted_at
        assert clocks[Stage.RESULT].done_at is None
        assert case.reply_due_at == clocks[Stage.RESULT].due_at
        assert _jobs(case_id).count("letters.acknowledge") == 1
        (accepted,) = _events(case_id, EventKind.ACCEPTED)
        assert accepted.public and accepted.actor_id == desk.id
        assert accepted.changes["status"] == ["received", "accepted"]
        # Once only: an accepted case is not accepted again.
        with pytest.raises(InvalidTransition):
            acceptance.accept_case(case, desk)


def test_a_receipt_by_text_waits_for_acceptance_too(world):
    org = world.a
    case_id = _mail_case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        case.complainant_phone, case.preferred_contact = "+8613812345678", "sms"
        db.session.commit()
        assert "sms.receipt" not in _jobs(case_id)
        acceptance.accept_case(db.session.get(Case, case_id), org.users["desk"])
        db.session.commit()
        assert _jobs(case_id).count("sms.receipt") == 1


def test_a_handler_may_not_accept(world):
    org = world.a
    case_id = _mail_case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        with pytest.raises(Forbidden):
            acceptance.accept_case(case, org.users["ops_li"])
        with pytest.raises(Forbidden):
            acceptance.decline_case(case, org.users["ops_li"], "广告")


def test_a_complaint_at_the_desk_is_accepted_at_once(world):
    org = world.a
    case = open_case(org, "desk")
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case.id)
        assert case.status is Status.ACCEPTED
        assert Action.ACCEPT not in guards.available_actions(case, org.users["desk"])
        with pytest.raises(InvalidTransition):
            acceptance.decline_case(case, org.users["desk"], "广告")


def test_declining_closes_it_without_a_word_to_the_sender(world):
    org = world.a
    case_id = _mail_case(org, subject="限时优惠", text="点击领取")
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        desk = org.users["desk"]
        with pytest.raises(InvalidInput) as refused:
            acceptance.decline_case(case, desk, "   ")
        assert refused.value.field == "reason"
        with pytest.raises(InvalidInput):
            acceptance.decline_case(case, desk, "x" * (acceptance.REASON_MAX + 1))
        acceptance.decline_case(case, desk, "  广告邮件，\n非投诉 ")
        db.session.commit()
        case = db.session.get(Case, case_id)
        assert case.status is Status.CLOSED and case.closure is Closure.NOT_ACCEPTED
        assert all(d.done_at is not None for d in _deadlines(case_id).values())
        assert case.next_due_at is None
        (declined,) = _events(case_id, EventKind.DECLINED)
        assert declined.body == "广告邮件， 非投诉" and not declined.public
        assert declined.changes["status"] == ["received", "closed"]
        assert _jobs(case_id) == []  # no letter, no text


def test_a_mail_outside_the_remit_is_referred_out_while_it_waits(world):
    org = world.a
    case_id = _mail_case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        referrals.refer_out(case, org.users["desk"], "房屋租赁纠纷不属本商场职责", "区住建局")
        db.session.commit()
        case = db.session.get(Case, case_id)
        assert case.closure is Closure.REFERRED_OUT
        assert referrals.LETTER_JOB in _jobs(case_id)


def test_the_queue_filters_the_cases_waiting_for_acceptance(world):
    org = world.a
    waiting = _mail_case(org)
    accepted = open_case(org, "desk").id
    with tenant_bound(org.tenant.id):
        rows, _ = caseq.list_cases(caseq.Filters(status="received"))
        assert [c.id for c in rows] == [waiting]
        rows, _ = caseq.list_cases(caseq.Filters(status="open"))
        assert {waiting, accepted} <= {c.id for c in rows}
