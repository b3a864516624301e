"""The dispatch board live (CITY-4): a new hotline case appears on the open board within one
poll, without a reload, and the dispatcher sends it to the suggested unit from its row well
inside its 3-minute clock; the board passes axe, errors included."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from casework.models import Case, Deadline
from casework.operations import dispatch
from casework.states import Channel, Stage, Status
from tenants.db import db, tenant_bound
from tests.browser.helpers import axe_violations, login, shot
from tests.conftest import make_org, open_case

pytestmark = pytest.mark.browser

POLL_MS = 5000


def _hotline(org, code: str = "noise") -> Case:
    category = org.category(code).id
    return open_case(org, actor="desk", channel=Channel.HOTLINE, category_id=category)


def _row(number: str) -> str:
    return f"tr.board-row[data-case='{number}']"


def test_a_new_case_appears_and_is_dispatched_from_the_board_within_its_clock(
    live_server, page, world
):
    city = make_org("city", "city")
    waiting = _hotline(city, "sanitation")
    foreign = open_case(world.a, actor="desk")
    login(page, live_server, "desk", slug="city")
    page.goto(f"{live_server}/t/city/desk/board")
    page.wait_for_selector(_row(waiting.number))
    assert foreign.number not in page.content()
    assert axe_violations(page) == [], "board"

    # The clock counts down in the browser, second by second, from about 3 minutes.
    clock = f"{_row(waiting.number)} [data-testid=clock]"
    first = page.inner_text(clock)
    assert first.startswith("剩余 2:") or first == "剩余 3:00", first
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel).textContent.trim() !== text",
        arg=[clock, first],
        timeout=3000,
    )

    # A call comes in: the new case shows on the open board within one poll, no reload.
    page.evaluate("window.__sameDocument = true")
    fresh = _hotline(city)
    page.wait_for_selector(_row(fresh.number), timeout=POLL_MS + 3000)
    assert page.evaluate("window.__sameDocument === true")
    rows = page.eval_on_selector_all("tr.board-row", "rs => rs.map(r => r.dataset.case)")
    assert rows == [waiting.number, fresh.number]  # oldest first
    shot(page, "dispatch-board")

    # The suggested unit is chosen already (noise → 莲都区执法中队): one click dispatches.
    select = f"{_row(fresh.number)} select"
    assert (
        page.eval_on_selector(select, "s => s.selectedOptions[0].textContent") == "莲都区执法中队"
    )
    page.click(f"{_row(fresh.number)} button[type=submit]")
    page.wait_for_selector(f"{_row(fresh.number)} [role=status]")
    assert "已派往莲都区执法中队" in page.inner_text(_row(fresh.number))
    with tenant_bound(city.tenant.id):
        db.session.expire_all()
        case = db.session.get(Case, fresh.id)
        assert case.status is Status.DISPATCHED
        clock_row = db.session.scalars(
            sa.select(Deadline).where(
                Deadline.case_id == fresh.id, Deadline.stage == Stage.DISPATCH
            )
        ).one()
        assert clock_row.done_at is not None and clock_row.done_at <= clock_row.due_at
    # The next poll takes it off the board; the waiting one stays.
    page.wait_for_selector(_row(fresh.number), state="detached", timeout=POLL_MS + 3000)
    assert page.is_visible(_row(waiting.number))

    # No unit chosen: the refusal is said on the row, which keeps it across polls.
    page.select_option(f"{_row(waiting.number)} select", value="0")
    page.click(f"{_row(waiting.number)} button[type=submit]")
    page.wait_for_selector(f"{_row(waiting.number)} [role=alert]")
    assert axe_violations(page) == [], "board with an error"
    page.wait_for_timeout(POLL_MS + 1000)
    assert page.is_visible(f"{_row(waiting.number)} [role=alert]")
    with tenant_bound(city.tenant.id):
        db.session.expire_all()
        assert db.session.get(Case, waiting.id).status is Status.ACCEPTED

    # Sent to a named handler elsewhere (the case page): it leaves the waiting list and shows
    # below, its on-site clock running, for the dispatcher to follow up (CITY-4, CITY-8).
    with tenant_bound(city.tenant.id):
        case = db.session.get(Case, waiting.id)
        san = city.users["san_lu"]
        dispatch.dispatch_case(case, city.users["desk"], san.department_id, san.id)
        db.session.commit()
    arriving = f"tr.arriving-row[data-case='{waiting.number}']"
    page.wait_for_selector(arriving, timeout=POLL_MS + 3000)
    assert page.is_hidden(_row(waiting.number))
    assert page.inner_text(f"{arriving} [data-testid=arrival-clock]").startswith("剩余 ")
    assert axe_violations(page) == [], "board with field work to follow up"
