"""The referral notice letter (转办告知书, CITY-5): what it prints, one A4 page in Chinese,
rendered and mailed once, previewed on the letters page."""

from __future__ import annotations

import io
import pathlib

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from casework.letters import referral_context
from casework.models import Case, Letter, Message, PendingJob
from casework.operations import referrals
from jobs import runtime
from jobs.letters import KINDS, preview_letter, render_letter
from tenants.db import db, tenant_bound, unscoped
from tests.conftest import make_org, open_case

REASON = "您反映的房屋租赁合同纠纷属于民事争议，不属于本单位的职责范围。"
BODY = "区住房和城乡建设局房屋租赁管理科"
NOTE = "内部备注：投诉人多次来电"


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _refer(org, **kw) -> int:
    case_id = open_case(org, "desk", email=kw.pop("email", "zhang@example.com"), **kw).id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        referrals.refer_out(case, org.users["desk"], REASON, BODY, "0571-87654321")
        db.session.commit()
    return case_id


def _letter(org, case_id: int) -> bytes:
    with tenant_bound(org.tenant.id):
        return (
            db.session.scalars(
                sa.select(Letter).where(Letter.case_id == case_id, Letter.kind == "referral")
            )
            .one()
            .pdf
        )


def test_the_letter_prints_the_reason_and_the_body_on_one_page(world):
    case_id = _refer(world.a)
    data = _letter(world.a, case_id)
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) == 1
    text = _text(data).replace("\n", "")
    assert "转办告知书" in text  # the default title, in the tenant's language
    assert "不属于本单位的职责范围" in text and "房屋租赁管理科" in text
    assert "0571-87654321" in text
    with tenant_bound(world.a.tenant.id):
        number = db.session.get(Case, case_id).number
    assert number in text


def test_mailed_once_even_when_the_job_runs_again(world):
    case_id = _refer(world.a)
    with unscoped():
        pending = db.session.scalars(
            sa.select(PendingJob).where(PendingJob.name == "letters.referral")
        ).one()
        pending.done_at = None
        db.session.commit()
        pending_id = pending.id
    assert runtime.execute(pending_id) == "ok"
    with tenant_bound(world.a.tenant.id):
        letters = db.session.scalars(sa.select(Letter).where(Letter.kind == "referral")).all()
        mails = db.session.scalars(
            sa.select(Message).where(Message.dedupe_key == f"referral:{case_id}")
        ).all()
    assert len(letters) == 1
    assert [(m.to, m.letter_id) for m in mails] == [("zhang@example.com", letters[0].id)]


def test_no_address_still_renders_the_letter(world):
    case_id = _refer(world.a, email="")
    assert _letter(world.a, case_id)
    with tenant_bound(world.a.tenant.id):
        assert not db.session.scalars(sa.select(Message).where(Message.case_id == case_id)).all()


def test_the_letters_page_previews_it_on_the_sample_case(world):
    assert "referral" in KINDS
    with tenant_bound(world.a.tenant.id):
        text = _text(preview_letter(world.a.tenant, "referral"))
        assert not db.session.scalars(sa.select(Letter)).all()
    assert "转办告知书" in text


# What the referral letter prints, by where each value comes from.
COMPLAINANT, ORGANISATION, CASE = "the complainant's own words", "the organisation", "the case"
WRITTEN_TO_BE_SENT = "written by staff for the complainant when referring"
REFERRAL_LETTER = {
    "tenant_name": ORGANISATION,
    "letterhead": ORGANISATION,
    "primary_color": ORGANISATION,
    "title": ORGANISATION,
    "opening": ORGANISATION,
    "closing": ORGANISATION,
    "contact": ORGANISATION,
    "number": CASE,
    "access_code": CASE,
    "accepted_at": CASE,
    "complainant": COMPLAINANT,
    "category": ORGANISATION,
    "summary": COMPLAINANT,
    "reason": WRITTEN_TO_BE_SENT,
    "referred_to": WRITTEN_TO_BE_SENT,
    "referred_contact": WRITTEN_TO_BE_SENT,
    "signed_at": CASE,
    "status_url": CASE,
    "locale": ORGANISATION,
}


def test_the_letter_prints_only_the_fields_listed(world):
    org = world.a
    case_id = open_case(org, "desk").id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        from casework.operations import dispatch, handling

        ops = org.users["ops_li"]
        dispatch.dispatch_case(case, org.users["super"], ops.department_id, ops.id)
        handling.add_note(case, ops, NOTE)
        referrals.refer_out(case, org.users["super"], REASON, BODY)
        db.session.flush()
        context = referral_context(org.tenant, case, "http://closeloop.test")
    assert set(context) == set(REFERRAL_LETTER)
    assert NOTE not in " ".join(str(v) for v in context.values())


PRESETS = sorted(
    p.stem for p in (pathlib.Path(__file__).parents[2] / "tenants/presets").glob("*.toml")
)


@pytest.mark.parametrize("preset", ["city", "mall"])
def test_the_longest_referral_fits_one_page(preset):
    assert preset in PRESETS
    org = make_org(f"ref-{preset}", preset)
    sentence = "顾客反映在三楼童装区购买的儿童羽绒服，穿了两次拉链就脱落，店员拒绝退换，要求退货。"
    case_id = open_case(
        org, "desk", description=(sentence * 20)[:500], name="欧阳" + "慕容" * 49
    ).id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        referrals.refer_out(case, org.users["desk"], (sentence * 10)[:500], "局" * 100, "1" * 100)
        db.session.flush()
        data = render_letter(org.tenant, case, "referral")
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) == 1, f"{preset}: {len(pages)} pages"
    assert case.number in pages[0].extract_text()
