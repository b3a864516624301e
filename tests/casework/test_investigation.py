"""Investigation in depth (CO-3, HOSP-5, ESTATE-2): assisting units, the group, evidence."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from casework import access, alerts, stages
from casework.errors import Forbidden, InvalidInput, InvalidTransition
from casework.models import Alert, Assist, Attachment, Case, CaseEvent, Deadline, Notification
from casework.operations import guards, handling, investigation
from casework.states import (
    Action,
    AttachmentSource,
    DeadlineState,
    EventKind,
    GroupRole,
    Stage,
    Status,
)
from tenants.db import db, tenant_bound
from tenants.models import Department
from tests.conftest import dispatched_case

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _dept(code: str) -> int:
    return db.session.scalar(sa.select(Department.id).where(Department.code == code))


def _events(case: Case, kind: EventKind) -> list[CaseEvent]:
    return [e for e in case.events if e.kind is kind]


@pytest.fixture
def mall(world):
    org = world.a
    case_id = dispatched_case(org, "ops_li")
    return org, case_id


def test_the_lead_asks_a_unit_to_assist_with_its_own_deadline_and_its_head_is_told(mall):
    org, case_id = mall
    u = org.users
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        assist = investigation.ask_assist(case, u["ops_li"], _dept("cs"), "核实服务台当日记录")
        db.session.commit()
        assist = db.session.get(Assist, assist.id)
        deadline = db.session.get(Deadline, assist.deadline_id)
        assert deadline.stage is Stage.ASSIST and deadline.target == "3 working_days"
        assert assist.is_open and assist.instructions == "核实服务台当日记录"
        (event,) = _events(case, EventKind.ASSIST_ASKED)
        assert event.changes["assist_department"] == [None, "客服部"]
        assert event.changes["due"][1] is not None and not event.public
        told = db.session.scalars(
            sa.select(Notification.user_id).where(Notification.kind == "assist")
        ).all()
        assert told == [u["cs_head"].id]


def test_asking_refuses_the_lead_unit_itself_a_second_open_ask_and_no_text(mall):
    org, case_id = mall
    u = org.users
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        for dept, text, field in (
            (_dept("ops"), "自己", "department_id"),
            (None, "无部门", "department_id"),
            (_dept("cs"), "  ", "instructions"),
        ):
            with pytest.raises(InvalidInput) as exc:
                investigation.ask_assist(case, u["ops_li"], dept, text)
            assert exc.value.field == field
        investigation.ask_assist(case, u["ops_li"], _dept("cs"), "一")
        with pytest.raises(InvalidInput):
            investigation.ask_assist(case, u["ops_li"], _dept("cs"), "二")
        # Two units at once, each with its own deadline.
        investigation.ask_assist(case, u["super"], _dept("security"), "调监控")
        db.session.commit()
        case = db.session.get(Case, case_id)
        assert len(investigation.open_assists(case)) == 2
        assert len([d for d in stages.of_case(case) if d.stage is Stage.ASSIST]) == 2


def test_the_assisting_unit_answers_its_part_with_a_file_and_only_its_deadline_is_met(mall):
    org, case_id = mall
    u = org.users
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        cs = investigation.ask_assist(case, u["ops_li"], _dept("cs"), "核实")
        sec = investigation.ask_assist(case, u["ops_li"], _dept("security"), "调监控")
        db.session.commit()
        case = db.session.get(Case, case_id)
        with pytest.raises(Forbidden):  # the lead unit does not answer for the assisting one
            investigation.answer_assist(case, u["ops_li"], "我来答")
        with pytest.raises(InvalidInput):
            investigation.answer_assist(case, u["cs_zhou"], " ")
        investigation.answer_assist(case, u["cs_zhou"], "记录显示多收 60 元", "记录.png", PNG)
        db.session.commit()
        case = db.session.get(Case, case_id)
        cs, sec = db.session.get(Assist, cs.id), db.session.get(Assist, sec.id)
        assert cs.answered_by_id == u["cs_zhou"].id and not cs.is_open and sec.is_open
        assert db.session.get(Deadline, cs.deadline_id).done_at is not None
        assert db.session.get(Deadline, sec.deadline_id).done_at is None
        (event,) = _events(case, EventKind.ASSIST_ANSWERED)
        assert event.body == "记录显示多收 60 元" and "late" not in event.changes
        att = db.session.get(Attachment, event.changes["attachment_id"])
        assert att.source is AttachmentSource.ASSIST and att.added_by_id == u["cs_zhou"].id
        assert att.filename.endswith(".png")
        # Answered: the unit has nothing more to answer.
        assert Action.ANSWER_ASSIST not in guards.available_actions(case, u["cs_zhou"])
        with pytest.raises(Forbidden):
            investigation.answer_assist(case, u["cs_head"], "再答")


def test_a_late_answer_is_recorded_as_late(mall):
    org, case_id = mall
    u = org.users
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        assist = investigation.ask_assist(case, u["ops_li"], _dept("cs"), "核实")
        db.session.commit()
        deadline = db.session.get(Deadline, db.session.get(Assist, assist.id).deadline_id)
        deadline.started_at -= dt.timedelta(days=30)
        deadline.due_at -= dt.timedelta(days=20)
        db.session.commit()
        case = db.session.get(Case, case_id)
        investigation.answer_assist(case, u["cs_head"], "迟到的答复")
        db.session.commit()
        (event,) = _events(db.session.get(Case, case_id), EventKind.ASSIST_ANSWERED)
        assert event.changes["late"] is True
        deadline = db.session.get(Deadline, deadline.id)
        assert stages.state(deadline.due_at, deadline.done_at, done_at=deadline.done_at) is (
            DeadlineState.LATE
        )


def test_the_result_waits_for_the_assists_or_says_why_and_closes_them(mall):
    org, case_id = mall
    u = org.users
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        assist = investigation.ask_assist(case, u["ops_li"], _dept("cs"), "核实")
        db.session.commit()
        case = db.session.get(Case, case_id)
        with pytest.raises(InvalidInput) as exc:
            handling.record_result(case, u["ops_li"], "已退款")
        assert exc.value.field == "not_waiting_reason"
        db.session.rollback()
        case = db.session.get(Case, case_id)
        assert case.status is Status.DISPATCHED and db.session.get(Assist, assist.id).is_open
        handling.record_result(
            case, u["ops_li"], "已退款", not_waiting_reason="投诉人已确认,无需服务台答复"
        )
        db.session.commit()
        case = db.session.get(Case, case_id)
        assist = db.session.get(Assist, assist.id)
        assert case.status is Status.RESOLVED
        assert assist.withdrawn_at is not None and not assist.is_open
        assert assist.withdrawn_reason == "投诉人已确认,无需服务台答复"
        assert db.session.get(Deadline, assist.deadline_id).done_at is not None
        (event,) = _events(case, EventKind.ASSIST_WITHDRAWN)
        assert event.changes["assist_department"] == "客服部"
        assert event.changes["not_waiting_reason"] == [None, "投诉人已确认,无需服务台答复"]


def test_a_result_after_every_answer_needs_no_reason(mall):
    org, case_id = mall
    u = org.users
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        investigation.ask_assist(case, u["ops_li"], _dept("cs"), "核实")
        investigation.answer_assist(case, u["cs_zhou"], "已核实")
        handling.record_result(case, u["ops_li"], "已退款")
        db.session.commit()
        case = db.session.get(Case, case_id)
        assert case.status is Status.RESOLVED
        assert _events(case, EventKind.ASSIST_WITHDRAWN) == []


def test_an_assists_alerts_go_to_the_assisting_units_head(mall):
    org, case_id = mall
    u = org.users
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        assist = investigation.ask_assist(case, u["ops_li"], _dept("cs"), "核实")
        db.session.commit()
        deadline = db.session.get(Deadline, db.session.get(Assist, assist.id).deadline_id)
        due, deadline_id = deadline.due_at, deadline.id
        case = db.session.get(Case, case_id)
        responsible = alerts.responsible(case, Stage.ASSIST, deadline_id)
        assert [p.id for p in responsible] == [u["cs_head"].id]
    alerts.sweep(due + dt.timedelta(minutes=1))
    with tenant_bound(org.tenant.id):
        (alert,) = db.session.scalars(sa.select(Alert).where(Alert.deadline_id == deadline_id))
        assert alert.kind == "overdue"
        told = set(
            db.session.scalars(
                sa.select(Notification.user_id).where(Notification.alert_id == alert.id)
            )
        )
        # The assisting unit's head, and the lead unit's head who waits for it; not the handler.
        assert told == {u["cs_head"].id, u["ops_head"].id}


def test_the_investigation_group_members_lead_and_removal(mall):
    org, case_id = mall
    u = org.users
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        with pytest.raises(InvalidTransition):
            investigation.remove_member(case, u["ops_li"], u["cs_zhou"].id)
        with pytest.raises(InvalidInput):  # an intake clerk sits in no group
            investigation.add_member(case, u["ops_li"], u["desk"].id)
        with pytest.raises(InvalidInput):
            investigation.add_member(case, u["ops_li"], u["cs_zhou"].id, "boss")
        investigation.add_member(case, u["ops_li"], u["cs_zhou"].id, "lead")
        with pytest.raises(InvalidInput):  # already in it
            investigation.add_member(case, u["ops_li"], u["cs_zhou"].id)
        investigation.add_member(case, u["super"], u["cs_head"].id, GroupRole.LEAD)
        db.session.commit()
        case = db.session.get(Case, case_id)
        roles = {m.user_id: m.role for m in guards.Facts(case).members}
        assert roles == {u["cs_zhou"].id: GroupRole.MEMBER, u["cs_head"].id: GroupRole.LEAD}
        added = _events(case, EventKind.MEMBER_ADDED)
        assert [e.changes["group_role"] for e in added] == [
            [None, "lead"],
            ["lead", "member"],
            [None, "lead"],
        ]
        # A member works the evidence but not the lead's actions.
        zhou = u["cs_zhou"]
        offered = guards.available_actions(case, zhou)
        assert Action.ADD_EVIDENCE in offered
        assert not {Action.NOTE, Action.RESULT, Action.ASK_ASSIST, Action.ADD_MEMBER} & set(offered)
        with pytest.raises(Forbidden):
            investigation.remove_member(case, zhou, u["cs_head"].id)
        investigation.remove_member(case, u["ops_li"], zhou.id)
        with pytest.raises(InvalidInput):
            investigation.remove_member(case, u["ops_li"], zhou.id)
        db.session.commit()
        case = db.session.get(Case, case_id)
        (removed,) = _events(case, EventKind.MEMBER_REMOVED)
        assert removed.changes == {"member": zhou.name, "group_role": ["member", None]}
        with pytest.raises(Forbidden):
            investigation.add_evidence(case, zhou, "离组后")


def test_evidence_from_staff_follows_the_upload_rules_and_is_marked(mall):
    org, case_id = mall
    u = org.users
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        with pytest.raises(InvalidInput) as exc:
            investigation.add_evidence(case, u["ops_li"], "程序", "photo.jpg", b"MZ\x90\0" * 50)
        assert exc.value.field == "attachment"
        with pytest.raises(InvalidInput):
            investigation.add_evidence(case, u["ops_li"], "", "", b"")
        big = PNG + b"\0" * (5 * 1024 * 1024)
        with pytest.raises(InvalidInput):
            investigation.add_evidence(case, u["ops_li"], "大", "big.png", big)
        investigation.add_evidence(case, u["ops_li"], "收银员陈述", "陈述\u202e.txt", b"statement")
        db.session.commit()
        case = db.session.get(Case, case_id)
        (event,) = _events(case, EventKind.EVIDENCE_ADDED)
        att = db.session.get(Attachment, event.changes["attachment_id"])
        assert att.source is AttachmentSource.EVIDENCE and att.added_by_id == u["ops_li"].id
        assert "\u202e" not in att.filename and att.filename.endswith(".txt")
        assert not event.public


def test_assisting_units_and_group_members_see_the_case(mall):
    org, case_id = mall
    u = org.users
    with tenant_bound(org.tenant.id):

        def seen(who: str) -> bool:
            user = db.session.merge(u[who])
            return case_id in access.in_sight(user, [case_id])

        assert not seen("cs_zhou") and not seen("cs_head")
        case = db.session.get(Case, case_id)
        investigation.ask_assist(case, u["ops_li"], _dept("cs"), "核实")
        db.session.commit()
        assert seen("cs_zhou") and seen("cs_head")  # the whole assisting unit
        case = db.session.get(Case, case_id)
        investigation.answer_assist(case, u["cs_zhou"], "已核实")
        db.session.commit()
        assert seen("cs_zhou")  # answered: still in sight, as with rectification


def test_a_group_member_of_another_unit_sees_the_case_until_removed(mall):
    org, case_id = mall
    u = org.users
    with tenant_bound(org.tenant.id):

        def seen() -> bool:
            return case_id in access.in_sight(db.session.merge(u["cs_zhou"]), [case_id])

        assert not seen()
        case = db.session.get(Case, case_id)
        investigation.add_member(case, u["ops_head"], u["cs_zhou"].id)
        db.session.commit()
        assert seen() and not access.in_sight(db.session.merge(u["cs_head"]), [case_id])
        case = db.session.get(Case, case_id)
        investigation.remove_member(case, u["ops_head"], u["cs_zhou"].id)
        db.session.commit()
        assert not seen()
