"""The dispatch board's pages: the full page, the rows the poll fetches, dispatch from a row."""

from __future__ import annotations

import sqlalchemy as sa

from casework.models import Case, Category
from casework.states import Status
from tenants.db import db, tenant_bound
from tenants.models import Department
from tests.conftest import dispatched_case, login, open_case

HTMX = {"HX-Request": "true"}


def _case(case_id: int) -> Case:
    """The case as the requests left it (the test's own session may hold an older copy)."""
    db.session.expire_all()
    return db.session.get(Case, case_id)


def _unit(org, code: str) -> int:
    with tenant_bound(org.tenant.id):
        return db.session.scalar(sa.select(Department.id).where(Department.code == code))


def _category(org, code: str) -> int:
    with tenant_bound(org.tenant.id):
        return db.session.scalar(sa.select(Category.id).where(Category.code == code))


def test_the_board_page_lists_waiting_cases_oldest_first_and_polls(client, world):
    org = world.a
    older = open_case(org, actor="desk", category_id=_category(org, "product"))
    newer = open_case(org, actor="desk")
    gone = dispatched_case(org)
    foreign = open_case(world.b, actor="desk")
    login(client, org, "desk")
    page = client.get(f"/t/{org.slug}/desk/board?lang=en")
    assert page.status_code == 200
    assert "<html" in page.text and 'data-testid="dispatch-board"' in page.text
    assert 'hx-trigger="every 5s"' in page.text and "js/board.js" in page.text
    assert page.text.index(older.number) < page.text.index(newer.number)
    with tenant_bound(org.tenant.id):
        assert db.session.get(Case, gone).number not in page.text
    assert foreign.number not in page.text  # another tenant's case is never listed
    # The suggested unit is chosen already: product complaints go to Operations (MALL-4).
    ops = _unit(org, "ops")
    assert f'<option selected value="{ops}">' in page.text.split(older.number, 2)[2]
    assert "Suggested: " in page.text and "left" in page.text
    assert 'href="/t/alpha/desk/board"' in client.get(f"/t/{org.slug}/desk/").text  # in the menu


def test_the_poll_gets_the_rows_alone(client, world):
    org = world.a
    login(client, org, "desk")
    empty = client.get(f"/t/{org.slug}/desk/board?lang=en", headers=HTMX)
    assert empty.status_code == 200 and "<html" not in empty.text
    assert "No case is waiting for dispatch." in empty.text
    assert "HX-Request" in empty.headers["Vary"]
    case = open_case(org, actor="desk")
    rows = client.get(f"/t/{org.slug}/desk/board", headers=HTMX).text
    assert "<html" not in rows and "<h1" not in rows and 'id="board-live"' not in rows
    assert 'id="board-rows"' in rows and case.number in rows and "hx-preserve" in rows


def test_a_case_is_dispatched_from_its_row(client, world):
    org = world.a
    case = open_case(org, actor="desk")
    cs = _unit(org, "cs")
    login(client, org, "desk")
    url = f"/t/{org.slug}/desk/board/{case.id}/dispatch?lang=en"
    done = client.post(url, data={f"case{case.id}-department_id": cs}, headers=HTMX)
    assert done.status_code == 200
    assert f"{case.number} dispatched to" in done.text and 'role="status"' in done.text
    with tenant_bound(org.tenant.id):
        row = _case(case.id)
        assert row.status is Status.DISPATCHED and row.department_id == cs
        assert row.handler_id is None  # the unit's handlers take it, or its head names one
    assert case.number not in client.get(f"/t/{org.slug}/desk/board", headers=HTMX).text
    # Without htmx: back to the board.
    other = open_case(org, actor="desk")
    plain = client.post(
        f"/t/{org.slug}/desk/board/{other.id}/dispatch", data={f"case{other.id}-department_id": cs}
    )
    assert plain.status_code == 303 and plain.headers["Location"].endswith("/desk/board")


def test_refusals_are_said_on_the_row_never_a_500(client, world):
    org = world.a
    case = open_case(org, actor="desk")
    login(client, org, "desk")
    url = f"/t/{org.slug}/desk/board/{case.id}/dispatch?lang=en"
    field = f"case{case.id}-department_id"
    for value in ("0", "abc", "99999999999999999999", str(_unit(world.b, "security") or 10**6)):
        response = client.post(url, data={field: value}, headers=HTMX)
        assert response.status_code == 422, value
        assert 'role="alert"' in response.text and "hx-preserve" not in response.text
    missing = client.post(url, data={}, headers=HTMX)
    assert missing.status_code == 422
    with tenant_bound(org.tenant.id):
        assert _case(case.id).status is Status.ACCEPTED
    # Dispatched meanwhile by someone else: said, and not routed again.
    ops, cs = _unit(org, "ops"), _unit(org, "cs")
    client.post(url, data={field: ops}, headers=HTMX)
    again = client.post(url, data={field: cs}, headers=HTMX)
    assert again.status_code == 422 and "This case has been dispatched already." in again.text
    with tenant_bound(org.tenant.id):
        assert _case(case.id).department_id == ops
    # The same without htmx: the board page again, the refusal on the row.
    plain = client.post(url, data={field: cs})
    assert plain.status_code == 422 and "<html" in plain.text
    assert "This case has been dispatched already." in plain.text


def test_non_dispatchers_are_refused_and_unseen_cases_are_404(client, world):
    org = world.a
    case = open_case(org, actor="desk", category_id=_category(org, "product"))
    service = open_case(org, actor="desk", category_id=_category(org, "service"))
    login(client, org, "ops_li")  # a handler does not dispatch
    assert client.get(f"/t/{org.slug}/desk/board").status_code == 403
    post = client.post(f"/t/{org.slug}/desk/board/{case.id}/dispatch", data={})
    assert post.status_code == 403
    assert 'href="/t/alpha/desk/board"' not in client.get(f"/t/{org.slug}/desk/").text
    client.post(f"/t/{org.slug}/desk/logout")
    # A unit's head dispatches the waiting cases routed to the unit, and sees no others.
    login(client, org, "ops_head")
    page = client.get(f"/t/{org.slug}/desk/board").text
    assert case.number in page and service.number not in page
    url = f"/t/{org.slug}/desk/board/{service.id}/dispatch"
    assert client.post(url, data={f"case{service.id}-department_id": 1}).status_code == 404
    foreign = open_case(world.b, actor="desk")
    url = f"/t/{org.slug}/desk/board/{foreign.id}/dispatch"
    assert client.post(url, data={f"case{foreign.id}-department_id": 1}).status_code == 404


def test_the_board_follows_up_field_work_not_yet_reached(client, world):
    from casework.operations import dispatch
    from casework.states import Channel
    from tests.conftest import make_org

    city = make_org("city-e", "city")
    u = city.users
    case = open_case(
        city, actor="desk", channel=Channel.HOTLINE, category_id=city.category("roads").id
    )
    with tenant_bound(city.tenant.id):
        row = db.session.get(Case, case.id)
        dispatch.dispatch_case(row, u["desk"], u["ld_zhang"].department_id, u["ld_zhang"].id)
        db.session.commit()
    login(client, city, "desk")
    page = client.get(f"/t/{city.slug}/desk/board?lang=en", headers=HTMX).text
    part = page.split('data-testid="awaiting-arrival"', 1)[1]
    assert case.number in part and "章志远" in part and "left" in part
