"""In Chromium: a complainant not satisfied (MALL-6) is explained to and the case goes back
to handling; the case becomes a teaching case (HOSP-12) and its lesson is on the training
list; the handling rules page. axe on every page, at desk and phone width."""

from __future__ import annotations

import pytest

from casework.models import Case
from casework.operations import handling
from tenants.db import db, tenant_bound
from tests.browser.helpers import axe_violations, login, shot
from tests.conftest import dispatched_case

pytestmark = pytest.mark.browser


def _open(page, action: str) -> None:
    page.eval_on_selector(f"details[data-action={action}]", "d => { d.open = true; }")


def test_not_satisfied_then_teaching_case_in_the_browser(live_server, new_page, world):
    org = world.a
    case_id = dispatched_case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        handling.record_result(case, org.users["ops_li"], "已退还差价 60 元。")
        handling.send_result(case, org.users["ops_li"])
        db.session.commit()

    page = new_page()
    login(page, live_server, "desk")
    page.goto(f"{live_server}/t/alpha/desk/cases/{case_id}")
    _open(page, "not_satisfied")
    page.click("[data-action=not_satisfied] button[type=submit]")  # nothing filled in
    page.wait_for_selector("[data-action=not_satisfied] .help.is-danger")
    assert axe_violations(page) == [], "not satisfied, with errors"
    _open(page, "not_satisfied")
    page.fill("#not_satisfied-explanation", "解释了退款原路返回需要 3 个工作日。")
    page.fill("#not_satisfied-claim", "要求当日到账。")
    page.check("#not_satisfied-outcome-0")  # back to handling
    page.click("[data-action=not_satisfied] button[type=submit]")
    page.wait_for_selector("[data-testid=case-status]:has-text('处理中')")
    assert page.locator("text=不满意：已解释说明").count() == 1
    shot(page, "case-reopened")
    assert axe_violations(page) == [], "case reopened"
    page.click("form[action$='/desk/logout'] button")

    login(page, live_server, "super")
    page.goto(f"{live_server}/t/alpha/desk/cases/{case_id}")
    _open(page, "mark_teaching")
    page.fill("#mark_teaching-lesson", "退款到账时间须在答复中写明，避免投诉人再次来电。")
    page.click("[data-action=mark_teaching] button[type=submit]")
    page.wait_for_selector("[data-testid=lesson]")
    page.goto(f"{live_server}/t/alpha/desk/teaching")
    assert "退款到账时间须在答复中写明" in page.inner_text("[data-testid=lessons]")
    assert axe_violations(page) == [], "teaching cases"
    page.click("form[action$='/desk/logout'] button")

    phone = new_page(width=375, height=740)
    login(phone, live_server, "admin")
    phone.goto(f"{live_server}/t/alpha/desk/admin/rules")
    phone.fill("#dispatch_notice", "您的投诉已交由{unit}办理。")
    phone.click("[data-testid=rules-form] button[type=submit]")
    phone.wait_for_selector("[data-testid=notice-example]:has-text('您的投诉已交由客服部办理。')")
    shot(phone, "rules-phone")
    assert axe_violations(phone) == [], "handling rules"
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width
