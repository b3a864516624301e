"""The public portal: filing, the receipt, status lookup without enumeration."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from casework.models import Attachment, Case
from tenants.db import db, tenant_bound, unscoped
from tests.conftest import csrf_token, open_case


def _form(org, **overrides):
    data = {
        "category_id": str(org.category("service").id),
        "description": "服务台工作人员态度冷淡,希望加强培训。",
        "location": "一楼服务台",
        "name": "刘芳",
        "phone": "139 0000 1111",
        "email": "liufang@example.com",
        "preferred_contact": "phone",
    }
    data.update(overrides)
    return data


def _count(org):
    with tenant_bound(org.tenant.id):
        return db.session.scalar(sa.select(sa.func.count(Case.id)))


def test_portal_is_branded_and_chinese_by_default(client, world):
    page = client.get(f"/t/{world.a.slug}/")
    assert page.status_code == 200
    assert world.a.tenant.name in page.text
    assert f'data-brand="{world.a.slug}"' in page.text  # its colours: brand.css (test_security)
    assert "提交" in page.text  # the submit button, translated
    english = client.get(f"/t/{world.a.slug}/?lang=en")
    assert "Submit complaint" in english.text


def test_filing_gives_number_code_and_receipt(client, world):
    response = client.post(f"/t/{world.a.slug}/", data=_form(world.a))
    assert response.status_code == 303
    filed = client.get(response.headers["Location"])
    number = re.search(r'data-testid="case-number">([^<]+)<', filed.text).group(1)
    assert number.startswith("XH")
    receipt = client.get(f"/t/{world.a.slug}/status/{number}/receipt.pdf")
    assert receipt.status_code == 200
    assert receipt.headers["Content-Type"] == "application/pdf"
    assert receipt.data.startswith(b"%PDF")
    with tenant_bound(world.a.tenant.id):
        case = db.session.scalars(sa.select(Case).where(Case.number == number)).one()
        assert case.complainant_phone == "+8613900001111"
        assert case.accepted_by_label == world.a.tenant.duty_contact_name


def test_bad_input_is_a_form_error_and_saves_nothing(client, world):
    for bad, message in (
        ({"description": ""}, ("Please describe", "请描述")),
        ({"phone": "12345"}, ("valid phone", "电话")),
        ({"phone": "", "email": ""}, ("phone number or an email", "电话")),
        ({"email": "not-an-email"}, ("valid email", "邮箱")),
        ({"category_id": "999999"}, ("Not a valid choice", "选择")),
    ):
        response = client.post(f"/t/{world.a.slug}/?lang=en", data=_form(world.a, **bad))
        assert response.status_code == 200, bad
        assert 'class="help is-danger"' in response.text, bad
        assert any(m in response.text for m in message), (bad, message)
    assert _count(world.a) == 0


def test_attachment_is_kept_with_the_case(client, world):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(17)  # a real signature: types are read
    data = _form(world.a, attachment=(io.BytesIO(png), "照片.png"))
    response = client.post(f"/t/{world.a.slug}/", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    with tenant_bound(world.a.tenant.id):
        att = db.session.scalars(sa.select(Attachment)).one()
        assert (att.filename, att.size, att.content_type) == ("照片.png", len(png), "image/png")


def test_status_lookup_by_code_or_whole_phone(client, world):
    case = open_case(world.a)
    for factor in (
        case.access_code,
        case.access_code.lower(),
        "138 1234 5678",
        "+86 138-1234-5678",
    ):
        fresh = client.application.test_client()
        response = fresh.post(
            f"/t/{world.a.slug}/status", data={"number": case.number, "factor": factor}
        )
        assert response.status_code == 303, factor
        page = fresh.get(response.headers["Location"])
        assert page.status_code == 200
        assert case.number in page.text
        # The public page shows the complaint, not where it happened or how to reach them.
        assert "二楼" not in page.text
        assert "5678" not in page.text.replace(case.number, "")


def test_wrong_pairs_and_unknown_numbers_get_the_same_answer(client, world):
    case = open_case(world.a)
    wrong = client.post(
        f"/t/{world.a.slug}/status?lang=en", data={"number": case.number, "factor": "0000"}
    )
    unknown = client.post(
        f"/t/{world.a.slug}/status?lang=en", data={"number": "XH20000101-0001", "factor": "0000"}
    )
    assert wrong.status_code == unknown.status_code == 200

    def strip(text):
        # CSRF tokens carry a timestamp: two requests a second apart get different ones.
        return re.sub(r'value="[^"]*"|"X-CSRFToken": "[^"]*"', "", text)

    assert strip(wrong.text) == strip(unknown.text)
    assert client.get(f"/t/{world.a.slug}/status/{case.number}").status_code == 404


def test_repeated_failures_are_rate_limited(client, world):
    case = open_case(world.a)
    codes = [
        client.post(
            f"/t/{world.a.slug}/status", data={"number": case.number, "factor": f"{i:04d}"}
        ).status_code
        for i in range(12)
    ]
    assert codes[:10] == [200] * 10
    assert codes[10:] == [429, 429]
    # Even the right code waits now.
    right = client.post(
        f"/t/{world.a.slug}/status", data={"number": case.number, "factor": case.access_code}
    )
    assert right.status_code == 429


def test_public_history_hides_internal_notes(client, world):
    from casework.operations import dispatch, handling

    case = open_case(world.a)
    u = world.a.users
    with tenant_bound(world.a.tenant.id):
        c = db.session.merge(case)
        dispatch.dispatch_case(c, u["super"], u["ops_li"].department_id, u["ops_li"].id)
        handling.add_note(c, u["ops_li"], "内部:收银员王某", public=False)
        handling.add_note(c, u["ops_li"], "已调取监控,正在核实", public=True)
        db.session.commit()
    found = client.post(
        f"/t/{world.a.slug}/status", data={"number": case.number, "factor": "13812345678"}
    )
    assert found.status_code == 303
    page = client.get(f"/t/{world.a.slug}/status/{case.number}")
    assert "已调取监控" in page.text
    assert "收银员王某" not in page.text


def test_csrf_is_enforced(app, client, world):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = client.post(f"/t/{world.a.slug}/", data=_form(world.a))
        assert refused.status_code == 400
        token = csrf_token(client.get(f"/t/{world.a.slug}/").text)
        accepted = client.post(f"/t/{world.a.slug}/", data={**_form(world.a), "csrf_token": token})
        assert accepted.status_code == 303
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    with unscoped():
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 1
