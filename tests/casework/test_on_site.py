"""Arrival on site (CITY-8): the handler of field work reaches the scene within the limit."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from casework import alerts, catalog, policy
from casework.errors import Forbidden, InvalidTransition
from casework.models import Alert, Case, CaseEvent, Deadline, Notification
from casework.operations import dispatch, guards, returns, site
from casework.states import Action, Channel, EventKind, Stage, Status
from tenants.db import db, tenant_bound
from tests.conftest import make_org, open_case, set_domain_clock


def _city():
    return make_org("city-c", "city")


def _case(org, code: str = "noise") -> int:
    category = org.category(code).id
    return open_case(org, actor="desk", channel=Channel.HOTLINE, category_id=category).id


def _on_site(case_id: int) -> list[Deadline]:
    return list(
        db.session.scalars(
            sa.select(Deadline).where(Deadline.case_id == case_id, Deadline.stage == Stage.ON_SITE)
        )
    )


def _to(org, case_id: int, who: str | None = "ld_zhang") -> Case:
    u = org.users
    case = db.session.get(Case, case_id)
    unit = u["ld_zhang"].department_id
    dispatch.dispatch_case(case, u["desk"], unit, u[who].id if who else None)
    db.session.commit()
    return db.session.get(Case, case_id)


def test_the_city_preset_marks_its_field_categories_and_sets_the_limit(world):
    city = _city()
    assert city.category("noise").field_work and city.category("roads").field_work
    assert not city.category("advice").field_work
    with tenant_bound(city.tenant.id):
        case = db.session.get(Case, _case(city))
        target = policy.target_for(city.tenant, Stage.ON_SITE, case)
        assert (target.value, target.unit.value) == (1, "hours")
    # Every other tenant has the default, 1 hour, without setting it.
    assert policy.limits(world.a.tenant)["on_site"].value == 1


def test_dispatch_to_the_handler_starts_the_clock_and_arrival_meets_it(world):
    city = _city()
    u = city.users
    case_id = _case(city)
    with tenant_bound(city.tenant.id):
        case = _to(city, case_id)
        (clock,) = _on_site(case_id)
        assert clock.done_at is None
        assert clock.due_at - clock.started_at == dt.timedelta(hours=1)
        assert case.next_due_at == clock.due_at  # the nearest running limit
        assert Action.ARRIVE in guards.available_actions(case, u["ld_zhang"])
        assert guards.available_actions(case, u["ld_zhang"])[0] is Action.ARRIVE
        site.record_arrival(case, u["ld_zhang"], "  摊贩已劝离  ")
        db.session.commit()
        case = db.session.get(Case, case_id)
        assert case.arrived_at is not None and case.status is Status.IN_PROGRESS
        (clock,) = _on_site(case_id)
        assert clock.done_at == case.arrived_at
        event = db.session.scalars(
            sa.select(CaseEvent).where(
                CaseEvent.case_id == case_id, CaseEvent.kind == EventKind.ARRIVED
            )
        ).one()
        assert event.body == "摊贩已劝离" and event.public  # the note is not shown: staff text
        assert event.changes["arrived"][1].startswith(case.arrived_at.isoformat()[:16])
        assert "on_site_late" not in event.changes
        assert Action.ARRIVE not in guards.available_actions(case, u["ld_zhang"])
        with pytest.raises(InvalidTransition):  # once
            site.record_arrival(case, u["ld_zhang"])


def test_only_the_handler_or_the_units_head_records_it(world):
    city = _city()
    u = city.users
    case_id = _case(city)
    with tenant_bound(city.tenant.id):
        case = _to(city, case_id)
        for who in ("san_lu", "desk", "super"):
            with pytest.raises(Forbidden):
                site.record_arrival(case, u[who])
        site.record_arrival(case, u["ld_head"])


def test_a_category_without_field_work_has_no_clock_and_no_arrival(world):
    city = _city()
    u = city.users
    case_id = _case(city, "advice")
    with tenant_bound(city.tenant.id):
        case = _to(city, case_id)
        assert _on_site(case_id) == []
        assert Action.ARRIVE not in guards.available_actions(case, u["ld_zhang"])
        with pytest.raises(InvalidTransition):
            site.record_arrival(case, u["ld_zhang"])


def test_a_unit_without_a_named_handler_starts_the_clock_when_one_takes_it(world):
    city = _city()
    u = city.users
    case_id = _case(city)
    with tenant_bound(city.tenant.id):
        case = _to(city, case_id, who=None)
        assert _on_site(case_id) == []
        with pytest.raises(InvalidTransition):  # nobody to go yet
            site.record_arrival(case, u["ld_head"])
        dispatch.take_case(case, u["ld_zhang"])
        db.session.commit()
        (clock,) = _on_site(db.session.get(Case, case_id).id)
        assert clock.done_at is None


def test_a_late_arrival_is_marked_and_the_overdue_notice_goes_to_the_handler(world, monkeypatch):
    city = _city()
    u = city.users
    case_id = _case(city)
    with tenant_bound(city.tenant.id):
        _to(city, case_id)
        (clock,) = _on_site(case_id)
        due, clock_id = clock.due_at, clock.id
    # Overdue: the sweep tells the handler, the unit's head and the dispatchers, who follow
    # up that the handler reaches the scene (CITY-4).
    assert alerts.sweep(due + dt.timedelta(seconds=5)) >= 1
    with tenant_bound(city.tenant.id):
        told = db.session.scalars(
            sa.select(Notification.user_id)
            .join(Alert, Alert.id == Notification.alert_id)
            .where(Alert.deadline_id == clock_id, Alert.level == alerts.OVERDUE)
        ).all()
        assert sorted(told) == sorted([u["ld_zhang"].id, u["ld_head"].id, u["desk"].id])
    late = due + dt.timedelta(minutes=10)
    set_domain_clock(monkeypatch, lambda: late)
    with tenant_bound(city.tenant.id):
        site.record_arrival(db.session.get(Case, case_id), u["ld_zhang"])
        db.session.commit()
        event = db.session.scalars(
            sa.select(CaseEvent).where(
                CaseEvent.case_id == case_id, CaseEvent.kind == EventKind.ARRIVED
            )
        ).one()
        assert event.changes["on_site_late"] is True
        (clock,) = _on_site(case_id)
        assert clock.done_at == late and clock.next_alert_at is None


def test_a_return_stops_the_clock(world):
    city = _city()
    u = city.users
    case_id = _case(city)
    with tenant_bound(city.tenant.id):
        case = _to(city, case_id)
        returns.return_case(case, u["ld_zhang"], "属住建局职责")
        db.session.commit()
        assert all(d.done_at is not None for d in _on_site(case_id))


def test_the_admin_marks_a_category_as_needing_field_work(world):
    org = world.a
    with tenant_bound(org.tenant.id):
        unit = org.users["ops_li"].department_id
        row = catalog.add_category(
            org.tenant, org.users["admin"], "漏水报修", unit, field_work=True
        )
        db.session.commit()
        assert row.field_work
        catalog.edit_category(
            org.tenant, org.users["admin"], row.id, row.name, unit, "normal", field_work=False
        )
        db.session.commit()
        assert not db.session.get(type(row), row.id).field_work
