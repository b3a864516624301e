"""The case dossier (案卷, MALL-7, HOSP-8): each section's facts, the PDF in a CJK font, the
mask for a handler, one build per request, progress, and the desk's routes.

Rendering is slow, so the module renders two PDFs: a handler's masked dossier and a
supervisor's through the routes; everything else reads the plain-value context.
"""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from pypdf import PdfReader

from casework import catalog, dossier
from casework.models import Case, Dossier, PendingJob
from casework.operations import (
    dispatch,
    dossiers,
    extensions,
    handling,
    oversight,
    rectification,
    revisits,
)
from casework.states import DossierState, Finding, RemedyType
from jobs import dossiers as dossier_jobs
from jobs import runtime
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound, unscoped, utcnow
from tests.conftest import dispatched_case, login, open_case

PHONE = "13812345678"
MASKED = "138****5678"
EMAIL = "zhang.wei@example.com"
TEXT = {
    "dispatch": "派单说明：请运营部核实收银记录",
    "contact": f"电话回访 {PHONE} 核对金额",
    "note": "调查记录：收银员甲承认多收",
    "result": "经核实，收银系统重复扣款，已退还差价。",
    "analysis": "原因分析：收银系统重复扣款未被发现",
    "remedy": "退款已原路退回您的银行卡。",
    "rectify": "整改要求：收银系统增加重复扣款校验",
    "rectified": "整改报告：校验已上线",
    "urge": "催办：请尽快答复",
    "extension": "延期理由：等待银行流水",
    "revisit": "回访意见：退款已收到",
}


def _work(org) -> int:
    """A case through intake, dispatch, contact, note, result, sending, rectification and
    revisit, with an urging notice and an extension on the way."""
    u = org.users
    case = open_case(
        org, "desk", email=EMAIL, attachment_name="receipt.txt", attachment_data=b"receipt"
    )
    with tenant_bound(org.tenant.id):
        c = db.session.get(Case, case.id)
        ops = u["ops_li"].department_id
        dispatch.dispatch_case(c, u["desk"], ops, u["ops_li"].id, TEXT["dispatch"])
        handling.record_contact(c, u["ops_li"], "phone", TEXT["contact"])
        handling.add_note(c, u["ops_li"], TEXT["note"])
        oversight.urge_case(c, u["super"], TEXT["urge"])
        extensions.request_extension(c, u["ops_li"], 2, TEXT["extension"])
        extensions.decide_extension(c, u["ops_head"], True)
        cause = next(x for x in catalog.causes(org.tenant) if x.active)
        handling.record_result(
            c,
            u["ops_li"],
            TEXT["result"],
            TEXT["remedy"],
            finding=Finding.PARTLY_VALID,
            cause_id=cause.id,
            cause_analysis=TEXT["analysis"],
            remedy_type=RemedyType.REFUND,
            remedy_amount="1234.5",
            remedy_approved_by="王经理",
        )
        handling.send_result(c, u["ops_li"])
        rectification.order_rectification(c, u["ops_head"], ops, TEXT["rectify"])
        rectification.complete_rectification(c, u["ops_li"], TEXT["rectified"])
        revisits.record_revisit(c, u["desk"], "phone", True, 4, TEXT["revisit"])
        db.session.commit()
        return c.id


def _context(app, org, case_id, *, masked: bool) -> dict:
    with app.test_request_context(), force_locale("zh_CN"), tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        return dossier.context(
            org.tenant, case, masked=masked, requested_by="孙建国", requested_at=utcnow()
        )


def _flat(value) -> str:
    if isinstance(value, dict):
        return "\n".join(_flat(v) for v in value.values())
    if isinstance(value, list | tuple):
        return "\n".join(_flat(v) for v in value)
    return str(value)


def _section(ctx: dict, key: str) -> str:
    return _flat(next(s for s in ctx["sections"] if s["key"] == key))


def _pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _fonts(data: bytes) -> set[str]:
    return {
        str(f.get_object()["/BaseFont"])
        for page in PdfReader(io.BytesIO(data)).pages
        for f in page["/Resources"]["/Font"].values()
    }


def test_every_section_holds_its_facts(app, world):
    case_id = _work(world.a)
    ctx = _context(app, world.a, case_id, masked=False)
    assert [s["key"] for s in ctx["sections"]] == [s.key for s in dossier.SECTIONS]
    with tenant_bound(world.a.tenant.id):
        case = db.session.get(Case, case_id)
        number, cause = case.number, case.cause.name
    intake = _section(ctx, "intake")
    for fact in (number, "收银员多收了 60 元", "二楼", "张伟", PHONE, EMAIL, "王晓雯", "电话"):
        assert fact in intake, fact
    history = _section(ctx, "history")
    assert TEXT["dispatch"] in history and TEXT["urge"] in history
    assert "运营部" in history  # the dispatch's change, in words: Department: ∅ → 运营部
    assert "→" in history
    assert TEXT["contact"] in _section(ctx, "contacts")
    assert TEXT["note"] in _section(ctx, "notes")
    found = _section(ctx, "finding")
    assert "部分属实" in found and cause in found and TEXT["analysis"] in found
    assert TEXT["result"] in found
    remedy = _section(ctx, "remedy")
    assert "退款" in remedy and "1,234.50 元" in remedy and "王经理" in remedy
    rect = _section(ctx, "rectification")
    assert TEXT["rectify"] in rect and TEXT["rectified"] in rect and "运营部" in rect
    assert "23:59" in rect  # its deadline
    over = _section(ctx, "oversight")
    assert TEXT["urge"] in over and TEXT["extension"] in over and "赵立新" in over
    letters = _section(ctx, "letters")
    assert "受理确认函" in letters and "处理结果告知书" in letters
    visit = _section(ctx, "revisits")
    assert TEXT["revisit"] in visit and "4/5" in visit and "王晓雯" in visit
    files = _section(ctx, "attachments")
    assert "receipt" in files and "KB" in files
    assert ctx["cover"]["number"] == number


def test_a_masked_context_never_holds_the_phone_or_email(app, world):
    case_id = _work(world.a)
    text = _flat(_context(app, world.a, case_id, masked=True))
    assert MASKED in text and "z***@example.com" in text
    assert PHONE not in text and EMAIL not in text and "1234 5678" not in text
    assert f"电话回访 {MASKED}" in text  # the contact's own words, masked where they hold it


def test_a_handlers_dossier_is_masked_built_once_and_shows_its_progress(app, world, monkeypatch):
    case_id = _work(world.a)
    seen: list[tuple[str, int]] = []
    update = dossier_jobs._update

    def spy(dossier_id, **values):
        update(dossier_id, **values)
        row = db.session.get(Dossier, dossier_id)
        seen.append((row.state.value, row.sections_done))

    monkeypatch.setattr(dossier_jobs, "_update", spy)
    with tenant_bound(world.a.tenant.id):
        case = db.session.get(Case, case_id)
        handler = world.a.users["ops_li"]
        row = dossiers.request_dossier(case, handler)
        assert row.masked and row.state == DossierState.QUEUED
        db.session.commit()  # the job runs after commit (inline here)
        row_id = row.id
    total = len(dossier.SECTIONS) + 1
    assert seen[0] == ("building", 0)
    assert [n for _s, n in seen[1:-1]] == list(range(1, len(dossier.SECTIONS) + 1))
    assert seen[-1] == ("done", total)
    with tenant_bound(world.a.tenant.id):
        row = db.session.get(Dossier, row_id)
        data, number = row.pdf, db.session.get(Case, case_id).number
        assert row.size == len(data) and row.sections_done == total
    text = _pdf_text(data)
    compact = text.replace("\n", "").replace(" ", "")
    for fact in (number, "部分属实", "1,234.50元", "王经理", "4/5", "receipt"):
        assert fact in compact, fact
    for words in ("note", "rectify", "rectified", "urge", "revisit", "analysis", "result"):
        assert TEXT[words].replace(" ", "") in compact, words
    assert MASKED in text and PHONE not in compact and EMAIL not in text
    assert f"1/{_pages(data)}" in compact  # the footer's page count
    cjk = ("Closeloop-Sans", "NotoSansCJK", "Noto-Sans-CJK")  # trimmed, or system Noto
    assert all(any(name in f for name in cjk) for f in _fonts(data)), _fonts(data)

    # Run again, as a retried or duplicated job: nothing is built twice over.
    seen.clear()
    with unscoped():
        pending = db.session.scalars(
            sa.select(PendingJob).where(PendingJob.name == "dossiers.build")
        ).one()
        pending.done_at = None
        db.session.commit()
        pending_id = pending.id
    assert runtime.execute(pending_id) == "ok"
    assert runtime.execute(pending_id) == "done already"
    assert seen == []
    with tenant_bound(world.a.tenant.id):
        assert db.session.get(Dossier, row_id).pdf == data
        # Asking again for the same case unchanged is the same dossier; no new job.
        again = dossiers.request_dossier(db.session.get(Case, case_id), handler)
        assert again.id == row_id
        db.session.commit()
        jobs = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(PendingJob)
            .where(PendingJob.name == "dossiers.build")
        )
        assert jobs == 1
        audited = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.kind == "dossier.requested")
        ).all()
        assert [(a.actor_id, a.subject, a.changes) for a in audited] == [
            (handler.id, number, {"after": {"masked": True}})
        ] * 2


def _pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def test_a_changed_case_gets_a_new_dossier_and_the_unchanged_one_stays(world, monkeypatch):
    monkeypatch.setattr(dossier_jobs.pdf, "render_pdf", lambda html: b"%PDF-stub")
    case_id = dispatched_case(world.a)
    with tenant_bound(world.a.tenant.id):
        case = db.session.get(Case, case_id)
        first = dossiers.request_dossier(case, world.a.users["super"])
        db.session.commit()
        first_id = first.id
        assert dossiers.request_dossier(case, world.a.users["super"]).id == first_id
        handling.add_note(case, world.a.users["ops_li"], "又一条记录")
        second = dossiers.request_dossier(case, world.a.users["super"])
        db.session.commit()
        assert second.id != first_id and not second.masked
        assert db.session.get(Dossier, first_id).state == DossierState.DONE
        assert db.session.get(Dossier, second.id).state == DossierState.DONE


def test_a_failed_render_marks_the_row_failed_and_asking_again_retries(client, world, monkeypatch):
    def broken(html):
        raise RuntimeError("no fonts today")

    monkeypatch.setattr(dossier_jobs.pdf, "render_pdf", broken)
    case_id = dispatched_case(world.a)
    base = f"/t/{world.a.slug}/desk/cases/{case_id}"
    login(client, world.a, "ops_li")
    r = client.post(f"{base}/dossiers", headers={"HX-Request": "true"})
    assert r.status_code == 200 and 'hx-trigger="every 2s"' in r.text
    with tenant_bound(world.a.tenant.id):
        row = db.session.scalars(sa.select(Dossier)).one()
        assert row.state == DossierState.FAILED and "no fonts today" in row.error
        row_id = row.id
    page = client.get(f"{base}/dossiers/{row_id}", headers={"HX-Request": "true"})
    assert page.status_code == 200 and 'data-state="failed"' in page.text
    assert "every 2s" not in page.text  # settled: the polling stops
    assert client.get(f"{base}/dossiers/{row_id}.pdf").status_code == 202
    monkeypatch.setattr(dossier_jobs.pdf, "render_pdf", lambda html: b"%PDF-stub")
    client.post(f"{base}/dossiers", headers={"HX-Request": "true"})
    db.session.expire_all()  # the request wrote in a session of its own
    with tenant_bound(world.a.tenant.id):
        row = db.session.get(Dossier, row_id)
        assert row.state == DossierState.DONE and row.error == "" and row.pdf == b"%PDF-stub"


def test_the_routes_request_poll_and_download(client, world):
    case_id = _work(world.a)
    base = f"/t/{world.a.slug}/desk/cases/{case_id}"
    login(client, world.a, "super")
    page = client.get(base)
    assert "Case dossier (PDF)" in page.text or "案卷" in page.text
    r = client.post(f"{base}/dossiers")
    assert r.status_code == 303
    status_url = r.headers["Location"]
    with tenant_bound(world.a.tenant.id):
        row = db.session.scalars(sa.select(Dossier)).one()
        assert not row.masked and row.requested_by_id == world.a.users["super"].id
        row_id = row.id
    fragment = client.get(status_url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "every 2s" not in fragment.text
    assert f"dossiers/{row_id}.pdf" in fragment.text
    pdf_response = client.get(f"{base}/dossiers/{row_id}.pdf")
    assert pdf_response.status_code == 200
    assert pdf_response.headers["Content-Type"] == "application/pdf"
    assert "no-store" in pdf_response.headers["Cache-Control"]
    assert PHONE in _pdf_text(pdf_response.data)  # the supervisor holds the right
    assert f"dossiers/{row_id}.pdf" in client.get(base).text  # the case page offers it
    client.post(f"/t/{world.a.slug}/desk/logout")

    # The case's own handler sees the case but holds no right: the unmasked one is not theirs.
    login(client, world.a, "ops_li")
    assert client.get(f"{base}/dossiers/{row_id}.pdf").status_code == 404
    assert client.get(status_url).status_code == 200
    assert f"dossiers/{row_id}.pdf" not in client.get(status_url).text
    client.post(f"/t/{world.a.slug}/desk/logout")

    # Outside sight, another case's id, another tenant: the same 404.
    login(client, world.a, "cs_zhou")
    for url in (f"{base}/dossiers", status_url, f"{base}/dossiers/{row_id}.pdf"):
        method = client.post if url.endswith("/dossiers") else client.get
        assert method(url).status_code == 404, url
    client.post(f"/t/{world.a.slug}/desk/logout")
    other = dispatched_case(world.a)
    login(client, world.a, "super")
    other_base = f"/t/{world.a.slug}/desk/cases/{other}"
    assert client.get(f"{other_base}/dossiers/{row_id}").status_code == 404
    assert client.get(f"{other_base}/dossiers/{row_id}.pdf").status_code == 404


@pytest.mark.parametrize("masked", [True, False])
def test_who_may_download(world, masked):
    with tenant_bound(world.a.tenant.id):
        case = db.session.get(Case, dispatched_case(world.a))
        row = Dossier(case_id=case.id, masked=masked, basis="x", requested_by_id=None)
        u = world.a.users
        assert dossiers.may_download(row, u["super"])
        assert dossiers.may_download(row, u["ops_li"]) is masked
        row.requested_by_id = u["ops_li"].id
        assert dossiers.may_download(row, u["ops_li"])


def test_the_plan_section_holds_every_version_and_its_decision(app, world):
    from casework.operations import plans

    org = world.a
    u = org.users
    case_id = dispatched_case(org)
    with tenant_bound(org.tenant.id):
        c = db.session.get(Case, case_id)
        plans.draft_plan(c, u["ops_li"], "退还差价并书面致歉", "refund", "60")
        plans.submit_plan(c, u["ops_li"])
        plans.decide_plan(c, u["ops_head"], False, "请写明退款时限")
        plans.draft_plan(c, u["ops_li"], "当日原路退还差价并书面致歉", "refund", "60")
        plans.submit_plan(c, u["ops_li"])
        plans.decide_plan(c, u["ops_head"], True)
        db.session.commit()
    section = _section(_context(app, org, case_id, masked=True), "plan")
    for fact in ("退还差价并书面致歉", "当日原路退还差价", "请写明退款时限", "60.00", "赵立新"):
        assert fact in section, fact


def test_the_investigation_section_and_the_address_masked(app, world):
    from casework.operations import investigation

    org = world.a
    u = org.users
    case_id = dispatched_case(org, address="杭州市西湖区文三路100号3单元")
    with tenant_bound(org.tenant.id):
        c = db.session.get(Case, case_id)
        cs = u["cs_zhou"].department_id
        investigation.ask_assist(c, u["ops_li"], cs, "请调取收银记录")
        investigation.answer_assist(c, u["cs_zhou"], "记录显示重复扣款")
        investigation.add_member(c, u["ops_li"], u["cs_zhou"].id, "lead")
        db.session.commit()
    masked = _context(app, org, case_id, masked=True)
    section = _section(masked, "investigation")
    for fact in ("客服部", "请调取收银记录", "记录显示重复扣款", "组长"):
        assert fact in section, fact
    flat = _flat(masked)
    assert "杭州市西湖区****" in flat and "文三路100号" not in flat
    assert "文三路100号" in _section(_context(app, org, case_id, masked=False), "intake")
