"""A phone revisit in headless Chromium (回访): the revisitor opens their queue from the desk
menu, opens the revisit, reads the script with the person's name and their own, records
"no answer" and sees when to call again, then calls again, notes the answers as the person
speaks and presses "reached"; the case closes. axe on every page; the page works from the
keyboard and on a phone's width."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from casework.models import Case, Revisit
from casework.operations import handling
from tenants.db import db, tenant_bound
from tests.browser.helpers import axe_violations, login, shot
from tests.conftest import dispatched_case

pytestmark = pytest.mark.browser


def _check(page, name: str) -> None:
    shot(page, f"phone-revisit-{name}")
    found = axe_violations(page)
    assert found == [], f"{name} ({page.url}):\n" + "\n".join(found)


def _awaiting(org) -> tuple[Case, int]:
    """A complaint whose result was told, its revisit given to the desk clerk."""
    case_id = dispatched_case(org, name="吴静", phone="13600003333")
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        handling.record_result(case, org.users["ops_li"], "已退还差价 60 元。", "停车券一张")
        handling.send_result(case, org.users["ops_li"])
        revisit = db.session.scalars(sa.select(Revisit).where(Revisit.case_id == case_id)).one()
        revisit.assignee_id = org.users["desk"].id
        db.session.commit()
        return case, revisit.id


def test_a_phone_revisit_from_the_queue_to_the_case_closed(live_server, new_page, world):
    case, revisit_id = _awaiting(world.a)
    page = new_page()
    login(page, live_server, "desk")
    # The queue menu opens on hover (and on focus), the count of mine beside the revisits.
    page.hover(".queue-menu > .navbar-link")
    assert page.locator("[data-testid=revisits-mine]").inner_text().strip() == "1"
    page.click(".revisits-menu")
    page.wait_for_selector("[data-testid=revisit-queue]")
    _check(page, "queue")
    row = page.locator(f"[data-revisit='{revisit_id}']")
    assert case.number in row.inner_text() and "回访" not in row.locator("td").first.inner_text()

    row.locator("a.case-number").click()
    page.wait_for_selector("[data-testid=script]")
    _check(page, "page")
    greeting = page.inner_text("[data-testid=script-greeting]")
    assert "吴静" in greeting and "王晓雯" in greeting  # the person's name, the revisitor's
    assert "已退还差价 60 元。" in page.inner_text("[data-testid=case-summary]")
    assert "136 0000 3333" in page.inner_text("[data-testid=person]")  # the number to dial

    # Nobody picks up: the note, then "no answer"; the page says when to call again.
    page.fill("#call-note", "响铃无人接听")
    page.keyboard.press("Tab")  # from the note straight onto the outcome buttons
    assert page.evaluate("document.activeElement.dataset.outcome") == "reached"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.outcome") == "no_answer"
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=retry-notice]")
    assert re.search(r"第 1 次，共 3 次", page.inner_text("[data-testid=retry-notice]"))
    assert "响铃无人接听" in page.inner_text("[data-testid=attempts]")
    _check(page, "no-answer")

    # The second call reaches her: the answers as she gives them, then "reached".
    page.check("input[name='call-q_overall'][value='5']")
    page.check("input[name='call-q_solved'][value='yes']")
    page.check("input[name='call-q_speed'][value='4']")
    page.check("input[name='call-q_attitude'][value='5']")
    page.check("input[name='call-q_result'][value='5']")
    page.fill("#call-q_comments", "退款已到账，很满意。")
    page.click("button[data-outcome=reached]")
    page.wait_for_selector("[data-testid=revisit-outcome]")
    assert "已回访" in page.inner_text("[data-testid=revisit-outcome]")
    assert "已办结" in page.inner_text("[data-testid=case-status]")
    _check(page, "reached")

    page.click("[data-testid=case-summary] a")
    page.wait_for_selector("[data-testid=case-status]:has-text('已办结')")
    _check(page, "case-closed")
    db.session.rollback()  # read what the server wrote, not this session's old snapshot
    with tenant_bound(world.a.tenant.id):
        closed = db.session.get(Case, case.id)
        assert closed.satisfaction == 5


def test_the_revisit_page_fits_a_phone(live_server, new_page, world):
    _case, revisit_id = _awaiting(world.a)
    page = new_page(width=375, height=812)
    login(page, live_server, "desk")
    page.goto(f"{live_server}/t/alpha/desk/revisits/")
    _check(page, "phone-queue")
    page.goto(f"{live_server}/t/alpha/desk/revisits/{revisit_id}")
    page.wait_for_selector("[data-testid=script]")
    _check(page, "phone-page")
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 375, f"the page scrolls sideways on a phone: {wide}px"
    box = page.locator("button[data-outcome=refused]").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 375
