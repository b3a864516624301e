"""A clerk takes a second call about an open case (CITY-6): the case is offered as the phone is
typed, and the contact goes onto it; the page passes axe with the offer on it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from casework.models import Case
from tenants.db import db, tenant_bound
from tests.browser.helpers import axe_violations, login, shot
from tests.conftest import dispatched_case

pytestmark = pytest.mark.browser


def test_the_clerk_adds_the_call_to_the_case_it_repeats(live_server, page, world):
    org = world.a
    case_id = dispatched_case(org, phone="13812345678", description="扶梯停运一周")
    with tenant_bound(org.tenant.id):
        number = db.session.get(Case, case_id).number
    login(page, live_server, "desk")
    page.goto(f"{live_server}/t/alpha/desk/intake/")
    page.fill("#description", "扶梯还是不动,第二次打来")
    page.fill("#phone", "138 1234 5678")
    page.wait_for_selector(f"[data-testid=repeat-match][data-case='{number}']")
    assert "同一电话" in page.inner_text("[data-testid=repeat-matches]")
    shot(page, "intake-repeat-offer")
    assert axe_violations(page) == [], "intake with a repeat offer"

    offer = page.locator("[data-testid=repeat-offer]").first
    assert offer.locator("textarea").input_value() == "扶梯还是不动,第二次打来"
    offer.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=repeat-contacts]")
    assert page.url.endswith(f"/desk/cases/{case_id}")
    assert "扶梯还是不动,第二次打来" in page.inner_text("[data-testid=repeat-contacts]")
    assert axe_violations(page) == [], "case page with a repeat contact"
    with tenant_bound(org.tenant.id):
        assert db.session.scalar(sa.select(Case.repeat_count).where(Case.id == case_id)) == 1
