"""Arrival on site (CITY-8) from the case page, and the admin's field-work flag."""

from __future__ import annotations

import sqlalchemy as sa

from casework.models import Case, CaseEvent, Category
from casework.operations import dispatch
from casework.states import Channel, EventKind, Status
from tenants.db import db, tenant_bound
from tests.conftest import login, make_org, open_case


def test_the_handler_records_arrival_from_the_case_page(client, world):
    city = make_org("city-d", "city")
    u = city.users
    case_id = open_case(
        city, actor="desk", channel=Channel.HOTLINE, category_id=city.category("noise").id
    ).id
    with tenant_bound(city.tenant.id):
        case = db.session.get(Case, case_id)
        dispatch.dispatch_case(case, u["desk"], u["ld_zhang"].department_id, u["ld_zhang"].id)
        db.session.commit()
    login(client, city, "ld_zhang")
    page = client.get(f"/t/{city.slug}/desk/cases/{case_id}?lang=en").text
    assert 'data-action="arrive"' in page and "Arrival on site" in page  # its clock in the table
    url = f"/t/{city.slug}/desk/cases/{case_id}/arrive?lang=en"
    assert client.post(url, data={"arrive-note": "x" * 501}).status_code == 422
    done = client.post(url, data={"arrive-note": "商户噪声已制止"})
    assert done.status_code == 303
    with tenant_bound(city.tenant.id):
        db.session.expire_all()
        case = db.session.get(Case, case_id)
        assert case.arrived_at is not None and case.status is Status.IN_PROGRESS
        kinds = db.session.scalars(
            sa.select(CaseEvent.kind).where(CaseEvent.case_id == case_id)
        ).all()
        assert EventKind.ARRIVED in kinds
    page = client.get(f"/t/{city.slug}/desk/cases/{case_id}?lang=en").text
    assert 'data-action="arrive"' not in page and "Arrived on site" in page
    again = client.post(url, data={"arrive-note": ""})
    assert again.status_code == 422 and "recorded already" in again.text


def test_the_admin_marks_a_category_as_needing_field_work(client, world):
    org = world.a
    login(client, org, "admin")
    page = client.get(f"/t/{org.slug}/desk/admin/catalogue?lang=en").text
    assert "Needs field work" in page
    with tenant_bound(org.tenant.id):
        row = db.session.scalars(sa.select(Category).where(Category.code == "safety")).one()
        data = {
            "category-name": row.name,
            "category-department_id": row.department_id,
            "category-default_priority": row.default_priority.value,
            "category-field_work": "y",
        }
    response = client.post(f"/t/{org.slug}/desk/admin/catalogue/categories/{row.id}", data=data)
    assert response.status_code == 303
    with tenant_bound(org.tenant.id):
        db.session.expire_all()
        assert db.session.get(Category, row.id).field_work
    assert 'data-testid="field-work"' in client.get(f"/t/{org.slug}/desk/admin/catalogue").text
