"""The acknowledgement letter: Chinese text in a real CJK font, small, safe, sent once."""

from __future__ import annotations

import io
import pathlib

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from casework.models import Letter, Message, PendingJob
from jobs import pdf, runtime
from tenants.db import db, tenant_bound, unscoped
from tests.conftest import open_case


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_harfbuzz_subsetting_is_available():
    # Without libharfbuzz-subset0 WeasyPrint silently falls back to a 60x slower subsetter.
    from weasyprint.text import ffi

    assert getattr(ffi, "harfbuzz_subset", None) is not None
    assert hasattr(ffi.harfbuzz_subset, "hb_subset_or_fail")


def test_letter_has_number_chinese_text_and_cjk_fonts(world):
    case = open_case(world.a, email="zhang@example.com")
    with tenant_bound(world.a.tenant.id):
        letter = db.session.scalars(sa.select(Letter)).one()
        data = letter.pdf
    text = _text(data)
    assert case.number in text
    assert "投诉受理确认函" in text and "星河广场" in text
    assert case.access_code in text
    fonts = {
        str(f.get_object()["/BaseFont"])
        for page in PdfReader(io.BytesIO(data)).pages
        for f in page["/Resources"]["/Font"].values()
    }
    assert all("Closeloop-Sans" in f or "NotoSansCJK" in f for f in fonts), fonts
    assert len(data) <= 150 * 1024


def test_a_job_run_twice_renders_and_sends_once(app, world):
    case = open_case(world.a, email="zhang@example.com")
    with unscoped():
        pending = db.session.scalars(sa.select(PendingJob)).one()
        assert pending.done_at is not None
        # Simulate a worker that sent the mail but died before marking the job done.
        pending.done_at = None
        db.session.commit()
        pending_id = pending.id
    assert runtime.execute(pending_id) == "ok"
    assert runtime.execute(pending_id) == "done already"
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(Letter.id))) == 1
        messages = db.session.scalars(sa.select(Message)).all()
    assert [(m.dedupe_key, m.to) for m in messages] == [(f"ack:{case.id}", "zhang@example.com")]


def test_a_job_for_a_deleted_case_shrugs(world):
    case = open_case(world.a)
    with unscoped():
        pending = db.session.scalars(sa.select(PendingJob)).one()
        pending.done_at = None
        db.session.execute(sa.text("DELETE FROM letters"))
        db.session.execute(sa.text("DELETE FROM case_events"))
        db.session.execute(sa.text("DELETE FROM cases WHERE id = :id"), {"id": case.id})
        db.session.commit()
        pending_id = pending.id
    assert runtime.execute(pending_id) == "gone"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "https://example.com/x.png",
        "https://closeloop.invalid/static/../../../etc/passwd",
        "https://closeloop.invalid/elsewhere/x",
    ],
)
def test_the_fetcher_serves_only_our_static_files(app, url):
    with app.app_context():
        fetcher = pdf._static_only_fetcher()
        with pytest.raises(ValueError):
            fetcher.fetch(url)
        ok = fetcher.fetch("https://closeloop.invalid/static/css/app.css")
        assert b"Closeloop" in ok.read()


def test_user_text_never_becomes_markup(world):
    case = open_case(
        world.a,
        description='<link rel="attachment" href="file:///etc/passwd"><img src="file:///etc/hostname">',
    )
    with tenant_bound(world.a.tenant.id):
        data = db.session.scalars(sa.select(Letter)).one().pdf
    assert b"/EmbeddedFile" not in data
    assert "<link" in _text(data)  # shown as text, escaped
    assert case.number in _text(data)


def test_letters_print_no_control_or_bidi_characters(world):
    import unicodedata

    from casework.letters import acknowledgement_context
    from casework.models import Case
    from casework.plaintext import BIDI_CONTROLS

    case = open_case(
        world.a,
        name="张\u202e伟\x07",
        description="第一行\r\n\u2066第二行\x1b[0m\u2069",
        location="二楼\u200f 312\x1f",
    )
    with tenant_bound(world.a.tenant.id):
        context = acknowledgement_context(
            world.a.tenant, db.session.get(Case, case.id), "http://closeloop.test"
        )
        data = db.session.scalars(sa.select(Letter)).one().pdf
    for key, value in context.items():
        if isinstance(value, str):
            odd = [c for c in value if c in BIDI_CONTROLS or unicodedata.category(c) == "Cc"]
            assert odd in ([], ["\n"] * value.count("\n")), key
    assert context["complainant"] == "张伟"
    assert context["summary"] == "第一行 第二行[0m"  # one paragraph on paper
    assert context["location"] == "二楼 312"
    text = _text(data)
    assert "张伟" in text and "\u202e" not in text and "\u2066" not in text


PRESETS = sorted(
    p.stem for p in (pathlib.Path(__file__).parents[2] / "tenants/presets").glob("*.toml")
)
# Full-width text, the widest a letter prints; the name and place as long as their columns.
SENTENCE = (
    "顾客反映在三楼童装区购买的儿童羽绒服，穿了两次拉链就脱落，店员拒绝退换，要求按质量问题退货。"
)
DESCRIPTIONS = {
    "500 characters": (SENTENCE * 20)[:500],
    "5,000 characters on short lines": (SENTENCE[:24] + "\n") * 200,
    "one unbroken string": "A" * 500,
}


@pytest.mark.parametrize("description", list(DESCRIPTIONS))
@pytest.mark.parametrize("preset", PRESETS)
def test_the_longest_case_of_every_preset_fits_one_page(preset, description):
    from casework import deadlines
    from casework.models import Case, Category
    from casework.states import Channel
    from jobs.letters import render_letter
    from tests.conftest import make_org

    org = make_org(f"long-{preset}", preset)
    with tenant_bound(org.tenant.id):
        longest = max(db.session.scalars(sa.select(Category)), key=lambda c: len(c.name))
    case = open_case(
        org,
        actor="desk",
        channel=Channel.PHONE,
        category_id=longest.id,
        description=DESCRIPTIONS[description],
        name="欧阳" + "慕容" * 49,  # 100 characters, the column's limit
        location=("滨江路 88 号星河广场地下二层停车场 B 区 12 号柱旁" * 12)[:300],
    )
    with tenant_bound(org.tenant.id):
        data = render_letter(org.tenant, db.session.get(Case, case.id), "ack")
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) == 1, f"{preset}: {len(pages)} pages"
    text = pages[0].extract_text()
    # Everything is there, down to the signature's date.
    signed = deadlines.to_local(case.accepted_at, org.tenant.timezone).strftime("%Y-%m-%d")
    assert case.number in text and text.count(signed) >= 2  # accepted at, and signed
