"""axe-core on the pages people use most: no serious or critical accessibility violation.

The complainant's form and the status lookup (the public, on any device), the queue and the
case page (staff, all day). axe is vendored (tests/browser/vendor, npm axe-core, pinned), so
the test needs no network.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import axe_violations, login, shot
from tests.conftest import open_case

pytestmark = pytest.mark.browser


def test_public_pages_pass_axe(live_server, page, world):
    for name, path in (("portal", "/t/alpha/"), ("lookup", "/t/alpha/status")):
        page.goto(live_server + path)
        assert axe_violations(page) == [], name
    # The form with its error messages shown, as a complainant who missed a field sees it.
    page.click("button[type=submit]")
    page.wait_for_selector(".help.is-danger")
    assert axe_violations(page) == [], "lookup with errors"


def test_desk_pages_pass_axe(live_server, page, world):
    case = open_case(world.a)
    login(page, live_server, "super")
    assert axe_violations(page) == [], "queue"
    page.goto(f"{live_server}/t/alpha/desk/cases/{case.id}")
    page.wait_for_selector("[data-testid=case-status]")
    shot(page, "case-axe")
    assert axe_violations(page) == [], "case page"


def test_focus_is_clearly_visible(live_server, page, world):
    """Tabbing onto a field draws a solid ring of at least 2 px, not a faint glow."""
    page.goto(live_server + "/t/alpha/")
    page.focus("#description")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    ring = page.eval_on_selector(
        "#description",
        "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth]; }",
    )
    assert ring[0] == "solid" and float(ring[1].removesuffix("px")) >= 2, ring
