"""Tenant admins keep the working calendar and the time limits."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from casework import policy
from casework.deadlines import Unit
from casework.models import CalendarDay
from casework.states import Stage
from tenants.audit import AppendOnly, AuditEvent
from tenants.db import db, tenant_bound
from tenants.models import Tenant
from tests.conftest import login


def test_admin_adds_and_removes_a_closed_day(client, world):
    login(client, world.a, "admin")
    r = client.post(
        "/t/alpha/desk/admin/calendar",
        data={"day": "2026-12-07", "working": "closed", "note": "台风停业"},
    )
    assert r.status_code == 303
    page = client.get("/t/alpha/desk/admin/calendar")
    assert "台风停业" in page.text
    with tenant_bound(world.a.tenant.id):
        day = db.session.scalars(sa.select(CalendarDay)).one()
        assert (str(day.day), day.working) == ("2026-12-07", False)
    assert client.post(f"/t/alpha/desk/admin/calendar/{day.id}/delete").status_code == 303
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(CalendarDay.id))) == 0


def test_only_admins_reach_administration(client, world):
    login(client, world.a, "super")
    assert client.get("/t/alpha/desk/admin/calendar").status_code == 403
    assert client.get("/t/alpha/desk/admin/policy").status_code == 403


def test_policy_is_edited_with_a_live_preview(client, world):
    login(client, world.a, "admin")
    preview = client.get(
        "/t/alpha/desk/admin/policy/preview",
        query_string={
            "result_value": "5",
            "result_unit": "working_days",
            "preview_start": "2026-09-30T16:00",
            "lang": "en",
        },
    )
    # Filed Wednesday 30 September 16:00 → five working days end Tuesday 13 October.
    assert "Oct 13, 2026" in preview.text
    assert 'data-testid="preview"' in preview.text
    form = {f"{k}_value": "" for k in policy.KEYS}
    form.update({f"{k}_unit": "working_days" for k in policy.KEYS})
    form.update({"result_value": "3", "dispatch_value": "2", "dispatch_unit": "hours"})
    assert client.post("/t/alpha/desk/admin/policy", data=form).status_code == 303
    with tenant_bound(world.a.tenant.id):
        db.session.expire_all()
        tenant = db.session.get(Tenant, world.a.tenant.id)
        targets = policy.limits(tenant)
    assert (targets[Stage.RESULT].value, targets[Stage.RESULT].unit) == (3, Unit.WORKING_DAYS)
    assert (targets[Stage.DISPATCH].value, targets[Stage.DISPATCH].unit) == (2, Unit.HOURS)
    assert targets[Stage.REVISIT] is None
    bad = client.post("/t/alpha/desk/admin/policy", data={**form, "result_value": "-1"})
    assert bad.status_code == 200 and "is-danger" in bad.text


def test_admin_adds_and_removes_a_special_rule(client, world):
    from casework.models import Case
    from casework.states import Channel
    from tests.conftest import open_case

    login(client, world.a, "admin")
    r = client.post(
        "/t/alpha/desk/admin/policy/rules",
        data={
            "stage": "dispatch",
            "channel": "phone",
            "category": "",
            "priority": "",
            "value": "30",
            "unit": "minutes",
        },
    )
    assert r.status_code == 303
    db.session.expire_all()  # the test's own copy of the tenant predates the new rule
    case = open_case(world.a, actor="desk", channel=Channel.PHONE)
    with tenant_bound(world.a.tenant.id):
        from casework import stages

        targets = {d.stage: d.target for d in stages.of_case(db.session.get(Case, case.id))}
    assert targets[Stage.DISPATCH] == "30 minutes"
    page = client.get("/t/alpha/desk/admin/policy?lang=en")
    assert "30 minutes" in page.text
    # The mall preset had two rules; ours is the third.
    assert client.post("/t/alpha/desk/admin/policy/rules/2/delete").status_code == 303
    assert client.post("/t/alpha/desk/admin/policy/rules/9/delete").status_code == 404
    bad = client.post("/t/alpha/desk/admin/policy/rules", data={"stage": "nope", "value": "x"})
    assert bad.status_code == 303  # refused with a flashed reason
    with tenant_bound(world.a.tenant.id):
        db.session.expire_all()
        assert len(policy.overrides(db.session.get(Tenant, world.a.tenant.id))) == 2


def test_admin_sets_the_reminder_points(client, world):
    from casework import alerts

    login(client, world.a, "admin")
    page = client.get("/t/alpha/desk/admin/policy?lang=en")
    assert 'data-testid="reminders"' in page.text and 'value="50"' in page.text
    # Every stage, acceptance to rectification, and the longest extension are editable.
    for key in ("acceptance_value", "special_measures_value", "rectification_value"):
        assert f'name="{key}"' in page.text
    assert "Longest extension" in page.text
    bad = client.post("/t/alpha/desk/admin/policy/reminders", data={"first": 90, "second": 60})
    assert bad.status_code == 303
    assert "the first below the second" in client.get("/t/alpha/desk/admin/policy?lang=en").text
    ok = client.post("/t/alpha/desk/admin/policy/reminders", data={"first": 30, "second": 70})
    assert ok.status_code == 303
    with tenant_bound(world.a.tenant.id):
        db.session.expire_all()
        tenant = db.session.get(Tenant, world.a.tenant.id)
        assert alerts.fractions(tenant) == (0.3, 0.7, 1.0, 2.0)


def test_saving_the_limits_keeps_the_longest_extension(client, world):
    login(client, world.a, "admin")
    form = {f"{k}_value": "" for k in policy.KEYS}
    form.update({f"{k}_unit": "working_days" for k in policy.KEYS})
    form.update({"result_value": "5", "extension_value": "20", "extension_unit": "calendar_days"})
    assert client.post("/t/alpha/desk/admin/policy", data=form).status_code == 303
    with tenant_bound(world.a.tenant.id):
        db.session.expire_all()
        tenant = db.session.get(Tenant, world.a.tenant.id)
        limits = policy.limits(tenant)
    assert (limits["extension"].value, limits["extension"].unit) == (20, Unit.CALENDAR_DAYS)
    assert limits["acceptance"] is None


def test_configuration_changes_leave_an_audit_trail(client, world):
    login(client, world.a, "admin")
    client.post(
        "/t/alpha/desk/admin/calendar",
        data={"day": "2026-12-07", "working": "closed", "note": "台风停业"},
    )
    client.post(
        "/t/alpha/desk/admin/calendar",
        data={"day": "2026-12-07", "working": "working", "note": "照常营业"},
    )
    with tenant_bound(world.a.tenant.id):
        day_id = db.session.scalars(sa.select(CalendarDay.id)).one()
    client.post(f"/t/alpha/desk/admin/calendar/{day_id}/delete")
    form = {f"{k}_value": "" for k in policy.KEYS}
    form.update({f"{k}_unit": "working_days" for k in policy.KEYS})
    client.post("/t/alpha/desk/admin/policy", data={**form, "result_value": "4"})
    rule = {"stage": "dispatch", "channel": "phone", "value": "30", "unit": "minutes"}
    client.post("/t/alpha/desk/admin/policy/rules", data=rule)
    client.post("/t/alpha/desk/admin/policy/rules/2/delete")
    client.post("/t/alpha/desk/admin/policy/reminders", data={"first": 30, "second": 70})
    client.post("/t/alpha/desk/admin/policy/reminders", data={"first": 90, "second": 60})
    with tenant_bound(world.a.tenant.id):
        events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [e.kind for e in events] == [
            "calendar.day_set",
            "calendar.day_set",
            "calendar.day_removed",
            "policy.limits",
            "policy.rule_added",
            "policy.rule_removed",
            "policy.reminders",
        ]  # the refused reminders left nothing
        assert {e.actor_id for e in events} == {world.a.users["admin"].id}
        assert events[0].actor_label == world.a.users["admin"].name
        assert events[1].subject == "2026-12-07"
        assert events[1].changes == {
            "before": {"working": False, "note": "台风停业"},
            "after": {"working": True, "note": "照常营业"},
        }
        assert events[2].changes["after"] is None
        assert events[3].changes["after"] == {"result": {"value": 4, "unit": "working_days"}}
        assert events[3].changes["before"]["result"] == {"value": 5, "unit": "working_days"}
        assert events[4].changes["after"] == {
            "stage": "dispatch",
            "channel": "phone",
            "value": 30,
            "unit": "minutes",
        }
        assert events[5].changes["before"] == events[4].changes["after"]
        assert events[6].changes == {"before": [0.5, 0.8], "after": [0.3, 0.7]}
        events[0].subject = "rewritten"
        with pytest.raises(AppendOnly):
            db.session.flush()
        db.session.rollback()
    with tenant_bound(world.b.tenant.id):
        assert db.session.scalars(sa.select(AuditEvent)).all() == []
