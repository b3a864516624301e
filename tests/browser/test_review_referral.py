"""The daily review and the referral out in a browser (CITY-5, CITY-7): a repeat first, the
day signed, a case referred out with its letter on the status page; axe on every page."""

from __future__ import annotations

import pytest

from casework.models import Case
from tenants.db import db, tenant_bound
from tests.browser.helpers import axe_violations, login, shot
from tests.conftest import open_case

pytestmark = pytest.mark.browser


def test_the_review_is_signed_and_a_case_referred_out(live_server, page, world):
    org = world.a
    earlier = open_case(org)
    plain = open_case(org, description="电梯噪音扰民")
    again = open_case(org, description="同一问题再次反映")
    with tenant_bound(org.tenant.id):
        db.session.get(Case, again.id).repeat_of_id = earlier.id
        db.session.commit()
    login(page, live_server, "super")
    page.hover(".reports-menu")  # the review sits in the overview menu of the desk's bar
    page.click("a.navbar-item[href$='/desk/review']")
    page.wait_for_selector("[data-testid=review]")
    rows = page.locator(".review-day").first.locator(".review-item .case-number")
    numbers = rows.all_inner_texts()
    assert numbers.index(again.number) < numbers.index(plain.number)
    assert axe_violations(page) == [], "review"
    page.locator(".review-sign").first.locator("textarea").fill("重复投诉已督办")
    page.locator(".review-sign").first.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=signed]")
    shot(page, "review-signed")
    assert axe_violations(page) == [], "review signed"

    page.goto(f"{live_server}/t/alpha/desk/cases/{plain.id}")
    page.click("details[data-action=refer_out] summary")
    page.fill("#refer_out-reason", "电梯维保属物业公司职责")
    page.fill("#refer_out-body", "小区物业服务中心")
    page.click("details[data-action=refer_out] button[type=submit]")
    page.wait_for_selector("[data-testid=out-of-scope]")
    assert axe_violations(page) == [], "case referred out"

    status = page.context.new_page()
    status.goto(f"{live_server}/t/alpha/status")
    status.fill("#number", plain.number)
    status.fill("#factor", plain.access_code)
    status.click("button[type=submit]")
    status.wait_for_selector("[data-testid=referred-to]")
    assert "小区物业服务中心" in status.inner_text("[data-testid=referred-to]")
    assert status.locator("a[href$='referral.pdf']").count() == 1
    assert axe_violations(status) == [], "status page referred out"
