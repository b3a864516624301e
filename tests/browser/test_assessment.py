"""The handler assessment in headless Chromium (考核, POWER-5): the supervisor opens the
ranking from the reports menu, picks November, changes the period through the picker (htmx),
opens a handler's page and their cases; a handler finds only their own page; the admin's
weights page. axe on every page."""

from __future__ import annotations

import pytest

from tests.browser.helpers import axe_violations, login, shot
from tests.casework import assessment_world

pytestmark = pytest.mark.browser

NOVEMBER = "period=custom&first=2026-11-01&last=2026-11-30"


def _check(page, name: str) -> None:
    shot(page, f"assessment-{name}")
    found = axe_violations(page)
    assert found == [], f"{name} ({page.url}):\n" + "\n".join(found)


def test_the_ranking_to_a_handlers_cases(live_server, new_page, world, monkeypatch):
    assessment_world.build(world.a, monkeypatch)
    monkeypatch.undo()  # the live server reads the real clock
    li = world.a.users["ops_li"]
    page = new_page()
    login(page, live_server, "super")
    page.hover(".reports-menu > .navbar-link")
    page.click("a.navbar-item[href$='/desk/assessment']")
    page.wait_for_selector("[data-testid=assessment]")
    _check(page, "default")

    page.goto(f"{live_server}/t/alpha/desk/assessment?{NOVEMBER}")
    page.wait_for_selector("[data-testid=handlers]")
    _check(page, "november")
    ranks = page.locator("[data-testid=handlers] tbody tr")
    assert ranks.count() == 2
    assert ranks.nth(1).get_attribute("data-key") == str(li.id)

    # The picker swaps the figures in place and keeps the address (htmx).
    page.select_option("#period", "this_month")
    page.wait_for_url("**period=this_month**")
    page.wait_for_selector("[data-testid=period]")
    assert "2026-11-01" not in page.inner_text("[data-testid=period]")

    page.goto(f"{live_server}/t/alpha/desk/assessment?{NOVEMBER}")
    page.click(f"[data-testid=handlers] tr[data-key='{li.id}'] th a")
    page.wait_for_selector("[data-testid=assessment-handler]")
    _check(page, "handler")
    assert "2" in page.inner_text("[data-testid=place]")
    page.click("[data-testid=figures] [data-testid=cases] a")
    page.wait_for_selector("[data-testid=drill-down]")
    rows = page.inner_text("#rows")
    assert "XH20261103-0001" in rows and "XH20261103-0002" in rows
    assert "XH20261105-0001" not in rows


def test_a_handler_finds_their_own_page(live_server, new_page, world, monkeypatch):
    assessment_world.build(world.a, monkeypatch)
    monkeypatch.undo()
    li = world.a.users["ops_li"]
    page = new_page()
    login(page, live_server, "ops_li")
    page.hover(".reports-menu > .navbar-link")
    page.click(f"a.navbar-item[href$='/desk/assessment/{li.id}']")
    page.wait_for_selector("[data-testid=assessment-handler]")
    _check(page, "own")
    other = world.a.users["cs_zhou"].id
    response = page.goto(f"{live_server}/t/alpha/desk/assessment/{other}")
    assert response is not None and response.status == 404


def test_the_admins_weights_page(live_server, new_page, world):
    page = new_page()
    login(page, live_server, "admin")
    page.goto(f"{live_server}/t/alpha/desk/admin/assessment")
    page.wait_for_selector("[data-testid=weights-form]")
    _check(page, "weights")
    page.fill("#cases", "2")
    page.click("[data-testid=weights-form] button[type=submit]")
    page.wait_for_selector(".notification, [role=status], .message", state="attached")
    assert page.input_value("#cases") == "2"
