"""A mail waiting for acceptance (待受理, CO-2) on the desk: the queue's filter, the case page's
accept and decline, the acknowledgement sent at acceptance and not before."""

from __future__ import annotations

import sqlalchemy as sa

from casework.models import Case, Message
from casework.operations import mail as mail_ops
from casework.states import Closure, Status
from tenants.db import db, tenant_bound, utcnow
from tests.conftest import login, open_case


def mail_case(org, sender: str = "wang.fang@example.com") -> Case:
    """A mail as the mailbox job takes it, committed; the case (detached)."""
    with tenant_bound(org.tenant.id):
        mail = mail_ops.Mail(sender, "王芳", "超市收银多收钱", "多收了 60 元。", utcnow())
        case_id = mail_ops.take(org.tenant, mail)[1].id
        db.session.commit()
    return _case(org, case_id)


def _case(org, case_id: int) -> Case:
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        db.session.expunge(case)
        return case


def _mails(org, case_id: int) -> list[Message]:
    with tenant_bound(org.tenant.id):
        return db.session.scalars(sa.select(Message).where(Message.case_id == case_id)).all()


def test_the_queue_lists_the_mails_waiting_for_acceptance(client, world):
    org = world.a
    waiting = mail_case(org)
    accepted = _case(org, open_case(org, "desk").id)
    login(client, org, "desk")
    page = client.get(f"/t/{org.slug}/desk/?status=received&lang=en").text
    assert '<option selected value="received">Waiting for acceptance</option>' in page
    assert waiting.number in page and accepted.number not in page
    zh = client.get(f"/t/{org.slug}/desk/?status=received&lang=zh_CN").text
    assert "待受理" in zh


def test_a_clerk_accepts_a_mail_and_the_receipt_goes_then(client, world):
    org = world.a
    case = mail_case(org)
    assert _mails(org, case.id) == []  # nothing to the sender before acceptance
    login(client, org, "desk")
    page = client.get(f"/t/{org.slug}/desk/cases/{case.id}?lang=en").text
    assert 'data-action="accept"' in page and 'data-action="decline"' in page
    assert 'data-action="dispatch"' not in page  # accepted first, then dispatched
    assert 'data-testid="waiting-acceptance"' in page and "Waiting for acceptance" in page
    done = client.post(f"/t/{org.slug}/desk/cases/{case.id}/accept?lang=en", data={})
    assert done.status_code == 303
    accepted = _case(org, case.id)
    assert accepted.status is Status.ACCEPTED
    assert accepted.accepted_by_id == org.users["desk"].id
    [ack] = _mails(org, case.id)
    assert ack.to == "wang.fang@example.com" and ack.dedupe_key == f"ack:{case.id}"
    page = client.get(f"/t/{org.slug}/desk/cases/{case.id}?lang=en").text
    assert "Complaint accepted" in page and 'data-action="accept"' not in page
    again = client.post(f"/t/{org.slug}/desk/cases/{case.id}/accept?lang=en", data={})
    assert again.status_code == 422 and "cannot take this action" in again.text


def test_declining_needs_a_reason_in_the_users_language(client, world):
    org = world.a
    case = mail_case(org, "promo@example.com")
    login(client, org, "desk")
    url = f"/t/{org.slug}/desk/cases/{case.id}/decline"
    empty = client.post(f"{url}?lang=zh_CN", data={"decline-reason": "  "})
    assert empty.status_code == 422 and "请说明此邮件为何不是投诉。" in empty.text
    assert _case(org, case.id).status is Status.RECEIVED
    done = client.post(f"{url}?lang=en", data={"decline-reason": "广告邮件"})
    assert done.status_code == 303
    closed = _case(org, case.id)
    assert closed.status is Status.CLOSED and closed.closure is Closure.NOT_ACCEPTED
    assert _mails(org, case.id) == []
    page = client.get(f"/t/{org.slug}/desk/cases/{case.id}?lang=en").text
    assert "Closed as not accepted" in page and "广告邮件" in page


def test_a_handler_is_not_offered_acceptance(client, world):
    org = world.a
    case = mail_case(org)
    login(client, org, "ops_li")
    refused = client.post(f"/t/{org.slug}/desk/cases/{case.id}/accept", data={})
    assert refused.status_code in (403, 404, 422)
    assert _case(org, case.id).status is Status.RECEIVED
