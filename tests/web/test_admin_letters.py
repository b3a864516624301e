"""Tenant admins word each kind of letter, seeing it as a PDF of a sample case as they type."""

from __future__ import annotations

import html
import io
import re

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from casework.models import Letter
from jobs.letters import KINDS
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound, unscoped
from tenants.models import Tenant
from tenants.settings import TenantSettings
from tenants.wording import LETTER_LIMITS
from tests.conftest import login, open_case

URL = "/t/alpha/desk/admin/letters"
OPENING = "您好！您的来信我们已收到，专人正在核实情况，请保持电话畅通。"
CLOSING = "感谢您的监督，我们将在答复期限内告知处理结果。"


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _tenant(world) -> Tenant:
    with unscoped():
        db.session.expire_all()
        return db.session.get(Tenant, world.a.tenant.id)


def _row_counts() -> dict[str, int]:
    with unscoped():
        return {
            table.name: db.session.execute(sa.select(sa.func.count()).select_from(table)).scalar()
            for table in db.metadata.sorted_tables
        }


def test_the_page_lists_every_kind_and_shows_the_saved_wording(client, world):
    login(client, world.a, "admin")
    page = client.get(URL)
    assert page.status_code == 200
    wording = world.a.tenant.config.letter.wording("ack")
    assert wording.opening and html.escape(wording.opening) in page.text
    tabs = page.text.split('data-testid="letter-kinds"', 1)[1].split("</div>", 1)[0]
    for kind in KINDS:
        assert f"kind={kind}" in tabs
    # The preview beside the form frames the PDF of the saved wording.
    frame = re.search(r'<iframe[^>]+src="([^"]+)"', page.text)
    assert frame and "/letters/preview.pdf?" in frame.group(1)
    pdf = client.get(html.unescape(frame.group(1)))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert wording.opening[:10] in _text(pdf.data).replace("\n", "")


def test_the_preview_renders_the_unsaved_wording_and_writes_nothing(client, world):
    login(client, world.a, "admin")
    counts = _row_counts()
    query = {"kind": "ack", "title": "受理通知书", "opening": OPENING, "closing": CLOSING}
    fragment = client.get(f"{URL}/preview", query_string=query, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    src = html.unescape(re.search(r'<iframe[^>]+src="([^"]+)"', fragment.text).group(1))
    pdf = client.get(src)
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("inline")
    text = _text(pdf.data).replace("\n", "")
    assert OPENING in text and CLOSING in text and "受理通知书" in text
    assert "星河广场" in text  # the tenant's own name and letterhead, on a sample case
    # Nothing was saved: not the wording, not the sample case, not a number, not an event.
    assert _row_counts() == counts
    assert _tenant(world).config.letter.wording("ack").opening != OPENING


def test_only_the_preview_may_be_framed_and_only_by_our_pages(client, world):
    login(client, world.a, "admin")
    query = {"kind": "ack", "title": "", "opening": OPENING, "closing": CLOSING}
    pdf = client.get(f"{URL}/preview.pdf", query_string=query)
    csp = dict(p.strip().split(" ", 1) for p in pdf.headers["Content-Security-Policy"].split(";"))
    assert csp["frame-ancestors"] == "'self'" and pdf.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert csp["default-src"] == "'self'" and csp["object-src"] == "'none'"
    assert "no-store" in pdf.headers["Cache-Control"]
    # Its refusals, and every page around it, still refuse to be framed at all.
    for response in (
        client.get(f"{URL}/preview.pdf", query_string={**query, "title": "题" * 30}),
        client.get(f"{URL}/preview.pdf"),
        client.get(URL),
    ):
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_the_preview_says_what_is_wrong(client, world):
    login(client, world.a, "admin")
    fragment = client.get(
        f"{URL}/preview",
        query_string={
            "kind": "ack",
            "title": "x" * 25,
            "opening": "a",
            "closing": "b",
            "lang": "en",
        },
        headers={"HX-Request": "true"},
    )
    assert "<iframe" not in fragment.text and "At most 24 characters" in fragment.text
    assert client.get(f"{URL}/preview", query_string={"kind": "nope"}).status_code == 404
    assert client.get(f"{URL}/preview.pdf", query_string={"kind": "nope"}).status_code == 404


def test_saved_wording_is_audited_and_reaches_the_real_letter(client, world):
    login(client, world.a, "admin")
    before = world.a.tenant.config.letter.wording("ack")
    r = client.post(
        f"{URL}?kind=ack",
        data={"title": "受理通知书", "opening": OPENING + "\r\n", "closing": CLOSING},
    )
    assert r.status_code == 303, r.text
    saved = _tenant(world).config.letter
    assert (saved.ack_title, saved.ack_opening, saved.ack_closing) == (
        "受理通知书",
        OPENING,
        CLOSING,
    )
    with tenant_bound(world.a.tenant.id):
        (event,) = db.session.scalars(sa.select(AuditEvent)).all()
    assert event.kind == "letter.ack"
    assert event.changes["before"] == before.model_dump()
    assert event.changes["after"] == {"title": "受理通知书", "opening": OPENING, "closing": CLOSING}
    # The acknowledgement of the next complaint prints it.
    case = open_case(world.a)
    with tenant_bound(world.a.tenant.id):
        letter = db.session.scalars(sa.select(Letter).where(Letter.case_id == case.id)).one()
        text = _text(letter.pdf).replace("\n", "")
    assert OPENING in text and CLOSING in text and "受理通知书" in text
    # Saving the same wording again records nothing.
    client.post(
        f"{URL}?kind=ack", data={"title": "受理通知书", "opening": OPENING, "closing": CLOSING}
    )
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "题" * 25, "opening": "a", "closing": "b"}, "At most 24 characters"),
        ({"title": "", "opening": "开" * 121, "closing": "b"}, "At most 120 characters"),
        ({"title": "", "opening": "a\u202eb", "closing": "b"}, "control characters"),
        ({"title": "", "opening": "", "closing": "b"}, "opens the letter"),
    ],
)
def test_bad_wording_is_refused_and_nothing_saved(client, world, data, message):
    login(client, world.a, "admin")
    before = world.a.tenant.config.letter
    r = client.post(f"{URL}?kind=ack&lang=en", data=data)
    assert r.status_code == 422 and message in r.text
    assert _tenant(world).config.letter == before
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0


def test_the_preview_button_shows_without_saving(client, world):
    login(client, world.a, "admin")
    r = client.post(
        f"{URL}?kind=ack",
        data={"title": "", "opening": OPENING, "closing": CLOSING, "preview": "1"},
    )
    assert r.status_code == 200 and "<iframe" in r.text
    assert _tenant(world).config.letter.ack_opening != OPENING


@pytest.mark.parametrize("who", ["super", "desk", "ops_li"])
def test_only_admins_reach_letters(client, world, who):
    login(client, world.a, who)
    for url in (URL, f"{URL}/preview?kind=ack", f"{URL}/preview.pdf?kind=ack"):
        assert client.get(url).status_code == 403, url
    assert client.post(URL, data={"opening": "x", "closing": "y"}).status_code == 403


def test_the_longest_wording_keeps_the_letter_on_one_page(world):
    """The limits are what fits beside the longest case a preset allows."""
    from casework.models import Case, Category
    from casework.states import Channel
    from jobs.letters import render_letter
    from tenants.wording import Wording

    with tenant_bound(world.a.tenant.id):
        longest = max(db.session.scalars(sa.select(Category)), key=lambda c: len(c.name))
    sentence = "顾客反映在三楼童装区购买的儿童羽绒服，穿了两次拉链就脱落，店员拒绝退换，要求退货。"
    case = open_case(
        world.a,
        actor="desk",
        channel=Channel.PHONE,
        category_id=longest.id,
        description=(sentence * 20)[:500],
        name="欧阳" + "慕容" * 49,
        location=("滨江路 88 号星河广场地下二层停车场 B 区 12 号柱旁" * 12)[:300],
    )
    widest = Wording(
        title=("投诉受理确认函" * 4)[: LETTER_LIMITS["title"]],
        opening=(sentence * 4)[: LETTER_LIMITS["opening"]],
        closing=(sentence * 4)[: LETTER_LIMITS["closing"]],
    )
    with tenant_bound(world.a.tenant.id):
        data = render_letter(world.a.tenant, db.session.get(Case, case.id), "ack", widest)
    assert len(PdfReader(io.BytesIO(data)).pages) == 1


def test_the_letter_settings_read_the_old_shape_and_take_new_kinds():
    import casework  # noqa: F401  (declares the words the settings check)

    old = TenantSettings.model_validate(
        {
            "letter": {
                "ack_title": "投诉受理确认函",
                "ack_opening": "您好。",
                "ack_closing": "谢谢。",
            }
        }
    )
    assert old.letter.wording("ack").title == "投诉受理确认函"
    assert old.letter.ack_opening == "您好。"  # read as it always was
    assert old.letter.wording("result").title == ""  # a kind with no wording yet
    newer = old.letter.with_wording("result", old.letter.wording("ack"))
    stored = TenantSettings.model_validate({"letter": newer.model_dump(exclude_unset=True)})
    assert stored.letter.wording("result").opening == "您好。"
    assert stored.to_json()["letter"]["ack_title"] == "投诉受理确认函"
    with pytest.raises(ValueError, match="not <kind>_title"):
        TenantSettings.model_validate({"letter": {"ack_signature": "x"}})
    with pytest.raises(ValueError, match="at most"):
        TenantSettings.model_validate({"letter": {"ack_opening": "长" * 121}})
