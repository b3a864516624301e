"""The service pages in a browser: a work-order export uploaded and previewed with its bad
row on a phone-sized screen, imported, and the draws page; axe-core finds nothing serious."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.helpers import axe_violations, login, shot
from tests.conftest import make_org

pytestmark = pytest.mark.browser


def test_import_preview_and_draws_on_a_phone(live_server, new_page, world, tmp_path):
    org = make_org("jc", "property")
    start = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    lines = ["工单号,类型,完成时间,姓名,电话,地址,内容"]
    lines += [
        f"PG-{i},维修,{start.replace(day=1 + i):%Y-%m-%d},业主,13912345678,1 幢,维修 {i}"
        for i in range(6)
    ]
    lines.append("PG-9,维修,昨天,业主,13912345678,1 幢,日期不对")
    path = tmp_path / "orders.csv"
    path.write_text("\n".join(lines), encoding="utf-8-sig")

    page = new_page(width=375, height=800)
    login(page, live_server, "super", slug=org.slug)
    page.goto(f"{live_server}/t/{org.slug}/desk/services/new")
    assert axe_violations(page) == [], "new service"
    page.goto(f"{live_server}/t/{org.slug}/desk/services/import")
    assert axe_violations(page) == [], "import"
    page.set_input_files("#file", str(path))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("[data-testid=import-preview]")
    assert "6 行可导入" in page.inner_text("[data-testid=good]")
    assert "完成时间：" in page.inner_text("[data-testid=row-8]")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1, width  # the table scrolls in its container, not the page
    shot(page, "services-preview-phone")
    assert axe_violations(page) == [], "preview"
    page.click("#import-preview button[type=submit]")
    page.wait_for_selector("[data-testid=imported]")

    page.goto(f"{live_server}/t/{org.slug}/desk/services/draws")
    page.click("#draw-form button[type=submit]")
    page.wait_for_selector("[data-testid=redo]")
    assert page.inner_text("[data-testid=size]") == "5"
    shot(page, "services-draw-phone")
    assert axe_violations(page) == [], "draw"
