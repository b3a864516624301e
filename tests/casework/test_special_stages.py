"""Acceptance, petitions, repeat complaints with special measures, and rectification orders:
the stages that start outside the main line of handling."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from casework import alerts, deadlines, stages
from casework.errors import Forbidden, InvalidInput, InvalidTransition
from casework.models import Case, CaseEvent, Notification, Rectification
from casework.operations import dispatch, extensions, handling, rectification, repeats, revisits
from casework.states import Channel, Priority, Stage, Status
from tenants.db import db, tenant_bound, utcnow
from tests.conftest import make_org, open_case


def _stage(case_id: int, stage: Stage):
    case = db.session.get(Case, case_id)
    return next(d for d in stages.of_case(case) if d.stage == stage)


def test_a_letter_registered_two_days_late_is_counted_as_late_acceptance(world):
    org = world.a  # mall: accept within 24 hours of arrival (CO-2)
    late = open_case(
        org, actor="desk", channel=Channel.EMAIL, received_at=utcnow() - dt.timedelta(days=2)
    )
    prompt = open_case(
        org, actor="desk", channel=Channel.EMAIL, received_at=utcnow() - dt.timedelta(hours=3)
    )
    with tenant_bound(org.tenant.id):
        slow, quick = _stage(late.id, Stage.ACCEPTANCE), _stage(prompt.id, Stage.ACCEPTANCE)
        assert slow.done_at > slow.due_at and slow.next_alert_at is None
        assert quick.done_at <= quick.due_at
        assert slow.due_at - slow.started_at == dt.timedelta(hours=24)
        # The acceptance deadline is met, so it never drives the queue badge.
        case = db.session.get(Case, late.id)
        assert case.next_due_at == _stage(late.id, Stage.DISPATCH).due_at
        accepted = db.session.scalars(
            sa.select(CaseEvent).where(CaseEvent.case_id == late.id, CaseEvent.kind == "accepted")
        ).one()
        assert "received" in accepted.changes


def test_an_arrival_in_the_future_is_refused(world):
    with pytest.raises(InvalidInput) as err:
        open_case(world.a, actor="desk", received_at=utcnow() + dt.timedelta(hours=1))
    assert err.value.field == "received_at"


def test_petition_letters_count_calendar_days_and_extend_by_thirty_at_most(app):
    city = make_org("city-p", "city")
    u = city.users
    arrived = utcnow() - dt.timedelta(days=3)
    letter = open_case(
        city,
        actor="desk",
        channel=Channel.LETTER,
        category_id=city.category("construction").id,
        received_at=arrived,
    )
    hotline = open_case(
        city, actor="desk", channel=Channel.HOTLINE, category_id=city.category("noise").id
    )
    with tenant_bound(city.tenant.id):
        accept = _stage(letter.id, Stage.ACCEPTANCE)
        result = _stage(letter.id, Stage.RESULT)
        assert (accept.target, result.target) == ("15 calendar_days", "60 calendar_days")
        assert accept.started_at == arrived and accept.done_at <= accept.due_at
        assert _stage(hotline.id, Stage.RESULT).target == "5 working_days"

        case = db.session.get(Case, letter.id)
        dispatch.dispatch_case(case, u["ld_head"], u["ld_zhang"].department_id, u["ld_zhang"].id)
        with pytest.raises(InvalidInput):
            extensions.request_extension(case, u["ld_zhang"], 31, "需会同规划部门现场勘测")
        before = result.due_at
        extensions.request_extension(case, u["ld_zhang"], 30, "需会同规划部门现场勘测")
        extensions.decide_extension(case, u["ld_head"], True, "同意")
        db.session.commit()
        moved = _stage(letter.id, Stage.RESULT)
        tz = city.tenant.timezone
        expected = deadlines.compute(
            before, deadlines.Target(30, deadlines.Unit.CALENDAR_DAYS), tz
        ).at
        assert moved.due_at == expected
        assert dt.timedelta(days=29) < moved.due_at - before <= dt.timedelta(days=31)


def test_working_day_extensions_stay_at_thirty_working_days(world):
    org = world.a
    u = org.users
    case = open_case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case.id)
        dispatch.dispatch_case(case, u["super"], u["ops_li"].department_id, u["ops_li"].id)
        with pytest.raises(InvalidInput) as err:
            extensions.request_extension(case, u["ops_li"], 31, "理由")
        assert "30" in str(err.value)
        db.session.rollback()


def test_a_repeat_complaint_with_the_defect_still_there_needs_special_measures(world):
    org = world.a  # PROP-12: special measures within 24 hours
    u = org.users
    first = open_case(org)
    second = open_case(org, actor="desk")
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, second.id)
        with pytest.raises(InvalidInput):
            repeats.mark_repeat(case, u["desk"], "MS20990101-0001", True, "")
        with pytest.raises(InvalidInput):  # a case cannot repeat itself
            repeats.mark_repeat(case, u["desk"], case.number, True, "")
        repeats.mark_repeat(case, u["desk"], first.number.lower(), True, "同一问题第二次来电")
        db.session.commit()
        case = db.session.get(Case, second.id)
        assert case.repeat_of.number == first.number
        assert case.priority is Priority.URGENT
        special = stages.open_deadline(case, Stage.SPECIAL_MEASURES)
        assert special.due_at - special.started_at == dt.timedelta(hours=24)
        assert case.next_due_at <= special.due_at
        with pytest.raises(InvalidTransition):
            repeats.mark_repeat(case, u["desk"], first.number, True, "")
        with pytest.raises(InvalidInput):
            repeats.record_special_measures(case, u["super"], "  ")
        repeats.record_special_measures(case, u["super"], "客服部经理当日上门,更换商品并赔偿")
        db.session.commit()
        case = db.session.get(Case, second.id)
        assert stages.open_deadline(case, Stage.SPECIAL_MEASURES) is None
        with pytest.raises(InvalidTransition):  # nothing more is due
            repeats.record_special_measures(case, u["super"], "again")
        kinds = [e.kind for e in db.session.get(Case, second.id).events]
        assert kinds[-2:] == ["marked_repeat", "special_measures"]


def test_another_tenants_case_number_is_not_an_earlier_case(world):
    theirs = open_case(world.b)
    ours = open_case(world.a)
    with tenant_bound(world.a.tenant.id):
        case = db.session.get(Case, ours.id)
        with pytest.raises(InvalidInput):
            repeats.mark_repeat(case, world.a.users["desk"], theirs.number, True, "")
        db.session.rollback()
        assert db.session.get(Case, ours.id).repeat_of_id is None


def test_a_repeat_without_a_defect_is_only_linked(world):
    org = world.a
    first = open_case(org)
    second = open_case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, second.id)
        repeats.mark_repeat(case, org.users["desk"], first.number, False, "")
        db.session.commit()
        case = db.session.get(Case, second.id)
        assert case.repeat_of_id == first.id and case.priority is Priority.NORMAL
        assert stages.open_deadline(case, Stage.SPECIAL_MEASURES) is None


def test_rectification_is_ordered_to_the_unit_at_fault_and_supervised_until_done(world):
    org = world.a
    u = org.users
    case = open_case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case.id)
        dispatch.dispatch_case(case, u["super"], u["ops_li"].department_id, u["ops_li"].id)
        cs = u["cs_head"].department_id
        with pytest.raises(Forbidden):  # a handler does not order rectification
            rectification.order_rectification(case, u["ops_li"], cs, "整改收银流程")
        with pytest.raises(InvalidInput):
            rectification.order_rectification(case, u["super"], cs, "")
        rectification.order_rectification(case, u["super"], cs, "价签与系统价格不一致,全面核对")
        db.session.commit()
        case = db.session.get(Case, case.id)
        deadline = stages.open_deadline(case, Stage.RECTIFICATION)
        assert deadline.target == "10 working_days"
        assert db.session.scalars(sa.select(Rectification)).one().deadline_id == deadline.id
        # Reminders and escalation go to the unit ordered to rectify, not the case's handler.
        assert [p.id for p in alerts.responsible(case, Stage.RECTIFICATION)] == [u["cs_head"].id]
        notified = db.session.scalars(
            sa.select(Notification.user_id).where(Notification.kind == "rectification")
        ).all()
        assert notified == [u["cs_head"].id]
        with pytest.raises(InvalidTransition):  # one open order at a time
            rectification.order_rectification(case, u["super"], cs, "再次")

        # The case is answered, revisited and archived; the rectification is still watched.
        handling.record_result(case, u["ops_li"], "已退还差价")
        handling.send_result(case, u["ops_li"])
        revisits.record_revisit(case, u["desk"], "phone", True, 4)
        db.session.commit()
        case = db.session.get(Case, case.id)
        assert case.status is Status.CLOSED
        assert case.next_due_at == deadline.due_at  # the badge still shows it
        for outsider in (u["ops_li"], u["ops_head"]):  # the case's own unit is not at fault
            with pytest.raises(Forbidden):
                rectification.complete_rectification(case, outsider, "已整改")
        rectification.complete_rectification(case, u["cs_head"], "已逐一核对价签并培训收银员")
        db.session.commit()
        case = db.session.get(Case, case.id)
        order = db.session.scalars(sa.select(Rectification)).one()
        assert order.done_by_id == u["cs_head"].id and order.report
        assert stages.open_deadline(case, Stage.RECTIFICATION) is None
        assert case.next_due_at is None
