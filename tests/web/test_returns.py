"""Returning a case (退单) from the case page, and the returns per unit on the board."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from casework.models import Case, Category
from casework.states import Status
from tenants.db import db, tenant_bound
from tenants.models import Role
from tests.conftest import dispatched_case, login, open_case


def test_the_handler_returns_a_case_from_its_page(client, world):
    org = world.a
    case_id = dispatched_case(org)
    login(client, org, "ops_li")
    page = client.get(f"/t/{org.slug}/desk/cases/{case_id}?lang=en").text
    assert 'data-action="return_case"' in page
    url = f"/t/{org.slug}/desk/cases/{case_id}/return_case?lang=en"
    empty = client.post(url, data={"return_case-basis": "  "})
    assert empty.status_code == 422  # the basis is required: nothing saved
    long = client.post(url, data={"return_case-basis": "x" * 501})
    assert long.status_code == 422
    with tenant_bound(org.tenant.id):
        assert db.session.get(Case, case_id).status is Status.DISPATCHED
    done = client.post(url, data={"return_case-basis": "属物业公司职责"})
    assert done.status_code == 303
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        assert case.status is Status.ACCEPTED and case.department_id is None


def test_a_late_return_is_said_not_a_500(client, world):
    org = world.a
    case_id = dispatched_case(org)
    with tenant_bound(org.tenant.id):
        db.session.get(Case, case_id).dispatched_at -= dt.timedelta(days=21)
        db.session.commit()
    login(client, org, "ops_li")
    page = client.get(f"/t/{org.slug}/desk/cases/{case_id}").text
    assert 'data-action="return_case"' not in page
    response = client.post(
        f"/t/{org.slug}/desk/cases/{case_id}/return_case?lang=en",
        data={"return_case-basis": "属物业公司职责"},
    )
    assert response.status_code == 422
    assert "The time to return this case has passed" in response.text


def test_the_board_counts_returns_per_unit(client, world):
    org = world.a
    case_id = dispatched_case(org)
    login(client, org, "ops_li")
    client.post(
        f"/t/{org.slug}/desk/cases/{case_id}/return_case",
        data={"return_case-basis": "属物业公司职责"},
    )
    client.post(f"/t/{org.slug}/desk/logout")
    login(client, org, "super")
    page = client.get(f"/t/{org.slug}/desk/overdue?lang=en").text
    board = page.split('data-testid="returns-by-unit"', 1)[1].split("</table>", 1)[0]
    assert "<td>1</td>" in board


def test_the_unit_that_returned_it_is_not_suggested_again(client, world):
    from casework import routing
    from casework.operations import dispatch, returns

    org = world.a
    with tenant_bound(org.tenant.id):
        product = db.session.scalar(sa.select(Category.id).where(Category.code == "product"))
    case_id = open_case(org, category_id=product).id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        unit = routing.suggest_department(case)
        assert unit is not None  # the mall routes product complaints to Operations
        head = next(
            u
            for u in org.users.values()
            if u.department_id == unit.id and u.has_role(Role.DEPT_HEAD)
        )
        dispatch.dispatch_case(case, org.users["desk"], unit.id, None)
        db.session.commit()
    login(client, org, "desk")
    form = client.get(f"/t/{org.slug}/desk/cases/{case_id}").text
    assert f'<option selected value="{unit.id}">' in form
    with tenant_bound(org.tenant.id):
        returns.return_case(db.session.get(Case, case_id), head, "属物业公司职责")
        db.session.commit()
    form = client.get(f"/t/{org.slug}/desk/cases/{case_id}").text
    assert 'data-action="dispatch"' in form
    dispatch_form = form.split('data-action="dispatch"', 1)[1].split('data-action="', 1)[0]
    assert "<option selected" not in dispatch_form
