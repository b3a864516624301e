"""The admin's page of who sees cases (CO-8): one choice per role, audited."""

from __future__ import annotations

import sqlalchemy as sa

from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound
from tenants.models import Role, Tenant
from tests.conftest import dispatched_case, login


def _url(org) -> str:
    return f"/t/{org.slug}/desk/admin/sight"


def _form(**changes: str) -> dict[str, str]:
    sight = {
        "intake": "all",
        "handler": "department",
        "dept_head": "department",
        "supervisor": "all",
        "admin": "all",
    }
    return {**sight, **changes}


def test_an_admin_widens_the_handlers_sight_and_it_is_audited(client, world):
    case_id = dispatched_case(world.a, "ops_li")
    case_url = f"/t/{world.a.slug}/desk/cases/{case_id}"
    login(client, world.a, "cs_zhou")
    assert client.get(case_url).status_code == 404
    client.post(f"/t/{world.a.slug}/desk/logout")

    login(client, world.a, "admin")
    page = client.get(_url(world.a), query_string={"lang": "en"})
    assert page.status_code == 200 and "Who sees cases" in page.text
    assert all(f'name="{r.value}"' in page.text for r in Role)
    r = client.post(_url(world.a), data=_form(handler="all"))
    assert r.status_code == 303
    assert client.post(_url(world.a), data=_form(handler="all")).status_code == 303  # no change
    with tenant_bound(world.a.tenant.id):
        tenant = db.session.get(Tenant, world.a.tenant.id)
        db.session.refresh(tenant)
        assert tenant.config.case_sight["handler"] == "all"
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.kind == "sight.set")
        ).all()
        assert len(events) == 1
        assert events[0].changes["before"]["handler"] == "department"
        assert events[0].changes["after"]["handler"] == "all"
    client.post(f"/t/{world.a.slug}/desk/logout")

    login(client, world.a, "cs_zhou")
    assert client.get(case_url).status_code == 200


def test_only_admins_and_only_known_sights(client, world):
    login(client, world.a, "super")
    assert client.get(_url(world.a)).status_code == 403
    client.post(f"/t/{world.a.slug}/desk/logout")
    login(client, world.a, "admin")
    assert client.post(_url(world.a), data=_form(handler="everything")).status_code == 422
    with tenant_bound(world.a.tenant.id):
        tenant = db.session.get(Tenant, world.a.tenant.id)
        assert tenant.config.case_sight["handler"] == "department"
