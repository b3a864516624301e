"""Adding information from the status page, on a phone, by keyboard (issue 10, 补充材料)."""

from __future__ import annotations

import pytest

from tests.browser.helpers import axe_violations, shot
from tests.conftest import open_case

pytestmark = pytest.mark.browser


def _overflow(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


def test_a_complainant_adds_information_on_a_phone_by_keyboard(live_server, new_page, world):
    case = open_case(world.a)
    page = new_page(width=375)
    page.goto(f"{live_server}/t/alpha/status?number={case.number}")
    page.fill("#factor", case.access_code)
    page.click("button[type=submit]")
    page.wait_for_selector("#add-information-title")
    shot(page, "status-add-375")
    assert _overflow(page) <= 0
    assert axe_violations(page) == []
    page.focus("#text")
    page.keyboard.type("小票照片已找到,明天送到服务台")
    page.keyboard.press("Tab")  # the file field
    page.keyboard.press("Tab")  # the button
    page.keyboard.press("Enter")
    page.wait_for_selector("text=小票照片已找到,明天送到服务台")
    assert "/status/" in page.url and "/add" not in page.url
