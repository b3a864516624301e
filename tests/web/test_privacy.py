"""Personal data on the desk (CO-8): masked for staff without the right, revealed with a
reason into the append-only access log, which the tenant admin reads and exports."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa

from casework import notifications
from casework.models import Case, PersonalDataAccess
from casework.states import NotificationKind
from jobs import notify
from tenants.db import db, tenant_bound
from tests.conftest import dispatched_case, login, open_case

FULL = "13812345678"
SPACED = "138 1234 5678"
MASKED = "138****5678"
SAID = f"请打 {FULL} 联系我,住址 杭州市西湖区文三路100号3单元"
DETAILS = {
    "description": SAID,
    "email": "zhang.wei@example.com",
    "address": "杭州市西湖区文三路100号3单元",
    "id_number": "11010119900307123X",
}


def _no_full_details(html: str) -> None:
    for secret in (FULL, SPACED, "zhang.wei@", "文三路100号", "19900307"):
        assert secret not in html, secret


def _case_page(client, org, case_id):
    return client.get(f"/t/{org.slug}/desk/cases/{case_id}")


def _reveal(client, org, case_id, reason, **extra):
    data = {"reveal-reason": reason, **extra}
    return client.post(f"/t/{org.slug}/desk/cases/{case_id}/reveal", data=data)


def _log_rows(org) -> list[PersonalDataAccess]:
    with tenant_bound(org.tenant.id):
        return db.session.scalars(sa.select(PersonalDataAccess)).all()


def test_a_handler_reads_every_detail_masked_on_the_case_page(client, world):
    case_id = dispatched_case(world.a, **DETAILS)
    login(client, world.a, "ops_li")
    page = _case_page(client, world.a, case_id)
    assert page.status_code == 200
    _no_full_details(page.text)
    assert MASKED in page.text
    assert "z***@example.com" in page.text
    assert "110101********123X" in page.text
    assert "杭州市西湖区****" in page.text
    assert 'data-testid="reveal-form"' in page.text


@pytest.mark.parametrize("who", ["desk", "super", "admin"])
def test_intake_and_supervisors_read_them_unmasked_without_revealing(client, world, who):
    case_id = dispatched_case(world.a, **DETAILS)
    login(client, world.a, who)
    page = _case_page(client, world.a, case_id)
    assert SPACED in page.text and "zhang.wei@example.com" in page.text
    assert "11010119900307123X" in page.text and "文三路100号3单元" in page.text
    assert MASKED not in page.text and 'data-testid="reveal-form"' not in page.text
    assert _log_rows(world.a) == []  # holders' reading is not logged


def test_queue_search_and_notifications_show_no_full_number(client, world):
    case_id = dispatched_case(world.a, **DETAILS)
    with tenant_bound(world.a.tenant.id):
        case = db.session.get(Case, case_id)
        notifications.tell([world.a.users["ops_li"]], case, NotificationKind.URGE)
        number = case.number
        db.session.commit()
    login(client, world.a, "ops_li")
    for url in ("/", f"/?q={number}", "/?mine=1", "/notifications"):
        page = client.get(f"/t/{world.a.slug}/desk{url}")
        assert page.status_code == 200, url
        assert number in page.text, url
        _no_full_details(page.text)
        assert MASKED in page.text, url  # the summary repeats the number, masked


def test_the_reveal_needs_a_reason_and_writes_nothing_without_one(client, world):
    case_id = dispatched_case(world.a, **DETAILS)
    login(client, world.a, "ops_li")
    for reason in ("", "   ", "x" * 201):
        response = _reveal(client, world.a, case_id, reason)
        assert response.status_code == 422
        assert 'class="help is-danger"' in response.text
        _no_full_details(response.text)
    assert _log_rows(world.a) == []


def test_a_reveal_logs_one_row_and_then_shows_the_details(client, world):
    case_id = dispatched_case(world.a, **DETAILS)
    login(client, world.a, "ops_li")
    response = _reveal(client, world.a, case_id, "上门核实,需联系投诉人")
    assert response.status_code == 303
    page = _case_page(client, world.a, case_id)
    assert SPACED in page.text and "11010119900307123X" in page.text
    assert 'data-testid="reveal-form"' not in page.text
    rows = _log_rows(world.a)
    assert len(rows) == 1
    row = rows[0]
    assert (row.case_id, row.user_id, row.page) == (case_id, world.a.users["ops_li"].id, "case")
    assert row.reason == "上门核实,需联系投诉人"
    assert row.fields == "phone,email,address,id_number"
    # Another case of the same handler stays masked: the window is one case's.
    other = dispatched_case(world.a, **DETAILS)
    _no_full_details(_case_page(client, world.a, other).text)
    # Not an entry in the case's history, public or internal.
    with tenant_bound(world.a.tenant.id):
        kinds = [e.kind.value for e in db.session.get(Case, case_id).events]
    assert kinds == ["accepted", "dispatched"]


def test_a_reveal_by_htmx_returns_the_case_unmasked(client, world):
    case_id = dispatched_case(world.a, **DETAILS)
    login(client, world.a, "ops_li")
    response = client.post(
        f"/t/{world.a.slug}/desk/cases/{case_id}/reveal",
        data={"reveal-reason": "回访前核对"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert SPACED in response.text and 'id="case"' in response.text
    assert len(_log_rows(world.a)) == 1


def test_the_window_closes(client, world, monkeypatch):
    import datetime as dt

    from casework import privacy

    case_id = dispatched_case(world.a, **DETAILS)
    login(client, world.a, "ops_li")
    assert _reveal(client, world.a, case_id, "核实").status_code == 303
    later = privacy.utcnow() + dt.timedelta(minutes=privacy.REVEAL_MINUTES + 1)
    monkeypatch.setattr(privacy, "utcnow", lambda: later)
    _no_full_details(_case_page(client, world.a, case_id).text)


def test_the_letter_from_the_desk_is_a_reveal_for_a_handler(client, world):
    case_id = dispatched_case(world.a, **DETAILS)
    login(client, world.a, "ops_li")
    url = f"/t/{world.a.slug}/desk/cases/{case_id}/letter.pdf"
    refused = client.get(url)
    assert refused.status_code == 403
    assert 'data-testid="reveal-form"' in refused.text
    _no_full_details(refused.text)
    reveal = f"/t/{world.a.slug}/desk/cases/{case_id}/reveal"
    missing = client.post(reveal, data={"reveal-page": "letter"})
    assert missing.status_code == 422 and _log_rows(world.a) == []
    data = {"reveal-page": "letter", "reveal-reason": "核对告知书"}
    opened = client.post(reveal, data=data)
    assert opened.status_code == 303 and opened.headers["Location"].endswith("letter.pdf")
    assert client.get(url).headers["Content-Type"] == "application/pdf"
    assert [r.page for r in _log_rows(world.a)] == ["letter"]


def test_the_mail_log_masks_complainants_for_a_clerk_without_the_right(client, world):
    case = open_case(world.a, **DETAILS)
    with tenant_bound(world.a.tenant.id):
        notify.send_mail("test:said", DETAILS["email"], "回电", f"已致电 {FULL}", case_id=case.id)
        db.session.merge(world.a.tenant).update_config(personal_data_roles=["admin"])
        db.session.commit()
    login(client, world.a, "desk")
    page = client.get(f"/t/{world.a.slug}/desk/mail")
    assert page.status_code == 200
    _no_full_details(page.text)
    assert "z***@example.com" in page.text and MASKED in page.text
    client.post(f"/t/{world.a.slug}/desk/logout")
    login(client, world.a, "admin")
    page = client.get(f"/t/{world.a.slug}/desk/mail")
    assert "zhang.wei@example.com" in page.text and FULL in page.text


def test_intake_takes_the_address_and_checks_the_id_number(client, world):
    login(client, world.a, "desk")
    url = f"/t/{world.a.slug}/desk/intake/"
    form = client.get(url)
    category = re.search(r'<option value="(\d+)"', form.text.split('name="category_id"')[1])[1]
    data = {
        "channel": "phone",
        "category_id": category,
        "description": "服务态度差",
        "name": "李四",
        "phone": FULL,
        "preferred_contact": "phone",
        "address": "杭州市西湖区文三路100号3单元",
        "id_number": "12345",
    }
    refused = client.post(url, data=data)
    assert refused.status_code in (200, 422)
    assert "An ID number has 18 characters" in refused.text or "18 位" in refused.text
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0
    data["id_number"] = "11010119900307123x"
    accepted = client.post(url, data=data)
    assert accepted.status_code == 303
    with tenant_bound(world.a.tenant.id):
        case = db.session.scalars(sa.select(Case)).one()
        assert case.complainant_id_number == "11010119900307123X"
        assert case.complainant_address == "杭州市西湖区文三路100号3单元"


def test_the_portal_form_takes_the_address(client, world):
    url = f"/t/{world.a.slug}/"
    form = client.get(url)
    assert 'name="address"' in form.text and 'name="id_number"' not in form.text


def test_the_admin_reads_filters_and_exports_the_log(client, world):
    case_id = dispatched_case(world.a, **DETAILS)
    login(client, world.a, "ops_li")
    _reveal(client, world.a, case_id, '=HYPERLINK("http://x")')
    client.post(f"/t/{world.a.slug}/desk/logout")
    login(client, world.a, "admin")
    base = f"/t/{world.a.slug}/desk/admin/personal-data"
    page = client.get(base)
    assert page.status_code == 200
    assert "HYPERLINK" in page.text and world.a.users["ops_li"].name in page.text
    _no_full_details(page.text)
    with tenant_bound(world.a.tenant.id):
        number = db.session.get(Case, case_id).number
    assert "HYPERLINK" not in client.get(base, query_string={"case": "NOPE-1"}).text
    assert "HYPERLINK" in client.get(base, query_string={"case": number}).text
    other = world.a.users["desk"].id
    assert "HYPERLINK" not in client.get(base, query_string={"user": other}).text
    assert "HYPERLINK" not in client.get(base, query_string={"since": "2999-01-01"}).text
    exported = client.get(f"{base}.csv")
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert len(rows) == 2
    assert rows[1][1:4] == [world.a.users["ops_li"].name, number, '\'=HYPERLINK("http://x")']
    assert "13812345678" not in exported.text


def test_another_tenants_reveals_are_not_in_the_log(client, world):
    case_id = dispatched_case(world.b, handler="opd_wu", **DETAILS)
    login(client, world.b, "opd_wu")
    assert _reveal(client, world.b, case_id, "BETA-REASON").status_code == 303
    client.post(f"/t/{world.b.slug}/desk/logout")
    login(client, world.a, "admin")
    base = f"/t/{world.a.slug}/desk/admin/personal-data"
    assert "BETA-REASON" not in client.get(base).text
    assert "BETA-REASON" not in client.get(f"{base}.csv").text


def test_only_the_admin_reads_the_log(client, world):
    login(client, world.a, "super")
    assert client.get(f"/t/{world.a.slug}/desk/admin/personal-data").status_code == 403


def test_the_admin_sets_the_roles_and_the_change_is_audited(client, world):
    login(client, world.a, "admin")
    url = f"/t/{world.a.slug}/desk/admin/personal-data/roles"
    form = client.get(url)
    assert form.status_code == 200
    data = {"roles": ["supervisor", "admin", "handler"]}
    assert client.post(url, data=data).status_code == 303
    with tenant_bound(world.a.tenant.id):
        tenant = db.session.merge(world.a.tenant)
        db.session.refresh(tenant)
        assert tenant.config.personal_data_roles == ("handler", "supervisor", "admin")
    audit = client.get(f"/t/{world.a.slug}/desk/admin/audit", query_string={"kind": "privacy"})
    assert "Personal-data roles changed" in audit.text or "个人信息" in audit.text
    # A handler now reads the number in full; the clerk no longer does.
    case_id = dispatched_case(world.a, **DETAILS)
    client.post(f"/t/{world.a.slug}/desk/logout")
    login(client, world.a, "ops_li")
    assert SPACED in _case_page(client, world.a, case_id).text
    client.post(f"/t/{world.a.slug}/desk/logout")
    login(client, world.a, "desk")
    _no_full_details(_case_page(client, world.a, case_id).text)


def test_templates_read_personal_data_only_through_the_mask():
    """No desk template reads the raw columns: ``contact(case)`` and ``|redact`` are the only
    way, so a new page cannot forget the mask. Letters and emails to the complainant may."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    raw = re.compile(r"complainant_(phone|email|address|id_number)")
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.*")
        if p.relative_to(root).parts[0] not in ("letters", "emails") and raw.search(p.read_text())
    ]
    assert offenders == []


def test_staff_mail_about_a_case_masks_for_a_handler_not_for_a_supervisor(world):
    from casework.models import Message
    from casework.operations import oversight

    case_id = dispatched_case(world.a, **DETAILS)
    with tenant_bound(world.a.tenant.id):
        case = db.session.get(Case, case_id)
        oversight.urge_case(case, world.a.users["super"], f"请回电 {FULL}")
        db.session.commit()
        to_handler = db.session.scalars(
            sa.select(Message).where(Message.to == world.a.users["ops_li"].email)
        ).all()
    assert to_handler, "the urging reaches the handler by mail"
    for message in to_handler:
        _no_full_details(message.body)
        assert MASKED in message.body
