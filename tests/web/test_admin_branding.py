"""Tenant admins set the logo, the colour, the letterhead and the duty contact."""

from __future__ import annotations

import hashlib
import io

import pytest
import sqlalchemy as sa

from tenants import branding
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound, unscoped
from tenants.models import Tenant
from tenants.presets import available, load_preset
from tests.conftest import login
from tests.tenants.test_logos import png

URL = "/t/alpha/desk/admin/branding"
SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'


def _form(**changes) -> dict:
    data = {
        "primary_color": "#c2410c",
        "letterhead": "星河广场购物中心 客户服务部",
        "duty_contact_name": "客服部值班台",
        "duty_contact_phone": "0571-8888 6666",
    }
    data.update(changes)
    return data


def _upload(client, name: str, data: bytes, **changes):
    return client.post(
        URL + "?lang=en",
        data=_form(logo=(io.BytesIO(data), name), **changes),
        content_type="multipart/form-data",
    )


def _tenant(world) -> Tenant:
    with unscoped():
        db.session.expire_all()
        return db.session.get(Tenant, world.a.tenant.id)


def _audit(world, kind: str | None = None) -> list[AuditEvent]:
    with tenant_bound(world.a.tenant.id):
        query = sa.select(AuditEvent).order_by(AuditEvent.id)
        if kind:
            query = query.where(AuditEvent.kind == kind)
        return list(db.session.scalars(query))


def test_the_page_shows_the_current_branding(client, world):
    login(client, world.a, "admin")
    page = client.get(URL)
    assert page.status_code == 200
    assert 'value="#c2410c"' in page.text and "客服部值班台" in page.text
    assert 'data-testid="contrast-check"' in page.text
    assert "Remove the uploaded logo" not in page.text and "删除" not in page.text


def test_a_png_logo_is_served_under_its_digest_and_shown_everywhere(client, world):
    login(client, world.a, "admin")
    image = png(64, 64)
    r = _upload(client, "logo.png", image)
    assert r.status_code == 303, r.text
    tenant = _tenant(world)
    etag = hashlib.sha256(image).hexdigest()[:16]
    assert tenant.logo_etag == etag and tenant.logo_png == image
    url = f"/t/alpha/logo.png?v={etag}"
    # The desk, the portal and the home page link it instead of the SVG.
    for page in ("/t/alpha/desk/", "/t/alpha/", "/"):
        html = client.get(page, follow_redirects=True).text
        assert url in html, page
    served = client.get(url)
    assert served.status_code == 200 and served.data == image
    assert served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in served.headers["Cache-Control"]
    assert "public" in served.headers["Cache-Control"]
    assert served.headers["ETag"] == f'"{etag}"'
    # Any other version is revalidated, and a browser holding this one gets a 304.
    stale = client.get("/t/alpha/logo.png?v=old")
    assert "no-cache" in stale.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": f'"{etag}"'})
    assert again.status_code == 304
    # The audit log keeps the digest, never the bytes.
    (event,) = _audit(world, "branding.logo")
    assert event.subject == "logo.png"
    assert event.changes["after"] == {
        "type": "png",
        "sha256": hashlib.sha256(image).hexdigest(),
        "size": len(image),
    }
    assert event.changes["before"]["type"] == "svg"
    # Removing it brings the preset's logo back, and the PNG's address is gone.
    assert client.post(f"{URL}/logo/delete").status_code == 303
    tenant = _tenant(world)
    assert (tenant.logo_etag, tenant.logo_png) == ("", None)
    assert tenant.logo_svg == load_preset("mall").logo_svg
    assert client.get(url).status_code == 404
    assert len(_audit(world, "branding.logo")) == 2


def test_a_tenant_without_a_png_has_no_logo_address(client, world):
    assert client.get("/t/alpha/logo.png").status_code == 404


def test_an_svg_logo_is_stored_sanitised_and_shown_inline(client, world):
    login(client, world.a, "admin")
    svg = (
        f'<svg {SVG_NS} width="40" height="40"><metadata>editor</metadata>'
        '<rect width="40" height="40" fill="#0f766e" style="stroke:#fff"/></svg>'
    )
    r = _upload(client, "logo.svg", svg.encode())
    assert r.status_code == 303, r.text
    stored = _tenant(world).logo_svg
    assert (
        "metadata" not in stored and 'stroke="#fff"' in stored and 'viewBox="0 0 40 40"' in stored
    )
    assert stored in client.get("/t/alpha/").text
    page = client.get(URL).text
    assert "Remove the uploaded logo" in page or "删除" in page


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        (
            "logo.svg",
            f"<svg {SVG_NS}><script>alert(document.cookie)</script></svg>".encode(),
            "script",
        ),
        ("logo.svg", f'<svg {SVG_NS} onload="alert(1)"/>'.encode(), "onload"),
        ("logo.png", b"MZ\x90\x00" + b"\x00" * 100, "neither a PNG nor an SVG"),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 5 * 1024 * 1024, "at most 512 KB"),
        ("logo.svg", b"<svg" + b" " * (5 * 1024 * 1024) + b"/>", "5120 KB"),
    ],
)
def test_bad_logos_are_refused_with_a_clear_message(client, world, name, data, reason):
    login(client, world.a, "admin")
    before = _tenant(world).logo_svg
    r = _upload(client, name, data, letterhead="这一行不应保存")
    assert r.status_code == 422
    assert reason in r.text
    assert 'class="help is-danger"' in r.text
    tenant = _tenant(world)
    # Nothing half-saved: the letterhead typed beside the bad logo is not kept either.
    assert tenant.logo_svg == before and tenant.logo_etag == ""
    assert tenant.letterhead != "这一行不应保存"
    assert _audit(world) == []


def test_a_low_contrast_colour_is_refused_with_its_ratio(client, world):
    login(client, world.a, "admin")
    r = client.post(URL + "?lang=en", data=_form(primary_color="#ffcc00"))
    assert r.status_code == 422
    ratio = branding.contrast_with_white("#ffcc00")
    shown = f"{int(ratio * 100) / 100:.2f}"
    assert f"{shown}:1" in r.text and "4.5:1" in r.text
    assert "WCAG" in r.text and "readable" in r.text
    assert _tenant(world).primary_color == "#c2410c"
    # #777777 reads 4.48:1, just short: refused, and not shown rounded up to 4.5.
    r = client.post(URL + "?lang=en", data=_form(primary_color="#777777"))
    assert r.status_code == 422 and "4.47:1" in r.text
    r = client.post(URL + "?lang=en", data=_form(primary_color="not a colour"))
    assert r.status_code == 422 and "#1f6feb" in r.text


def test_the_live_contrast_check(client, world):
    login(client, world.a, "admin")
    ok = client.get(
        f"{URL}/contrast", query_string={"primary_color": "#1d4ed8"}, headers={"HX-Request": "true"}
    )
    assert ok.status_code == 200 and 'fill="#1d4ed8"' in ok.text and "✓" in ok.text
    assert "<html" not in ok.text
    low = client.get(
        f"{URL}/contrast", query_string={"primary_color": "#fde68a"}, headers={"HX-Request": "true"}
    )
    assert "✗" in low.text and "4.5:1" in low.text


def test_a_good_colour_changes_brand_css_and_is_audited(client, world):
    login(client, world.a, "admin")
    before_css = client.get("/t/alpha/desk/").text
    r = client.post(
        URL,
        data=_form(
            primary_color="#1D4ED8",
            letterhead="星河广场 · 滨江路 88 号",
            duty_contact_phone="0571-8888 0000",
        ),
    )
    assert r.status_code == 303, r.text
    tenant = _tenant(world)
    assert tenant.primary_color == "#1d4ed8"
    assert (tenant.letterhead, tenant.duty_contact_phone) == (
        "星河广场 · 滨江路 88 号",
        "0571-8888 0000",
    )
    page = client.get("/t/alpha/desk/").text
    assert page != before_css
    href = page.split('href="/t/alpha/brand.css', 1)[1].split('"', 1)[0]
    css = client.get("/t/alpha/brand.css" + href.replace("&amp;", "&")).text
    assert "--brand:#1d4ed8" in css
    events = {e.kind: e for e in _audit(world)}
    assert set(events) == {"branding.color", "branding.letterhead", "branding.duty_contact"}
    assert events["branding.color"].changes == {"before": "#c2410c", "after": "#1d4ed8"}
    assert events["branding.duty_contact"].changes["after"] == {
        "name": "客服部值班台",
        "phone": "0571-8888 0000",
    }
    assert events["branding.color"].actor_label == world.a.users["admin"].name
    # Saving the same values again records nothing.
    client.post(
        URL,
        data=_form(
            primary_color="#1d4ed8",
            letterhead="星河广场 · 滨江路 88 号",
            duty_contact_phone="0571-8888 0000",
        ),
    )
    assert len(_audit(world)) == 3


def test_a_line_with_control_characters_or_too_long_is_refused(client, world):
    login(client, world.a, "admin")
    r = client.post(URL + "?lang=en", data=_form(letterhead="一行\u202e二行"))
    assert r.status_code == 422 and "one line" in r.text
    r = client.post(URL + "?lang=en", data=_form(duty_contact_phone="1" * 51))
    assert r.status_code == 422 and "At most 50 characters" in r.text
    assert _audit(world) == []


@pytest.mark.parametrize("who", ["super", "desk", "ops_li"])
def test_only_admins_reach_branding(client, world, who):
    login(client, world.a, who)
    assert client.get(URL).status_code == 403
    assert client.post(URL, data=_form(primary_color="#1d4ed8")).status_code == 403
    assert client.post(f"{URL}/logo/delete").status_code == 403
    assert client.get(f"{URL}/contrast").status_code == 403
    assert _tenant(world).primary_color == "#c2410c"


@pytest.mark.parametrize("preset", available())
def test_every_presets_colour_passes_the_contrast_check(preset):
    color = load_preset(preset).primary_color
    assert branding.check_color(color) == color.lower(), preset
    assert branding.contrast_with_white(color) >= branding.MIN_CONTRAST


def _images(pdf: bytes) -> int:
    from pypdf import PdfReader

    count = 0
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for xobject in page["/Resources"].get("/XObject", {}).values():
            count += xobject.get_object()["/Subtype"] == "/Image"
    return count


def test_letters_print_the_uploaded_png(client, world):
    from casework.models import Letter
    from tests.conftest import open_case

    def letter_of_a_new_case() -> bytes:
        case = open_case(world.a)
        with tenant_bound(world.a.tenant.id):
            return db.session.scalars(sa.select(Letter).where(Letter.case_id == case.id)).one().pdf

    with_svg = _images(letter_of_a_new_case())  # the QR code; the SVG logo is drawn
    login(client, world.a, "admin")
    assert _upload(client, "logo.png", png(64, 64)).status_code == 303
    assert _images(letter_of_a_new_case()) == with_svg + 1
