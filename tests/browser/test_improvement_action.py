"""An improvement action in headless Chromium (PROP-8, issue 13's "done when"): from the
dashboard the supervisor clicks the price category to its cases, opens an improvement action
for those cases from the queue, and lands on the action's page with its effect; the list
shows it. axe on every page."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.helpers import axe_violations, login, shot
from tests.casework import stats_world

pytestmark = pytest.mark.browser

NOVEMBER = "period=custom&first=2026-11-01&last=2026-11-30"


def _check(page, name: str) -> None:
    shot(page, f"improvement-{name}")
    found = axe_violations(page)
    assert found == [], f"{name} ({page.url}):\n" + "\n".join(found)


def test_from_the_worst_category_to_an_improvement_action(
    live_server, new_page, world, monkeypatch
):
    stats_world.build(world.a, monkeypatch)
    monkeypatch.undo()
    page = new_page()
    login(page, live_server, "super")
    page.goto(f"{live_server}/t/alpha/desk/dashboard?{NOVEMBER}")
    page.wait_for_selector("[data-testid=improve-link]")
    page.locator("#chart-category a.chart-link", has_text="价格问题").click()
    page.wait_for_selector("[data-testid=drill-down]")
    page.click("#queue [data-testid=improve-link]")
    page.wait_for_selector("[data-testid=improvement-form]")
    _check(page, "form")
    page.fill("#title", "价格问题集中：收银复核")
    page.fill("#due_on", (dt.date.today() + dt.timedelta(days=20)).isoformat())
    page.click("[data-testid=improvement-form] button[type=submit]")
    page.wait_for_selector("[data-testid=improvement-page]")
    _check(page, "page")
    assert "价格问题集中" in page.inner_text("[data-testid=improvement-facts]")
    assert page.locator("[data-testid=effect-before]").count() == 1
    page.goto(f"{live_server}/t/alpha/desk/improvements")
    page.wait_for_selector("[data-testid=improvement-row]")
    _check(page, "list")
