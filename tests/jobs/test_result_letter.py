"""The result notice letter (处理结果告知书): what it prints, one page, sent once, on the
status page only once the result was sent, and the desk's result form behind it."""

from __future__ import annotations

import io
import pathlib
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from pypdf import PdfReader

from casework import catalog, labels
from casework.letters import amount_text
from casework.models import Case, Letter, Message, PendingJob
from casework.operations import handling
from casework.states import Finding, RemedyType
from jobs import runtime
from jobs.letters import render_letter
from tenants.db import db, tenant_bound, unscoped
from tests.conftest import dispatched_case, login, make_org

NOTE = "内部记录：收银员甲承认多收"
ANALYSIS = "原因分析：收银系统重复扣款未被发现"


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _resolve(org, *, send=True, result="经核实，收银系统重复扣款，已退还差价。", **kw) -> int:
    case_id = dispatched_case(org, email=kw.pop("email", "zhang@example.com"), **kw.pop("o", {}))
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        handler = org.users["ops_li"]
        cause = next(c for c in catalog.causes(org.tenant) if c.active)
        handling.add_note(case, handler, NOTE, public=False)
        handling.record_result(
            case,
            handler,
            result,
            kw.pop("remedy", "退款已原路退回您的银行卡。"),
            finding=Finding.PARTLY_VALID,
            cause_id=cause.id,
            cause_analysis=ANALYSIS,
            remedy_type=RemedyType.REFUND,
            remedy_amount="1234.5",
            remedy_approved_by="王经理",
        )
        if send:
            handling.send_result(case, handler)
        db.session.commit()
    return case_id


def _letter(org, case_id) -> bytes:
    with tenant_bound(org.tenant.id):
        return (
            db.session.scalars(
                sa.select(Letter).where(Letter.case_id == case_id, Letter.kind == "result")
            )
            .one()
            .pdf
        )


def test_the_letter_prints_finding_result_and_remedy_never_internal_text(app, world):
    case_id = _resolve(world.a)
    text = _text(_letter(world.a, case_id)).replace("\n", "")
    with app.test_request_context(), force_locale("zh_CN"):
        finding = labels.label(Finding.PARTLY_VALID)
        refund = labels.label(RemedyType.REFUND)
    assert finding in text and refund in text
    assert "1,234.50 元" in text
    assert "已退还差价" in text and "原路退回" in text
    assert "十五日内" in text  # where to turn if not satisfied (the default wording)
    assert NOTE not in text and "收银员甲" not in text
    assert "重复扣款未被发现" not in text and "王经理" not in text


def test_amounts_read_as_money():
    assert amount_text(Decimal("1234.5"), "zh_CN") == "1,234.50 元"
    assert amount_text(Decimal("1234.5"), "en") == "¥1,234.50"
    assert amount_text(None, "en") == ""


def test_the_tenants_wording_replaces_the_default(world):
    from casework.letters import set_wording, wording_from

    with tenant_bound(world.a.tenant.id):
        set_wording(world.a.tenant, None, "result", wording_from("结果通知", "", "请致电复核"))
        db.session.commit()
    case_id = _resolve(world.a)
    text = _text(_letter(world.a, case_id))
    assert "结果通知" in text and "请致电复核" in text
    assert "我单位已调查处理完毕" in text  # the opening left empty keeps the default


def test_sent_once_even_when_the_job_runs_again(world):
    case_id = _resolve(world.a)
    with unscoped():
        pending = db.session.scalars(
            sa.select(PendingJob).where(PendingJob.name == "letters.result")
        ).one()
        pending.done_at = None  # a worker that mailed it but died before marking it done
        db.session.commit()
        pending_id = pending.id
    assert runtime.execute(pending_id) == "ok"
    with tenant_bound(world.a.tenant.id):
        letters = db.session.scalars(sa.select(Letter).where(Letter.kind == "result")).all()
        mails = db.session.scalars(
            sa.select(Message).where(Message.dedupe_key == f"result:{case_id}")
        ).all()
    assert len(letters) == 1
    assert [(m.to, m.letter_id) for m in mails] == [("zhang@example.com", letters[0].id)]


def test_no_address_still_renders_the_letter_for_the_status_page(world):
    case_id = _resolve(world.a, email="")
    assert _letter(world.a, case_id).startswith(b"%PDF")


def _look_up(client, org, case_id) -> str:
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        number, code = case.number, case.access_code
    client.post(f"/t/{org.slug}/status", data={"number": number, "factor": code})
    return number


def test_the_status_page_offers_the_letter_only_after_sending(client, world):
    case_id = _resolve(world.a, send=False)
    number = _look_up(client, world.a, case_id)
    page = client.get(f"/t/{world.a.slug}/status/{number}")
    assert "result.pdf" not in page.text
    assert client.get(f"/t/{world.a.slug}/status/{number}/result.pdf").status_code == 404

    with tenant_bound(world.a.tenant.id):
        handling.send_result(db.session.get(Case, case_id), world.a.users["ops_li"])
        db.session.commit()
    page = client.get(f"/t/{world.a.slug}/status/{number}")
    assert f"/status/{number}/result.pdf" in page.text
    pdf = client.get(f"/t/{world.a.slug}/status/{number}/result.pdf")
    assert pdf.status_code == 200 and pdf.data == _letter(world.a, case_id)


def test_the_letter_needs_the_lookup(client, world, app):
    case_id = _resolve(world.a)
    with tenant_bound(world.a.tenant.id):
        number = db.session.get(Case, case_id).number
    assert client.get(f"/t/{world.a.slug}/status/{number}/result.pdf").status_code == 404
    other = app.test_client()
    _look_up(other, world.a, case_id)
    assert other.get(f"/t/{world.a.slug}/status/{number}/result.pdf").status_code == 200


def test_the_letters_page_previews_the_result_letter(world):
    from jobs.letters import KINDS, preview_letter

    assert "result" in KINDS
    with tenant_bound(world.a.tenant.id):
        text = _text(preview_letter(world.a.tenant, "result"))
    assert "128.50" in text


def test_the_desk_form_records_finding_cause_and_remedy(client, world):
    org = world.a
    case_id = dispatched_case(org)
    with tenant_bound(org.tenant.id):
        cause = next(c for c in catalog.causes(org.tenant) if c.active)
    login(client, org, "ops_li")
    base = f"/t/{org.slug}/desk/cases/{case_id}"
    page = client.get(f"{base}?lang=en")
    assert 'name="result-finding"' in page.text and cause.name in page.text
    refused = client.post(
        f"{base}/result?lang=en",
        data={
            "result-result": "已退款",
            "result-finding": "valid",
            "result-remedy_type": "refund",
        },
    )
    assert refused.status_code == 422, refused.status_code
    assert "Choose the cause from the list." in refused.text
    done = client.post(
        f"{base}/result",
        data={
            "result-result": "已退款",
            "result-finding": "valid",
            "result-cause_id": str(cause.id),
            "result-cause_analysis": "价签未更新",
            "result-remedy_type": "refund",
            "result-remedy_amount": "60.00",
        },
    )
    assert done.status_code == 303
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        assert case.finding is Finding.VALID and case.cause_id == cause.id
        assert str(case.remedy_amount) == "60.00"
        assert case.remedy_approved_by_label == org.users["ops_li"].name
    page = client.get(f"{base}?lang=en")
    assert "价签未更新" in page.text and "60.00" in page.text


PRESETS = sorted(
    p.stem for p in (pathlib.Path(__file__).parents[2] / "tenants/presets").glob("*.toml")
)
SENTENCE = (
    "顾客反映在三楼童装区购买的儿童羽绒服，穿了两次拉链就脱落，店员拒绝退换，要求按质量问题退货。"
)


@pytest.mark.parametrize("preset", PRESETS)
def test_the_longest_case_of_every_preset_fits_one_page(preset):
    from casework.models import Category

    org = make_org(f"res-{preset}", preset)
    with tenant_bound(org.tenant.id):
        longest = max(db.session.scalars(sa.select(Category)), key=lambda c: len(c.name))
    # A normal result: a long paragraph of findings and a remedy, at their usual lengths.
    with tenant_bound(org.tenant.id):
        case = open_and_resolve(org, longest.id)
        data = render_letter(org.tenant, case, "result")
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) == 1, f"{preset}: {len(pages)} pages"
    assert case.number in pages[0].extract_text()


def open_and_resolve(org, category_id) -> Case:
    """A case with the longest name and complaint, resolved with a 300-character result."""
    from casework.states import Status
    from tests.conftest import open_case

    case = open_case(
        org,
        category_id=category_id,
        description=(SENTENCE * 20)[:500],
        name="欧阳" + "慕容" * 49,
    )
    case = db.session.get(Case, case.id)
    # Straight to the facts the letter prints: this test is about the layout, not the flow.
    case.status = Status.RESOLVED
    case.finding = Finding.PARTLY_VALID
    case.result_text = (SENTENCE * 10)[:300]
    case.remedy_type = RemedyType.COMPENSATION
    case.remedy_amount = Decimal("9999999999.99")
    case.remedy_text = (SENTENCE * 5)[:120]
    return case


# What the result letter prints, by where each value comes from (as tests/web/test_public_text.py
# lists the acknowledgement's): the cause, its analysis and the approver are not among them.
COMPLAINANT, ORGANISATION, CASE = "the complainant's own words", "the organisation", "the case"
WRITTEN_TO_BE_SENT = "written by the handler to be sent"
RESULT_LETTER = {
    "tenant_name": ORGANISATION,
    "letterhead": ORGANISATION,
    "primary_color": ORGANISATION,
    "title": ORGANISATION,
    "opening": ORGANISATION,
    "closing": ORGANISATION,
    "contact": ORGANISATION,  # the duty contact, where to turn
    "number": CASE,
    "access_code": CASE,
    "accepted_at": CASE,
    "complainant": COMPLAINANT,
    "category": ORGANISATION,
    "summary": COMPLAINANT,
    "finding": CASE,  # the finding's label, not any text
    "result": WRITTEN_TO_BE_SENT,
    "remedy_type": CASE,
    "remedy_amount": CASE,
    "remedy": WRITTEN_TO_BE_SENT,
    "signed_at": CASE,
    "status_url": CASE,
    "locale": ORGANISATION,
}


def test_the_letter_prints_only_the_fields_listed(world):
    from casework.letters import result_context

    case_id = _resolve(world.a)
    with tenant_bound(world.a.tenant.id):
        context = result_context(
            world.a.tenant, db.session.get(Case, case_id), "http://closeloop.test"
        )
    assert set(context) == set(RESULT_LETTER)
    printed = " ".join(str(v) for v in context.values())
    assert NOTE not in printed and ANALYSIS not in printed and "王经理" not in printed
