"""Which texts a change asks for (casework.texting): only for a complainant who chose 短信 and
left a number, one outbox row per text, nothing for staff-only entries."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from casework import texting
from casework.models import Case, PendingJob
from casework.operations import dispatch, handling
from casework.states import ContactMethod
from tenants.db import db, tenant_bound, unscoped
from tests.conftest import open_case


def _asked() -> list[tuple[str, dict]]:
    with unscoped():
        rows = db.session.scalars(
            sa.select(PendingJob).where(PendingJob.name.startswith("sms.")).order_by(PendingJob.id)
        )
        return [(r.name, dict(r.args)) for r in rows]


def test_intake_asks_for_the_receipt_only_when_texts_were_chosen(world):
    open_case(world.a)
    open_case(world.a, preferred_contact=ContactMethod.SMS.value, phone="", email="z@example.com")
    assert _asked() == []
    case = open_case(world.a, preferred_contact=ContactMethod.SMS.value)
    assert _asked() == [("sms.receipt", {"case_id": case.id})]


def test_a_public_note_and_a_dispatch_ask_for_texts_an_internal_note_does_not(world):
    org = world.a
    case_id = open_case(org, preferred_contact=ContactMethod.SMS.value).id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        ops = org.users["ops_li"]
        dispatch.dispatch_case(case, org.users["super"], ops.department_id, ops.id)
        handling.add_note(case, ops, "内部记录", public=False)
        handling.add_note(case, ops, "已联系商户，三日内答复。", public=True)
        db.session.commit()
    names = [name for name, _args in _asked()]
    assert names == ["sms.receipt", "sms.dispatched", "sms.progress"]
    # No email address: no mail job, the text alone.
    with unscoped():
        assert not db.session.scalar(
            sa.select(sa.func.count(PendingJob.id)).where(PendingJob.name.startswith("notify."))
        )


def test_the_revisit_link_needs_a_number_and_an_address(world):
    org = world.a
    with tenant_bound(org.tenant.id):
        no_phone = db.session.get(Case, open_case(org, phone="", email="z@example.com").id)
        assert texting.text_revisit(no_phone, "https://x.test/r/1", 1) is None
        case = db.session.get(Case, open_case(org).id)
        with pytest.raises(ValueError):
            texting.text_revisit(case, "/r/1", 1)
        row = texting.text_revisit(case, "https://x.test/r/1", 1)
        assert row.name == "sms.revisit"
        assert row.args == {"case_id": case.id, "link": "https://x.test/r/1", "key": "1"}
        db.session.rollback()


def test_the_sign_name_is_the_tenants_own_or_its_name(world):
    with tenant_bound(world.a.tenant.id):
        tenant = db.session.merge(world.a.tenant)
        assert texting.sign_name(tenant) == tenant.name[:12]
        texting.set_gateway(tenant, None, "log", sign="星河")
        assert texting.sign_name(tenant) == "星河"
        db.session.rollback()


def test_a_test_text_needs_a_mobile_number(world):
    from casework.errors import InvalidInput

    with tenant_bound(world.a.tenant.id):
        for wrong in ("", "010-65123456", "12"):
            with pytest.raises(InvalidInput):
                texting.ask_test(wrong)
        assert texting.ask_test("13900001111").args["to"] == "+8613900001111"
        db.session.rollback()
