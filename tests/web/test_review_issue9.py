"""Review of issue 9 (tenant administration, platform console, suspension, password links):
each test here failed before the fix it came with."""

from __future__ import annotations

import pytest

from tenants import audit
from tenants.db import db, tenant_bound
from tests.conftest import login

ADMIN = "/t/alpha/desk/admin"


@pytest.mark.parametrize(
    "query",
    ["since=0001-01-01", "until=9999-12-31", "since=0001-01-01&until=9999-12-31"],
)
@pytest.mark.parametrize("path", ["/audit", "/audit.csv"])
def test_audit_filters_at_the_ends_of_the_calendar_are_no_500(client, world, path, query):
    # 0001-01-01 in Shanghai is before year 1 in UTC; the day after 9999-12-31 is no date.
    with tenant_bound(world.a.tenant.id):
        audit.record(
            world.a.users["admin"], "channels.set", "channels", {"before": [], "after": []}
        )
        db.session.commit()
    login(client, world.a, "admin")
    response = client.get(f"{ADMIN}{path}?{query}")
    assert response.status_code == 200
    assert "channels.set" in response.get_data(as_text=True) or path == "/audit"
