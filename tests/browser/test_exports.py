"""The exports in headless Chromium (issue 13): the supervisor downloads November's figures
from the dashboard, follows the price category to its cases and downloads them as Excel; a
handler downloads their queue at phone width with the phone masked. axe on every page."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.browser.helpers import axe_violations, login, shot
from tests.casework import stats_world
from tests.conftest import dispatched_case

pytestmark = pytest.mark.browser

NOVEMBER = "period=custom&first=2026-11-01&last=2026-11-30"


def _check(page, name: str) -> None:
    shot(page, f"exports-{name}")
    found = axe_violations(page)
    assert found == [], f"{name} ({page.url}):\n" + "\n".join(found)


def _download(page, text: str, within: str = "body") -> bytes:
    with page.expect_download() as info:
        page.locator(within).get_by_role("link", name=text).click()
    return open(info.value.path(), "rb").read()


def test_the_figures_and_the_cases_behind_a_bar_download(live_server, new_page, world, monkeypatch):
    stats_world.build(world.a, monkeypatch)
    monkeypatch.undo()
    page = new_page()
    login(page, live_server, "super")
    page.goto(f"{live_server}/t/alpha/desk/dashboard?{NOVEMBER}")
    page.wait_for_selector("#chart-category")
    _check(page, "dashboard")
    figures = _download(page, "下载 CSV", "[data-testid=dashboard]")
    rows = list(csv.reader(io.StringIO(figures.decode("utf-8-sig"))))
    assert rows[0] == ["指标", "项目", "数值"] and ["受理投诉", "案件数", "4"] in rows

    page.locator("#chart-category a.chart-link", has_text="价格问题").click()
    page.wait_for_selector("[data-testid=drill-down]")
    _check(page, "price-cases")
    book = load_workbook(io.BytesIO(_download(page, "下载 Excel")))
    numbers = [r[0] for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert sorted(numbers) == ["XH20261103-0001", "XH20261103-0002"]


def test_a_handler_downloads_their_queue_masked_at_phone_width(live_server, new_page, world):
    dispatched_case(world.a, "ops_li", description="楼下噪音很大,请回电 13812345678。")
    page = new_page(width=375, height=667)
    login(page, live_server, "ops_li")
    page.wait_for_selector("[data-testid=exports]")
    _check(page, "queue-phone")
    box = page.locator("[data-testid=exports] a").first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375  # on the screen, not beside it
    text = _download(page, "下载 CSV").decode("utf-8-sig")
    assert "13812345678" not in text and "138****5678" in text
