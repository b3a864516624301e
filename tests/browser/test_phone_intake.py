"""A call taken from the keyboard alone (CITY-2, CITY-3, ESTATE-1): the repeat caller's open
case shows as the number is typed, a category is picked with its shortcut key, the reply
date follows, and the new case opens on submit. axe on every page, phone width included."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from casework.models import Case
from tenants.db import db, tenant_bound
from tests.browser.helpers import axe_violations, login, shot
from tests.conftest import dispatched_case, open_case

pytestmark = pytest.mark.browser


def test_a_repeat_caller_on_the_phone_screen(live_server, page, world):
    earlier = open_case(world.a, "desk")  # 13812345678, still open
    login(page, live_server, "desk")
    page.goto(f"{live_server}/t/alpha/desk/intake/phone")
    assert page.evaluate("document.activeElement.id") == "phone"  # autofocus
    assert axe_violations(page) == [], "phone intake"
    before = page.url

    # Typed as people say it: the caller's open case is listed without a reload.
    page.keyboard.type("138 1234-5678", delay=20)
    listed = page.locator("[data-testid=caller-case]", has_text=earlier.number)
    listed.wait_for()
    assert page.url == before
    assert "is-open" in listed.get_attribute("class")
    assert axe_violations(page) == [], "phone intake with the caller's cases"

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "name"
    page.keyboard.type("张伟")
    page.keyboard.press("Tab")  # onto the category list
    assert page.evaluate("document.activeElement.name") == "category_id"
    second = page.locator("input[data-key='2']")
    label = page.locator(f"label[for='{second.get_attribute('id')}']").inner_text()
    assert "2" in label  # the shortcut is shown on screen
    with page.expect_response(re.compile(r"/phone/reply-date$")) as reply:
        page.keyboard.press("2")
    assert reply.value.status == 200
    assert second.is_checked()
    page.wait_for_selector("[data-testid=reply-date]")
    assert page.locator("[data-testid=reply-date]").inner_text().strip()

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "description"
    page.keyboard.type("又打来：上次的退款还没到账。")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "location"
    page.keyboard.type("一楼服务台")
    page.keyboard.press("Enter")  # submits the form
    page.wait_for_url(re.compile(r"/desk/cases/\d+$"))
    assert f"/cases/{earlier.id}" not in page.url
    page.wait_for_selector("[data-testid=case-status]")
    assert "又打来" in page.content()
    shot(page, "phone-intake-case")
    assert axe_violations(page) == [], "the new case"


def test_the_phone_screen_on_a_phone(live_server, new_page, world):
    page = new_page(width=375, height=800)
    open_case(world.a, "desk")
    login(page, live_server, "desk")
    page.goto(f"{live_server}/t/alpha/desk/intake/phone?channel=walk_in")
    page.locator("#phone").press_sequentially("13812345678")
    page.locator("[data-testid=caller-case]").first.wait_for()
    assert (
        page.locator("#channel-1").is_checked() or page.locator("input[value=walk_in]").is_checked()
    )
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 375, f"the page scrolls sideways ({wide}px)"
    shot(page, "phone-intake-375")
    assert axe_violations(page) == [], "phone intake at 375px"
    # A wrong number says why, in the user's language, in place of the list.
    page.fill("#phone", "")
    page.locator("#phone").press_sequentially("123 4567 8901")
    error = page.locator("[data-testid=caller-phone-error]")
    error.wait_for()
    assert "请输入有效的电话号码" in error.inner_text()
    assert page.locator("[data-testid=caller-case]").count() == 0
    assert axe_violations(page) == [], "phone intake with a wrong number"


def test_a_repeat_callers_contact_joins_their_open_case(live_server, page, world):
    """Issue 11's call: the clerk sees the caller's open case as the number is typed and adds
    the contact to it from the caller's box; no second case is opened (CITY-6)."""
    org = world.a
    case_id = dispatched_case(org, phone="13812345678", description="扶梯停运一周")
    with tenant_bound(org.tenant.id):
        cases_before = db.session.scalar(sa.select(sa.func.count(Case.id)))
    login(page, live_server, "desk")
    page.goto(f"{live_server}/t/alpha/desk/intake/phone")
    page.keyboard.type("+86 138 1234 5678", delay=20)
    listed = page.locator(f"[data-testid=caller-case][data-case-id='{case_id}']")
    listed.wait_for()
    page.wait_for_load_state("networkidle")  # the last keystroke's lookup has answered
    assert axe_violations(page) == [], "phone intake with the repeat offer"
    offer = listed.locator("[data-testid=repeat-offer]")
    offer.locator("textarea").fill("又来电：扶梯还是不动")
    offer.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=repeat-contacts]")
    assert page.url.endswith(f"/desk/cases/{case_id}")
    assert "又来电：扶梯还是不动" in page.inner_text("[data-testid=repeat-contacts]")
    assert axe_violations(page) == [], "the case with the caller's contact"
    with tenant_bound(org.tenant.id):
        assert db.session.scalar(sa.select(Case.repeat_count).where(Case.id == case_id)) == 1
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == cases_before
