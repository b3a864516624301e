"""Plan → approval → result in headless Chromium (MALL-5): the handler drafts and submits the
plan, the department head returns it with a comment and then approves the revision, and the
result, its refund taken from the approved plan, reaches the complainant's status page with
the result letter. axe checks every page visited."""

from __future__ import annotations

import pytest

from casework.models import Case
from tenants.db import db, tenant_bound
from tests.browser.helpers import axe_violations, shot
from tests.browser.helpers import login as _login
from tests.conftest import dispatched_case

pytestmark = pytest.mark.browser


def _logout(page) -> None:
    page.click("form[action$='/desk/logout'] button")
    page.wait_for_url("**/desk/login")


def _open(page, action: str) -> None:
    page.eval_on_selector(f"details[data-action={action}]", "d => { d.open = true; }")


def _checked(page, name: str) -> None:
    shot(page, f"plan-{name}")
    assert axe_violations(page) == [], name


def test_plan_approval_then_result_in_the_browser(live_server, page, world):
    base = live_server
    case_id = dispatched_case(world.a)
    head_name = world.a.users["ops_head"].name
    url = f"{base}/t/alpha/desk/cases/{case_id}"

    # 1. The handler drafts the plan with a refund and submits it.
    _login(page, base, "ops_li")
    page.goto(url)
    _open(page, "draft_plan")
    page.fill("#draft_plan-measures", "核实价签差错，向顾客退还差价。")
    page.select_option("#draft_plan-remedy_type", "refund")
    page.fill("#draft_plan-remedy_amount", "60")
    page.click("[data-action=draft_plan] button[type=submit]")
    page.wait_for_selector("[data-action=submit_plan]")
    _checked(page, "drafted")
    page.click("[data-action=submit_plan] button[type=submit]")
    page.wait_for_selector("[data-testid=plan-waiting]")
    assert head_name in page.inner_text("[data-testid=plan-waiting]")
    assert page.locator("[data-action=result]").count() == 0  # not before approval
    _checked(page, "submitted")
    _logout(page)

    # 2. The department head returns it; a return without a comment is refused on the form.
    _login(page, base, "ops_head")
    page.goto(url)
    page.wait_for_selector("[data-action=decide_plan][open]")
    page.check("#decide_plan-decision-1")  # return for revision
    page.click("[data-action=decide_plan] button[type=submit]")
    page.wait_for_selector("[data-action=decide_plan] .help.is-danger")
    _checked(page, "return-refused")
    page.fill("#decide_plan-comment", "请注明退款方式。")
    page.click("[data-action=decide_plan] button[type=submit]")
    page.wait_for_selector("[data-action=decide_plan]", state="detached")
    _logout(page)

    # 3. The handler revises; the head approves the new version.
    _login(page, base, "ops_li")
    page.goto(url)
    assert "请注明退款方式。" in page.inner_text("[data-testid=plan]")
    _open(page, "draft_plan")
    page.fill("#draft_plan-measures", "核实价签差错，原路退还差价 60 元。")
    page.select_option("#draft_plan-remedy_type", "refund")
    page.fill("#draft_plan-remedy_amount", "60")
    page.click("[data-action=draft_plan] button[type=submit]")
    page.wait_for_selector("[data-action=submit_plan]")
    page.click("[data-action=submit_plan] button[type=submit]")
    page.wait_for_selector("[data-testid=plan-waiting]")
    _logout(page)
    _login(page, base, "ops_head")
    page.goto(url)
    page.check("#decide_plan-decision-0")  # approve
    page.click("[data-action=decide_plan] button[type=submit]")
    page.wait_for_selector("[data-action=decide_plan]", state="detached")
    _checked(page, "approved")
    _logout(page)

    # 4. The handler records the result (the refund is the plan's) and sends it.
    _login(page, base, "ops_li")
    page.goto(url)
    _open(page, "result")
    assert "60.00" in page.inner_text("[data-testid=result-plan-remedy]")
    page.fill("#result-result", "经核实系价签未更新，已原路退还差价 60 元。")
    page.check("#result-finding-0")
    page.select_option("#result-cause_id", index=1)
    page.click("[data-action=result] button[type=submit]")
    page.wait_for_selector("[data-action=send_result]")
    assert head_name in page.inner_text(".result-box")
    _checked(page, "result")
    page.click("[data-action=send_result] button[type=submit]")
    page.wait_for_selector("[data-testid=case-status]:has-text('待回访')")
    _checked(page, "result-sent")
    _logout(page)

    # 5. The complainant's status page offers the result letter.
    with tenant_bound(world.a.tenant.id):
        case = db.session.get(Case, case_id)
        number, code = case.number, case.access_code
    page.goto(f"{base}/t/alpha/status?number={number}")
    page.fill("#factor", code)
    page.click("button[type=submit]")
    link = page.locator("a[href$='/result.pdf']")
    link.wait_for()
    _checked(page, "status")
    response = page.request.get(base + link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
