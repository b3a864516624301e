"""The complainant adds information or a file to their case (issue 10, 补充材料)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from casework.errors import InvalidInput, InvalidTransition
from casework.models import Attachment, Case, CaseEvent, Message, Notification
from casework.operations import complainant, dispatch, handling
from casework.operations.intake import MAX_ATTACHMENT_BYTES
from casework.states import EventKind, NotificationKind, Status
from jobs import notify
from tenants.db import db, tenant_bound
from tenants.models import Department
from tests.conftest import open_case

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(17)


def _notified(org, case_id: int) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(Notification.user_id).where(
                Notification.case_id == case_id,
                Notification.kind == NotificationKind.COMPLAINANT_INFO,
            )
        )
    )


def test_text_is_recorded_in_their_name_shown_to_them_and_rings_the_handler(world):
    org = world.a
    case_id = open_case(org).id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        handler = org.users["ops_li"]
        dispatch.dispatch_case(case, org.users["desk"], handler.department_id, handler.id)
        complainant.add_information(case, "  我还有一张小票的照片。 ")
        db.session.commit()
        ev = db.session.scalars(
            sa.select(CaseEvent).where(CaseEvent.kind == EventKind.COMPLAINANT_ADDED)
        ).one()
        assert ev.public and ev.actor_id is None and ev.actor_label == case.complainant_name
        assert ev.public_text == "我还有一张小票的照片。"
        assert _notified(org, case_id) == {handler.id}


def test_a_file_is_stored_and_the_entry_names_it(world):
    org = world.a
    case_id = open_case(org).id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        complainant.add_information(case, "", "小票.png", PNG)
        db.session.commit()
        att = db.session.scalars(sa.select(Attachment).where(Attachment.case_id == case_id)).one()
        assert att.content_type == "image/png" and att.data == PNG
        ev = db.session.scalars(
            sa.select(CaseEvent).where(CaseEvent.kind == EventKind.COMPLAINANT_ADDED)
        ).one()
        assert ev.changes == {"attachment_id": att.id, "attachment": att.filename}
        # Not yet dispatched: the intake clerks hear of it.
        assert _notified(org, case_id) == {org.users["desk"].id}


def test_without_a_handler_the_department_head_hears_of_it(world):
    org = world.a
    case_id = open_case(org).id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        unit = org.users["ops_head"].department_id
        dispatch.dispatch_case(case, org.users["desk"], unit, None)
        complainant.add_information(case, "补充说明")
        db.session.commit()
        assert org.users["ops_head"].id in _notified(org, case_id)


@pytest.mark.parametrize(
    ("text", "name", "data", "field"),
    [
        ("", "", b"", "text"),
        ("   ", "", b"", "text"),
        ("长" * (complainant.MAX_TEXT + 1), "", b"", "text"),
        ("", "photo.png", b"MZ\x90\x00" + bytes(60), "attachment"),  # a program called .png
        ("", "big.png", PNG + bytes(MAX_ATTACHMENT_BYTES), "attachment"),
    ],
)
def test_empty_too_long_or_unaccepted_files_are_refused(world, text, name, data, field):
    org = world.a
    case_id = open_case(org).id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        with pytest.raises(InvalidInput) as refused:
            complainant.add_information(case, text, name, data)
        assert refused.value.field == field
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0


def test_a_closed_case_takes_nothing_more(world):
    org = world.a
    case_id = open_case(org).id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        case.status = Status.CLOSED
        with force_locale("en"), pytest.raises(InvalidTransition, match="closed"):
            complainant.add_information(case, "还有一件事")


def _mails(org, to: str = "zhang@example.com") -> list[Message]:
    with tenant_bound(org.tenant.id):
        return list(
            db.session.scalars(sa.select(Message).where(Message.to == to).order_by(Message.id))
        )


def test_a_note_for_the_complainant_is_mailed_once_an_internal_one_never(app, world):
    org = world.a
    case_id = open_case(org, email="zhang@example.com").id
    handler = org.users["ops_li"]
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        dispatch.dispatch_case(case, org.users["desk"], handler.department_id, handler.id)
        handling.add_note(case, handler, "内部调查记录:监控显示店员推搡")
        handling.add_note(case, handler, "已调取监控,正在核实")
        handling.add_note(case, handler, "已调取监控,正在核实", public=True)
        db.session.commit()
        note = db.session.scalars(
            sa.select(CaseEvent).where(CaseEvent.kind == EventKind.NOTE, CaseEvent.public)
        ).one()
    progress = [m for m in _mails(org) if m.dedupe_key.startswith("progress:")]
    assert [m.dedupe_key for m in progress] == [f"progress:{note.id}"]
    assert "已调取监控,正在核实" in progress[0].body and case.number in progress[0].body
    assert f"/t/{org.slug}/status?number={case.number}" in progress[0].body
    assert "推搡" not in progress[0].body
    # The job run again (a retry) sends nothing twice.
    with tenant_bound(org.tenant.id):
        notify.progress(case_id, note.id)
    assert len([m for m in _mails(org) if m.dedupe_key.startswith("progress:")]) == 1


def test_an_internal_note_or_no_address_sends_nothing(world):
    org = world.a
    case_id = open_case(org).id  # no email given
    handler = org.users["ops_li"]
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        dispatch.dispatch_case(case, org.users["desk"], handler.department_id, handler.id)
        handling.add_note(case, handler, "给投诉人的说明", public=True)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 0


def test_dispatch_tells_the_complainant_the_unit_once(world):
    org = world.a
    case_id = open_case(org, email="zhang@example.com").id
    handler = org.users["ops_li"]
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        unit = db.session.get(Department, handler.department_id).name
        dispatch.dispatch_case(case, org.users["desk"], handler.department_id, None, "内部派单说明")
        db.session.commit()
        # The same unit again, now with a handler: nothing new for the complainant.
        dispatch.dispatch_case(case, org.users["desk"], handler.department_id, handler.id)
        db.session.commit()
    sent = [m for m in _mails(org) if m.dedupe_key.startswith("dispatched:")]
    assert len(sent) == 1
    assert unit in sent[0].body and "内部派单说明" not in sent[0].body


def test_confirming_the_unit_intake_chose_still_names_it(world):
    org = world.a
    case_id = open_case(org, email="zhang@example.com").id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        routed = case.department_id or org.users["ops_li"].department_id
        case.department_id = routed
        unit = db.session.get(Department, routed).name
        dispatch.dispatch_case(case, org.users["desk"], routed, None)
        db.session.commit()
        assert list(complainant.units_told(case).values()) == [unit]
    [sent] = [m for m in _mails(org) if m.dedupe_key.startswith("dispatched:")]
    assert unit in sent.body
