"""机构设置 → 回访制度 in Chromium, CSRF on: a question added and saved from the keyboard, a
sampling row out of order refused in place, a rule saved; no serious axe findings, and the
page fits a phone."""

from __future__ import annotations

import pytest

from tenants.db import db
from tenants.models import Tenant
from tests.browser.helpers import axe_violations, login, shot

pytestmark = pytest.mark.browser


def test_the_revisit_settings_work_by_keyboard_and_refuse_in_place(live_server, page, world):
    login(page, live_server, "admin")
    page.goto(f"{live_server}/t/alpha/desk/admin/revisiting")
    assert axe_violations(page) == []

    # A question of the tenant's own: "add" by keyboard puts the cursor in its key.
    page.focus("[data-testid=questions-form] button[value=add]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#questions-questions-0-key")
    page.wait_for_function("document.activeElement.id === 'questions-questions-0-key'")
    page.keyboard.type("parking")
    page.fill("#questions-questions-0-text", "您对停车管理满意吗？")
    page.keyboard.press("Enter")  # Enter in a text box saves; it never removes a question
    page.wait_for_selector("#questions .notification.is-success")
    assert page.input_value("#questions-questions-0-key") == "parking"

    # A sampling table whose rows fall instead of rise is refused beside the table.
    page.fill("#sampling-bands-1-up_to", "10")
    page.click("[data-testid=sampling-form] button.is-primary")
    page.wait_for_selector("#sampling .notification.is-danger")
    assert "每一行的“最多”须大于上一行" in page.inner_text("#sampling")
    assert axe_violations(page) == []

    # A rule: repair orders within 2 months.
    page.fill("#rules-work_order-within_value", "2")
    page.select_option("#rules-work_order-within_unit", "months")
    page.click("[data-testid=revisit-rules-form] button.is-primary")
    page.wait_for_selector("#rules .notification.is-success")
    db.session.expire_all()
    revisiting = db.session.get(Tenant, world.a.tenant.id).config.revisiting
    assert [q.key for q in revisiting.questions] == ["parking"]
    assert revisiting.rules["work_order"].within.value == 2
    assert revisiting.sampling[1].up_to == 50  # the refused table was not saved
    shot(page, "admin-revisiting")


def test_the_revisit_settings_fit_a_phone(live_server, new_page, world):
    page = new_page(width=375, height=800)
    login(page, live_server, "admin")
    page.goto(f"{live_server}/t/alpha/desk/admin/revisiting")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert axe_violations(page) == []
    shot(page, "admin-revisiting-phone")
