"""Review of issue 9 (tenant administration, platform console, suspension, password links):
each test here failed before the fix it came with."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from casework import policy
from tenants import audit
from tenants.audit import AuditEvent
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


def _kinds(org) -> list[str]:
    db.session.expire_all()
    with tenant_bound(org.tenant.id):
        return list(db.session.scalars(sa.select(AuditEvent.kind).order_by(AuditEvent.id)))


def test_saving_the_time_limits_unchanged_records_nothing(client, world):
    # The page shows every limit in force, defaults included, and saves what it shows.
    form = {}
    for key, target in policy.limits(world.a.tenant).items():
        form[f"{key}_value"] = str(target.value)
        form[f"{key}_unit"] = target.unit.value
    login(client, world.a, "admin")
    assert client.post(f"{ADMIN}/policy", data=form).status_code == 303
    assert _kinds(world.a) == []
    form["result_value"] = "4"
    assert client.post(f"{ADMIN}/policy", data=form).status_code == 303
    assert _kinds(world.a) == ["policy.limits"]


def test_setting_a_calendar_day_as_it_is_records_nothing_more(client, world):
    login(client, world.a, "admin")
    day = {"day": "2030-05-06", "working": "closed", "note": "盘点"}
    assert client.post(f"{ADMIN}/calendar", data=day).status_code == 303
    assert client.post(f"{ADMIN}/calendar", data=day).status_code == 303
    assert _kinds(world.a) == ["calendar.day_set"]


def test_saving_the_reminder_points_unchanged_records_nothing(client, world):
    from casework import alerts

    first, second = (round(f * 100) for f in alerts.fractions(world.a.tenant)[:2])
    login(client, world.a, "admin")
    same = {"first": str(first), "second": str(second)}
    assert client.post(f"{ADMIN}/policy/reminders", data=same).status_code == 303
    assert _kinds(world.a) == []
    other = {"first": str(first - 1), "second": str(second)}
    assert client.post(f"{ADMIN}/policy/reminders", data=other).status_code == 303
    assert _kinds(world.a) == ["policy.reminders"]


def test_a_deeply_nested_svg_logo_gets_a_reason_not_a_500(client, world):
    import io

    nested = "<g>" * 3000 + "</g>" * 3000
    svg = f'<svg xmlns="http://www.w3.org/2000/svg">{nested}</svg>'.encode()
    login(client, world.a, "admin")
    response = client.post(
        f"{ADMIN}/branding?lang=en",
        data={"primary_color": "#1f6feb", "logo": (io.BytesIO(svg), "logo.svg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "nests its elements more than" in response.text
    db.session.expire_all()
    assert world.a.tenant.logo_svg.encode() != svg


def test_uploading_the_logo_shown_already_records_nothing_more(client, world):
    import io

    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8"/></svg>'
    login(client, world.a, "admin")
    tenant = world.a.tenant
    form = {
        "primary_color": tenant.primary_color,
        "letterhead": tenant.letterhead,
        "duty_contact_name": tenant.duty_contact_name,
        "duty_contact_phone": tenant.duty_contact_phone,
    }
    for _ in range(2):
        response = client.post(
            f"{ADMIN}/branding",
            data={**form, "logo": (io.BytesIO(svg), "logo.svg")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 303
    assert _kinds(world.a) == ["branding.logo"]
