"""The revisit record book, the revisit figures and the watch list in headless Chromium: opened
from the revisit queue's tabs, the period changed through htmx; axe on every page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from casework import questionnaire
from casework.models import Case, Revisit
from casework.operations import handling, revisits
from tenants.db import db, tenant_bound
from tests.browser.helpers import axe_violations, login, shot
from tests.conftest import dispatched_case

pytestmark = pytest.mark.browser


def _check(page, name: str) -> None:
    shot(page, f"revisit-register-{name}")
    found = axe_violations(page)
    assert found == [], f"{name} ({page.url}):\n" + "\n".join(found)


def _revisited(org) -> str:
    case_id = dispatched_case(org, name="吴静", phone="13600003333")
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        handling.record_result(case, org.users["ops_li"], "已退还差价 60 元。", "停车券一张")
        handling.send_result(case, org.users["ops_li"])
        revisit = db.session.scalars(sa.select(Revisit).where(Revisit.case_id == case_id)).one()
        given = {"overall": "5", "solved": "yes", questionnaire.COMMENTS: "很满意。"}
        answers = questionnaire.check_answers(org.tenant, given, complete=False)
        revisits.record_answers(revisit, org.users["desk"], answers)
        db.session.commit()
        return case.number


def test_the_register_and_the_figures_from_the_queue(live_server, new_page, world):
    number = _revisited(world.a)
    page = new_page()
    login(page, live_server, "super")
    page.goto(f"{live_server}/t/alpha/desk/revisits/")
    page.click("[data-testid=register-link]")
    page.wait_for_selector("[data-testid=revisit-register]")
    _check(page, "register")
    row = page.locator("[data-testid=register-row]").first
    assert number in row.inner_text() and "吴静" in row.inner_text()
    # A period long past: the rows go through htmx, the page stays.
    page.fill("#since", "2020-01-01")
    page.fill("#until", "2020-01-31")
    page.locator("#until").dispatch_event("change")
    page.wait_for_selector("[data-testid=register-row]", state="detached")
    _check(page, "register-empty")

    page.click("[data-testid=figures-link]")
    page.wait_for_selector("[data-testid=figures-rates]")
    assert "100%" in page.inner_text("[data-testid=figures-rates]")
    _check(page, "figures")

    page.click("[data-testid=watches-link]")
    page.wait_for_selector("[data-testid=watch-list]")
    _check(page, "watches")


def test_a_watch_from_the_case_page_to_an_inspection(live_server, new_page, world):
    case_id = dispatched_case(world.a)
    page = new_page()
    login(page, live_server, "super")
    page.goto(f"{live_server}/t/alpha/desk/cases/{case_id}")
    page.wait_for_selector("[data-testid=watch-panel]")
    page.click("[data-testid=watch-panel] summary")
    page.fill("#watch-subject", "屋面漏水修补后观察雨季效果")
    page.fill("#watch-interval_days", "14")
    _check(page, "case-panel")
    page.click("[data-testid=watch-panel] button[type=submit]")
    page.wait_for_selector("[data-testid=watch-page]")
    _check(page, "watch")
    page.select_option("#inspect-finding", "holding")
    page.fill("#inspect-note", "无渗漏。")
    page.click("[data-testid=inspect-form] button[type=submit]")
    page.wait_for_selector("[data-testid=inspection]")
    assert "效果良好" in page.inner_text("[data-testid=inspections]")
    _check(page, "inspected")
