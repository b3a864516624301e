"""The dashboard in headless Chromium (统计看板, issue 13): the supervisor opens it from the
reports menu, picks November, sees the charts (screenshot kept), changes the period through
the picker (htmx) and clicks the price category's bar to its cases. axe on every page."""

from __future__ import annotations

import pytest

from tests.browser.helpers import axe_violations, login, shot
from tests.casework import stats_world

pytestmark = pytest.mark.browser

NOVEMBER = "period=custom&first=2026-11-01&last=2026-11-30"


def _check(page, name: str) -> None:
    shot(page, f"dashboard-{name}")
    found = axe_violations(page)
    assert found == [], f"{name} ({page.url}):\n" + "\n".join(found)


def test_the_dashboard_to_the_cases_behind_a_bar(live_server, new_page, world, monkeypatch):
    month = stats_world.build(world.a, monkeypatch)
    monkeypatch.undo()  # the live server reads the real clock
    page = new_page()
    login(page, live_server, "super")
    page.hover(".reports-menu > .navbar-link")
    page.click("a.navbar-item[href$='/desk/dashboard']")
    page.wait_for_selector("[data-testid=dashboard]")
    _check(page, "default")

    page.goto(f"{live_server}/t/alpha/desk/dashboard?{NOVEMBER}")
    page.wait_for_selector("#chart-category")
    _check(page, "november")
    assert "2026-11-01" in page.inner_text("[data-testid=period]")
    assert page.locator("#chart-trend polyline").count() == 2

    # The picker swaps the figures in place and keeps the address (htmx).
    page.select_option("#period", "this_month")
    page.wait_for_url("**period=this_month**")
    page.wait_for_selector("[data-testid=period]")
    assert "2026-11-01" not in page.inner_text("[data-testid=period]")
    page.goto(f"{live_server}/t/alpha/desk/dashboard?{NOVEMBER}")

    price = page.locator("#chart-category a.chart-link", has_text="价格问题")
    assert price.get_attribute("aria-label") == "价格问题: 2"
    price.click()
    page.wait_for_selector("[data-testid=drill-down]")
    _check(page, "price-cases")
    rows = page.inner_text("#rows")
    numbers = {name: f"XH{d}" for name, d in (("P1", "20261103-0001"), ("P2", "20261103-0002"))}
    assert numbers["P1"] in rows and numbers["P2"] in rows
    assert "XH20261020-0001" not in rows and len(month.ids) == 7


def test_the_admin_sets_a_floor_the_dashboard_shows(live_server, new_page, world, monkeypatch):
    stats_world.build(world.a, monkeypatch)
    monkeypatch.undo()
    page = new_page()
    login(page, live_server, "admin")
    page.goto(f"{live_server}/t/alpha/desk/admin/targets")
    page.wait_for_selector("[data-testid=targets-form]")
    _check(page, "targets")
    page.fill("#satisfaction", "85")
    page.click("[data-testid=targets-form] button[type=submit]")
    page.wait_for_selector(".notification, [role=status], .message", state="attached")
    page.goto(f"{live_server}/t/alpha/desk/dashboard?{NOVEMBER}")
    satisfaction = page.locator("[data-testid=satisfaction]")
    assert "目标 85%" in satisfaction.inner_text() and "未达标" in satisfaction.inner_text()
    assert "figure-below" in satisfaction.locator("[data-testid=floor]").get_attribute("class")


def test_the_monthly_report_is_asked_for_built_and_downloaded(
    live_server, new_page, world, monkeypatch
):
    stats_world.build(world.a, monkeypatch)
    monkeypatch.undo()
    page = new_page()
    login(page, live_server, "super")
    page.goto(f"{live_server}/t/alpha/desk/dashboard?{NOVEMBER}")
    page.click("[data-testid=request-report]")
    link = page.locator("[data-testid=summary-reports] a.button[download]")
    link.wait_for(timeout=30_000)
    assert page.get_attribute("[data-testid=summary-reports]", "data-state") == "done"
    _check(page, "report-ready")
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    assert "2026-11-01" in page.inner_text("[data-testid=past-reports]")
