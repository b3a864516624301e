"""Extensions (延期), urging (催办) and supervision (督办): recorded acts with deadlines."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from casework import stages
from casework.errors import Forbidden, InvalidTransition
from casework.models import Case, CaseEvent, Extension, Message, Notification, Oversight
from casework.operations import extensions, handling, oversight
from casework.states import Stage
from tenants.db import db, tenant_bound
from tests.conftest import dispatched_case, set_domain_clock


def _dispatched(org):
    return dispatched_case(org, email="zhang@example.com")


def test_extension_is_asked_decided_counted_and_told(world):
    org = world.a
    u = org.users
    case_id = _dispatched(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        before = case.reply_due_at
        extensions.request_extension(case, u["ops_li"], 3, "需要调取监控,厂家周五答复")
        with pytest.raises(InvalidTransition):  # one request at a time
            extensions.request_extension(case, u["ops_li"], 2, "再延")
        with pytest.raises(Forbidden):  # the head of another unit may not decide
            extensions.decide_extension(case, u["cs_head"], True)
        extensions.decide_extension(case, u["ops_head"], True, "同意")
        db.session.commit()
        case = db.session.get(Case, case_id)
        assert case.reply_due_at > before
        assert stages.open_deadline(case, Stage.RESULT).round == 1
        ext = db.session.scalars(sa.select(Extension)).one()
        assert (ext.status, ext.days, ext.decided_by_id) == ("approved", 3, u["ops_head"].id)
        public = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.kind == "extended")).one()
        assert public.public  # the complainant sees the new date on the status page
        mail = db.session.scalars(sa.select(Message).where(Message.dedupe_key.like("extension:%")))
        assert [m.to for m in mail] == ["zhang@example.com"]


def test_refused_extension_leaves_the_due_date(world):
    org = world.a
    u = org.users
    case_id = _dispatched(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        before = case.reply_due_at
        extensions.request_extension(case, u["ops_li"], 3, "理由")
        extensions.decide_extension(case, u["ops_head"], False, "请按期办结")
        db.session.commit()
        assert db.session.get(Case, case_id).reply_due_at == before


def test_urging_notice_has_a_deadline_the_handlers_work_meets(world):
    org = world.a
    u = org.users
    case_id = _dispatched(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        oversight.urge_case(case, u["super"], "请今天内联系投诉人")
        db.session.commit()
        deadline = stages.open_deadline(case, Stage.URGE_RESPONSE)
        assert deadline is not None
        told = set(
            db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == "urge"))
        )
        assert told == {u["ops_li"].id, u["ops_head"].id}  # the handler, copied to the head
        handling.record_contact(case, u["ops_li"], "phone", "已联系")
        db.session.commit()
        assert stages.open_deadline(case, Stage.URGE_RESPONSE) is None
        assert (
            db.session.scalar(
                sa.select(sa.func.count(Oversight.id)).where(Oversight.kind == "urge")
            )
            == 1
        )


def test_supervision_lasts_until_the_result_is_sent(world):
    org = world.a
    u = org.users
    case_id = _dispatched(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        with pytest.raises(Forbidden):  # department heads urge, only supervisors supervise
            oversight.supervise_case(case, u["ops_head"], "督办")
        oversight.supervise_case(case, u["super"], "三日内办结")
        with pytest.raises(InvalidTransition):
            oversight.supervise_case(case, u["super"], "再次督办")
        assert case.under_supervision
        handling.record_result(case, u["ops_li"], "已处理")
        handling.send_result(case, u["ops_li"])
        db.session.commit()
        assert stages.open_deadline(case, Stage.SUPERVISION) is None


def test_pausing_stops_the_clocks_and_resuming_moves_the_deadlines(world, monkeypatch):
    import datetime as dt

    from casework import alerts, queue

    org = world.a
    u = org.users
    case_id = _dispatched(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        before = case.reply_due_at
        extensions.pause_case(case, u["ops_li"], "等待投诉人提供购物小票")
        db.session.commit()
        assert queue.deadline_state(case) == ""
        with pytest.raises(InvalidTransition):
            extensions.pause_case(case, u["ops_li"], "再次")
        paused_at = case.paused_at
    # Nothing is swept while the clocks are stopped, however late it gets.
    assert alerts.sweep(paused_at + dt.timedelta(days=30)) == 0
    later = paused_at + dt.timedelta(days=2)
    set_domain_clock(monkeypatch, lambda: later)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        extensions.resume_case(case, u["ops_li"])
        db.session.commit()
        assert case.reply_due_at == before + dt.timedelta(days=2)
        assert case.next_due_at is not None and case.paused_at is None
        kinds = [e.kind for e in case.events]
    assert kinds[-2:] == ["paused", "resumed"]
