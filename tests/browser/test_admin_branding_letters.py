"""The branding and letters pages in Chromium: the live checks, the framed PDF preview, a
new logo on every page, all under the strict CSP and without serious axe findings."""

from __future__ import annotations

import pytest

from tests.browser.helpers import axe_violations, login, shot
from tests.tenants.test_logos import png

pytestmark = pytest.mark.browser


def test_letters_preview_follows_the_typing(live_server, new_page, world):
    page = new_page()
    login(page, live_server, "admin")
    page.goto(f"{live_server}/t/alpha/desk/admin/letters")
    frame = page.locator("[data-testid=letter-preview] iframe")
    first = frame.get_attribute("src")
    page.fill("#opening", "您好！这是新的开头。")
    page.wait_for_function(
        "src => document.querySelector('[data-testid=letter-preview] iframe').src.indexOf(src) < 0",
        arg=first,
    )
    src = frame.get_attribute("src")
    assert "opening=" in src and "kind=ack" in src
    # The framed PDF loads (a frame the CSP refused would be an error page, and a violation).
    page.wait_for_timeout(1500)
    assert any("preview.pdf" in f.url for f in page.frames)
    shot(page, "admin-letters")
    assert axe_violations(page) == []
    page.click("#main form.box button[type=submit]:not([name])")
    page.wait_for_selector("#flashes .is-success")
    assert page.input_value("#opening") == "您好！这是新的开头。"
    # On a phone the form and the preview stack, and the PDF opens in a tab of its own.
    phone = new_page(width=375, height=800)
    login(phone, live_server, "admin")
    phone.goto(f"{live_server}/t/alpha/desk/admin/letters")
    assert phone.locator("text=PDF").count() >= 1
    shot(phone, "admin-letters-phone")


def test_branding_checks_the_colour_and_shows_a_new_logo(live_server, new_page, world, tmp_path):
    page = new_page()
    login(page, live_server, "admin")
    page.goto(f"{live_server}/t/alpha/desk/admin/branding")
    assert axe_violations(page) == []
    page.fill("#primary_color", "#fde68a")
    page.wait_for_selector("[data-testid=contrast-check] .is-danger")
    page.fill("#primary_color", "#1d4ed8")
    page.wait_for_selector("[data-testid=contrast-check] .is-success")
    logo = tmp_path / "logo.png"
    logo.write_bytes(png(48, 48))
    page.set_input_files("#logo", str(logo))
    page.click("#main form[enctype] button[type=submit]")
    page.wait_for_selector("[data-testid=current-logo] img")
    bar = page.locator("nav .brand-logo img")
    assert "/t/alpha/logo.png?v=" in bar.get_attribute("src")
    assert page.evaluate("document.querySelector('nav .brand-logo img').naturalWidth") == 48
    shot(page, "admin-branding")
    assert axe_violations(page) == []
