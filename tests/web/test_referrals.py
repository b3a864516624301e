"""Out of scope (CITY-5) on the desk and the status page: refer out, return to the
forwarding office, the forwarding office at intake."""

from __future__ import annotations

import sqlalchemy as sa

from casework.models import Case, Letter, Message
from casework.states import Closure, Status
from tenants.db import db, tenant_bound
from tests.conftest import dispatched_case, login, open_case

REASON = "房屋租赁纠纷不属本商场职责"
BODY = "区住房和城乡建设局"
HOTLINE = "市12345政务服务便民热线"


def _case(org, case_id: int) -> Case:
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        db.session.expunge(case)
        return case


def test_intake_refers_a_case_out_from_its_page(client, world):
    org = world.a
    case_id = open_case(org, "desk", email="zhang@example.com").id
    login(client, org, "desk")
    page = client.get(f"/t/{org.slug}/desk/cases/{case_id}?lang=en").text
    assert 'data-action="refer_out"' in page
    assert 'data-action="return_upstream"' not in page  # not forwarded by anyone
    url = f"/t/{org.slug}/desk/cases/{case_id}/refer_out?lang=en"
    empty = client.post(url, data={"refer_out-reason": " ", "refer_out-body": BODY})
    assert empty.status_code == 422
    long = client.post(url, data={"refer_out-reason": REASON, "refer_out-body": "x" * 101})
    assert long.status_code == 422 and "100 characters" in long.text
    assert _case(org, case_id).status is Status.ACCEPTED
    done = client.post(
        url,
        data={"refer_out-reason": REASON, "refer_out-body": BODY, "refer_out-contact": "12345"},
    )
    assert done.status_code == 303
    case = _case(org, case_id)
    assert case.status is Status.CLOSED and case.closure is Closure.REFERRED_OUT
    page = client.get(f"/t/{org.slug}/desk/cases/{case_id}?lang=en").text
    assert 'data-testid="out-of-scope"' in page and BODY in page and REASON in page
    assert "Closed as referred out" in page
    queue = client.get(f"/t/{org.slug}/desk/?status=closed&lang=en").text
    assert case.number in queue and "Closed as referred out" in queue
    # The complainant got the referral notice by mail, with the letter.
    with tenant_bound(org.tenant.id):
        letter = db.session.scalars(
            sa.select(Letter).where(Letter.case_id == case_id, Letter.kind == "referral")
        ).one()
        mail = db.session.scalars(
            sa.select(Message).where(Message.dedupe_key == f"referral:{case_id}")
        ).one()
    assert mail.to == "zhang@example.com" and mail.letter_id == letter.id
    assert BODY in mail.body and REASON in mail.body and "12345" in mail.body


def test_the_status_page_shows_the_referral_and_its_letter(client, world):
    org = world.a
    case_id = open_case(org, "desk").id
    login(client, org, "desk")
    client.post(
        f"/t/{org.slug}/desk/cases/{case_id}/refer_out",
        data={"refer_out-reason": REASON, "refer_out-body": BODY},
    )
    client.post(f"/t/{org.slug}/desk/logout")
    case = _case(org, case_id)
    public = app_client = client
    public.post(f"/t/{org.slug}/status", data={"number": case.number, "factor": case.access_code})
    page = app_client.get(f"/t/{org.slug}/status/{case.number}?lang=zh_CN").text
    assert REASON in page and BODY in page and 'data-testid="referred-to"' in page
    assert f"/status/{case.number}/referral.pdf" in page
    pdf = app_client.get(f"/t/{org.slug}/status/{case.number}/referral.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"


def test_a_case_not_referred_has_no_referral_letter(client, world):
    org = world.a
    case = open_case(org)
    client.post(f"/t/{org.slug}/status", data={"number": case.number, "factor": case.access_code})
    assert client.get(f"/t/{org.slug}/status/{case.number}/referral.pdf").status_code == 404


def test_a_forwarded_case_goes_back_to_the_hotline(client, world):
    org = world.a
    login(client, org, "desk")
    form = client.get(f"/t/{org.slug}/desk/intake/?lang=en").text
    assert 'name="forwarded_by"' in form and 'name="forwarded_ref"' in form
    case_id = open_case(
        org, "desk", forwarded_by=HOTLINE, forwarded_ref="GD2026120600123", email="z@example.com"
    ).id
    page = client.get(f"/t/{org.slug}/desk/cases/{case_id}?lang=en").text
    assert 'data-testid="forwarded-by"' in page and "GD2026120600123" in page
    assert 'data-action="return_upstream"' in page
    url = f"/t/{org.slug}/desk/cases/{case_id}/return_upstream?lang=en"
    missing = client.post(url, data={"return_upstream-reason": REASON})
    assert missing.status_code == 422
    done = client.post(
        url, data={"return_upstream-reason": REASON, "return_upstream-destination": "区住建局"}
    )
    assert done.status_code == 303
    case = _case(org, case_id)
    assert case.closure is Closure.RETURNED_UPSTREAM
    page = client.get(f"/t/{org.slug}/desk/cases/{case_id}?lang=en").text
    assert "Returned to the forwarding office" in page and "区住建局" in page
    queue = client.get(f"/t/{org.slug}/desk/?status=closed&lang=en").text
    assert "Closed as returned to the forwarding office" in queue
    # No letter and no mail: the higher office answers the person.
    with tenant_bound(org.tenant.id):
        assert not db.session.scalars(sa.select(Letter).where(Letter.kind == "referral")).all()
        assert not db.session.scalars(
            sa.select(Message).where(Message.dedupe_key.like("referral:%"))
        ).all()
    client.post(f"/t/{org.slug}/desk/logout")
    client.post(f"/t/{org.slug}/status", data={"number": case.number, "factor": case.access_code})
    status = client.get(f"/t/{org.slug}/status/{case.number}?lang=en").text
    assert HOTLINE in status and REASON not in status


def test_a_reference_without_its_office_is_a_form_error(client, world):
    org = world.a
    login(client, org, "desk")
    with tenant_bound(org.tenant.id):
        category = org.category("price").id
    response = client.post(
        f"/t/{org.slug}/desk/intake/?lang=en",
        data={
            "channel": "phone",
            "category_id": str(category),
            "description": "收银员多收了 60 元",
            "name": "张伟",
            "phone": "13812345678",
            "preferred_contact": "phone",
            "forwarded_ref": "GD1",
            "subject_user_id": "0",
            "direct_manager_id": "0",
        },
    )
    assert response.status_code in (200, 422)
    assert "Name the office that forwarded the case." in response.text


def test_a_handler_is_not_offered_either(client, world):
    org = world.a
    case_id = dispatched_case(org)
    login(client, org, "ops_li")
    page = client.get(f"/t/{org.slug}/desk/cases/{case_id}").text
    assert 'data-action="refer_out"' not in page
    response = client.post(
        f"/t/{org.slug}/desk/cases/{case_id}/refer_out",
        data={"refer_out-reason": REASON, "refer_out-body": BODY},
    )
    assert response.status_code in (403, 422)
    assert _case(org, case_id).status is Status.DISPATCHED
