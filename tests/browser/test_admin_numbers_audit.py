"""The case-number, audit-log and configuration-file pages in Chromium: the live number
preview, the filters and the keyboard, under the strict CSP, without serious axe findings."""

from __future__ import annotations

import datetime as dt

import pytest

from casework import calendar
from tenants.db import db
from tests.browser.helpers import axe_violations, login, shot

pytestmark = pytest.mark.browser


def test_the_number_preview_follows_the_typing_and_saves(live_server, page, world):
    login(page, live_server, "admin")
    page.goto(f"{live_server}/t/alpha/desk/admin/numbers")
    preview = page.locator("[data-testid=next-number]")
    assert preview.inner_text().startswith("XH")
    assert axe_violations(page) == []
    page.fill("#prefix", "qq")
    page.select_option("#date_part", "")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=next-number]')?.textContent === 'QQ-0001'"
    )
    # Keyboard: the width field is reached with Tab and changed with the arrow keys.
    page.focus("#date_part")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "width"
    page.keyboard.press("ArrowUp")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=next-number]')?.textContent === 'QQ-00001'"
    )
    shot(page, "admin-numbers")
    page.click("#main form.box button[type=submit]:not([name])")
    page.wait_for_selector("#flashes .is-success")
    assert page.input_value("#prefix") == "QQ"
    assert page.locator("[data-testid=next-number]").inner_text() == "QQ-00001"


def test_the_audit_log_filters_and_reads_well(live_server, page, world):
    calendar.set_day(world.a.tenant, world.a.users["admin"], dt.date(2030, 5, 6), False, "台风")
    db.session.commit()
    login(page, live_server, "admin")
    page.goto(f"{live_server}/t/alpha/desk/admin/audit")
    assert page.locator(".audit-event").count() == 1
    assert axe_violations(page) == []
    shot(page, "admin-audit")
    page.select_option("#kind", "user")  # htmx swaps the list in on change
    page.wait_for_selector("text=没有符合筛选条件的变更记录。")  # zh_CN, the tenant's language
    assert "kind=user" in page.url
    page.go_back()
    page.wait_for_selector(".audit-event")


def test_the_configuration_page_passes_axe(live_server, page, world):
    login(page, live_server, "admin")
    page.goto(f"{live_server}/t/alpha/desk/admin/configuration")
    page.click("summary")
    page.wait_for_selector("[data-testid=config-text]")
    assert axe_violations(page) == []
    shot(page, "admin-configuration")


def test_the_pages_fit_a_phone(live_server, new_page, world):
    calendar.set_day(
        world.a.tenant, world.a.users["admin"], dt.date(2030, 5, 6), False, "台风" * 30
    )
    db.session.commit()
    page = new_page(width=375, height=800)
    login(page, live_server, "admin")
    for name in ("numbers", "audit", "configuration"):
        page.goto(f"{live_server}/t/alpha/desk/admin/{name}")
        if name == "configuration":
            page.click("summary")
        width = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
        shot(page, f"admin-{name}-phone")
        assert width <= 0, name
