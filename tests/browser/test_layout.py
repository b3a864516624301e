"""The desk and the portal on a phone (375 px) and on a common laptop (1366 px).

Nothing may be wider than the screen (a page that scrolls sideways hides the status and the
deadline), the menu button must stand out from the brand-coloured bar it sits on, and the
queue's filters must not overlap one another.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import contrast, login, shot
from tests.conftest import open_case

pytestmark = pytest.mark.browser

LONG = "商场二楼化妆品专柜标价与结账金额不一致,多收了六十元,店员态度恶劣拒绝退款," * 3
PHONE, LAPTOP = 375, 1366


def _overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


@pytest.fixture
def busy_queue(world):
    for i in range(4):
        open_case(world.a, description=f"{LONG}{i}", name="欧阳娜娜")
    return world


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_no_page_is_wider_than_the_screen(live_server, new_page, busy_queue, width):
    page = new_page(width=width)
    for name, path in (("portal", "/t/alpha/"), ("lookup", "/t/alpha/status")):
        page.goto(live_server + path)
        shot(page, f"{name}-{width}")
        assert _overflow(page) <= 0, f"{name} at {width}px"
    login(page, live_server, "super")
    shot(page, f"queue-{width}")
    assert _overflow(page) <= 0, f"queue at {width}px"
    page.click(".case-number >> nth=0")
    page.wait_for_selector("[data-testid=case-status]")
    shot(page, f"case-{width}")
    assert _overflow(page) <= 0, f"case page at {width}px"


def test_the_menu_button_stands_out_from_the_bar(live_server, new_page, world):
    page = new_page(width=PHONE)
    for path in ("/t/alpha/", "/t/beta/"):
        page.goto(live_server + path)
        burger = page.locator(".navbar-burger")
        assert burger.is_visible()
        line = burger.locator("span >> nth=0").evaluate("e => getComputedStyle(e).backgroundColor")
        bar = page.eval_on_selector(".navbar", "e => getComputedStyle(e).backgroundColor")
        # WCAG 1.4.11: a control's shape needs 3:1 against what is around it.
        assert contrast(line, bar) >= 3, (path, line, bar)
        burger.click()
        assert page.locator("#nav-menu").is_visible()


def test_the_queue_is_a_card_list_on_a_phone(live_server, new_page, busy_queue):
    page = new_page(width=PHONE)
    login(page, live_server, "super")
    cards = page.locator("#rows > .queue-item")
    assert cards.count() == 4
    width = page.evaluate("window.innerWidth")
    for part in (".case-number", ".queue-status .tag", ".queue-deadline", ".queue-summary"):
        box = cards.first.locator(part).first.bounding_box()
        assert box is not None and box["width"] > 0, part
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, part
    # The table's header row is for wide screens only.
    assert not page.locator(".queue-table thead").is_visible()


def test_the_queue_filters_do_not_overlap(live_server, new_page, busy_queue):
    page = new_page(width=LAPTOP)
    login(page, live_server, "super")
    shot(page, "filters-1366")
    overlaps = page.eval_on_selector_all(
        "form.filters label, form.filters .select, form.filters input, form.filters button",
        _OVERLAPS,
    )
    assert overlaps == []


# Pairs of visible controls whose boxes cross, neither inside the other (a label holds its box).
_OVERLAPS = """els => {
  const shown = els.filter((e) => e.offsetParent !== null);
  const out = [];
  shown.forEach((a, i) => shown.slice(i + 1).forEach((b) => {
    if (a.contains(b) || b.contains(a)) return;
    const r = a.getBoundingClientRect(), q = b.getBoundingClientRect();
    const apart = r.right - 1 <= q.left || q.right - 1 <= r.left
      || r.bottom - 1 <= q.top || q.bottom - 1 <= r.top;
    if (!apart)
      out.push([a.outerHTML.slice(0, 80), b.outerHTML.slice(0, 80)]);
  }));
  return out;
}"""
