"""The desk's assist, group and evidence forms: bad input is a form error, never a 500."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from casework.models import Assist, Attachment, Case, CaseMember
from casework.states import AttachmentSource
from tenants.db import db, tenant_bound
from tenants.models import Department
from tests.conftest import dispatched_case, login

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 120


def _dept(org, code: str) -> int:
    with tenant_bound(org.tenant.id):
        return db.session.scalar(sa.select(Department.id).where(Department.code == code))


def _count(org, model) -> int:
    with tenant_bound(org.tenant.id):
        return db.session.scalar(sa.select(sa.func.count(model.id)))


def _errors(html: str) -> list[str]:
    return re.findall(r'<p class="help is-danger"[^>]*>([^<]+)</p>', html)


def _client(app, org, who):
    client = app.test_client()
    login(client, org, who)
    return client


def _ask(client, org, case_id, **data):
    return client.post(f"/t/{org.slug}/desk/cases/{case_id}/ask_assist?lang=en", data=data)


def test_asking_a_unit_with_bad_input_is_a_form_error_then_the_unit_answers(app, world):
    org = world.a
    case_id = dispatched_case(org)
    lead, zhou = _client(app, org, "ops_li"), _client(app, org, "cs_zhou")
    base = f"/t/{org.slug}/desk/cases/{case_id}"
    assert zhou.get(base).status_code == 404  # not theirs yet

    for data in (
        {"ask_assist-instructions": "核实"},  # no unit
        {"ask_assist-department_id": "999999", "ask_assist-instructions": "核实"},
        {"ask_assist-department_id": str(_dept(org, "cs")), "ask_assist-instructions": ""},
        {"ask_assist-department_id": "abc", "ask_assist-instructions": "核实"},
    ):
        r = _ask(lead, org, case_id, **data)
        assert r.status_code == 422 and _errors(r.text), data
    assert _count(org, Assist) == 0

    r = _ask(
        lead,
        org,
        case_id,
        **{"ask_assist-department_id": str(_dept(org, "cs")), "ask_assist-instructions": "核实"},
    )
    assert r.status_code == 303
    with tenant_bound(org.tenant.id):
        number = db.session.scalars(sa.select(Case.number).where(Case.id == case_id)).one()
    assert number in zhou.get(f"/t/{org.slug}/desk/?lang=en").text  # in the unit's queue
    page = zhou.get(f"{base}?lang=en")
    assert page.status_code == 200 and 'data-testid="assists"' in page.text
    assert 'data-action="answer_assist"' in page.text
    assert 'enctype="multipart/form-data"' in page.text
    # The assisting unit takes none of the lead's actions.
    assert 'data-action="result"' not in page.text and 'data-action="note"' not in page.text

    answer = f"{base}/answer_assist?lang=en"
    r = zhou.post(
        answer,
        data={
            "answer_assist-answer": "已核实",
            "answer_assist-attachment": (io.BytesIO(EXE), "x.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 422
    assert any("not one of the accepted types" in e for e in _errors(r.text))
    r = zhou.post(answer, data={"answer_assist-answer": ""})
    assert r.status_code == 422 and _errors(r.text)
    r = lead.post(answer, data={"answer_assist-answer": "主办代答"})
    assert r.status_code == 422  # the lead does not answer for the unit
    with tenant_bound(org.tenant.id):
        assert db.session.scalars(sa.select(Assist)).one().is_open

    r = zhou.post(
        answer,
        data={
            "answer_assist-answer": "记录显示多收 60 元",
            "answer_assist-attachment": (io.BytesIO(PNG), "记录.png"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 303
    page = lead.get(f"{base}?lang=en")
    assert "记录显示多收 60 元" in page.text and "记录.png" in page.text
    assert "with an assisting unit&#39;s answer" in page.text
    with tenant_bound(org.tenant.id):
        att = db.session.scalars(sa.select(Attachment)).one()
        assert att.source is AttachmentSource.ASSIST


def test_the_result_form_asks_why_it_does_not_wait(app, world):
    org = world.a
    case_id = dispatched_case(org)
    lead = _client(app, org, "ops_li")
    base = f"/t/{org.slug}/desk/cases/{case_id}"
    _ask(
        lead,
        org,
        case_id,
        **{"ask_assist-department_id": str(_dept(org, "cs")), "ask_assist-instructions": "核实"},
    )
    page = lead.get(f"{base}?lang=en")
    assert 'data-testid="assists-waiting"' in page.text
    result = {"result-result": "已退款", "result-finding": "not_valid"}
    r = lead.post(f"{base}/result?lang=en", data=result)
    assert r.status_code == 422
    assert any("say why the result does not wait" in e for e in _errors(r.text))
    r = lead.post(
        f"{base}/result?lang=en", data={**result, "result-not_waiting_reason": "无需等待"}
    )
    assert r.status_code == 303
    with tenant_bound(org.tenant.id):
        assert db.session.scalars(sa.select(Assist)).one().withdrawn_reason == "无需等待"
    assert "not needed" in lead.get(f"{base}?lang=en").text


def test_group_and_evidence_forms_refuse_bad_input_and_uploads_by_type(app, world):
    org = world.a
    case_id = dispatched_case(org)
    lead = _client(app, org, "ops_li")
    base = f"/t/{org.slug}/desk/cases/{case_id}"
    for data in ({}, {"add_member-user_id": "999999", "add_member-role": "member"}):
        r = lead.post(f"{base}/add_member?lang=en", data=data)
        assert r.status_code == 422 and _errors(r.text), data
    r = lead.post(
        f"{base}/add_member?lang=en",
        data={"add_member-user_id": str(org.users["cs_zhou"].id), "add_member-role": "boss"},
    )
    assert r.status_code == 422
    assert _count(org, CaseMember) == 0
    r = lead.post(
        f"{base}/add_member?lang=en",
        data={"add_member-user_id": str(org.users["cs_zhou"].id), "add_member-role": "lead"},
    )
    assert r.status_code == 303
    zhou = _client(app, org, "cs_zhou")
    page = zhou.get(f"{base}?lang=en")
    assert 'data-testid="group"' in page.text and "Group lead" in page.text
    assert 'data-action="add_evidence"' in page.text

    evidence = f"{base}/add_evidence?lang=en"
    r = zhou.post(
        evidence,
        data={"add_evidence-body": "照片", "add_evidence-attachment": (io.BytesIO(EXE), "p.jpg")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422
    assert any("not one of the accepted types" in e for e in _errors(r.text))
    r = zhou.post(evidence, data={"add_evidence-body": ""})
    assert r.status_code == 422 and _errors(r.text)
    assert _count(org, Attachment) == 0
    r = zhou.post(
        evidence,
        data={
            "add_evidence-body": "现场照片",
            "add_evidence-attachment": (io.BytesIO(PNG), "p.png"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 303
    assert "evidence from staff" in lead.get(f"{base}?lang=en").text

    r = lead.post(f"{base}/remove_member?lang=en", data={"remove_member-user_id": "999999"})
    assert r.status_code == 422 and _errors(r.text)
    r = lead.post(
        f"{base}/remove_member?lang=en",
        data={"remove_member-user_id": str(org.users["cs_zhou"].id)},
    )
    assert r.status_code == 303
    assert zhou.get(base).status_code == 404  # out of the group, out of sight


def test_another_tenants_case_is_not_found_for_the_new_actions(app, world):
    other = dispatched_case(world.b, "opd_wu")
    lead = _client(app, world.a, "ops_li")
    for action in ("ask_assist", "answer_assist", "add_member", "remove_member", "add_evidence"):
        r = lead.post(f"/t/{world.a.slug}/desk/cases/{other}/{action}", data={})
        assert r.status_code == 404, action
