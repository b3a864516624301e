"""Handling rules (机构设置 → 办理规则): the dispatch notice's words (HOSP-4) reach the
status page and the mail; the "not satisfied" rule (MALL-6) reaches the case page."""

from __future__ import annotations

import sqlalchemy as sa

from casework.models import Case, Message
from casework.operations import dispatch, handling
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound
from tests.conftest import login, open_case

NOTICE = "您好，您的投诉已交由{unit}负责办理，我们会尽快与您联系。"


def _save(client, org, **data):
    assert client.get(f"/t/{org.slug}/desk/admin/rules").status_code == 200
    return client.post(f"/t/{org.slug}/desk/admin/rules", data=data)


def test_the_tenants_words_tell_the_unit_on_the_status_page_and_by_mail(client, world):
    org = world.a
    login(client, org, "admin")
    response = _save(client, org, not_satisfied="choose", dispatch_notice=NOTICE)
    assert response.status_code == 303
    with tenant_bound(org.tenant.id):
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.kind == "rules.set")
        ).one()
        assert event.changes["after"]["dispatch_notice"] == NOTICE
    case = open_case(org, email="zhang@example.com")
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case.id)
        ops = org.users["ops_li"]
        dispatch.dispatch_case(case, org.users["super"], ops.department_id, ops.id)
        db.session.commit()
        number, code = case.number, case.access_code
        unit = ops.department_id and case.department.name
        mails = db.session.scalars(
            sa.select(Message.body).where(Message.dedupe_key.startswith("dispatched:"))
        ).all()
    told = NOTICE.replace("{unit}", unit)
    assert len(mails) == 1 and told in mails[0]
    client.post(f"/t/{org.slug}/status", data={"number": number, "factor": code})
    assert told in client.get(f"/t/{org.slug}/status/{number}").text


def test_a_notice_without_the_unit_or_too_long_is_refused_on_the_form(client, world):
    org = world.a
    login(client, org, "admin")
    for wrong in ("您的投诉已转交办理。", "{unit}{unit}", "{unit}" + "长" * 120):
        response = _save(client, org, not_satisfied="choose", dispatch_notice=wrong)
        assert response.status_code == 422, wrong
        assert 'class="help is-danger" role="alert"' in response.text  # beside the field
    assert db.session.merge(org.tenant).config.dispatch_notice == ""


def test_the_not_satisfied_rule_decides_the_choices_on_the_case_page(client, world):
    org = world.a
    login(client, org, "admin")
    assert _save(client, org, not_satisfied="close", dispatch_notice="").status_code == 303
    case = open_case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case.id)
        ops = org.users["ops_li"]
        dispatch.dispatch_case(case, org.users["super"], ops.department_id, ops.id)
        handling.record_result(case, ops, "已退还差价。")
        handling.send_result(case, ops)
        db.session.commit()
    client.post(f"/t/{org.slug}/desk/logout")
    login(client, org, "desk")
    page = client.get(f"/t/{org.slug}/desk/cases/{case.id}").text
    assert 'value="close"' in page and 'value="reopen"' not in page
    response = client.post(
        f"/t/{org.slug}/desk/cases/{case.id}/not_satisfied",
        data={
            "not_satisfied-explanation": "",
            "not_satisfied-claim": "要求赔偿",
            "not_satisfied-outcome": "close",
        },
    )
    assert response.status_code == 422  # the explanation is required: nothing saved
    with tenant_bound(org.tenant.id):
        assert db.session.get(Case, case.id).closed_at is None
