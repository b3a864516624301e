"""Per-process copies of a tenant's catalogue and calendar, and how they learn of changes."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

from casework import calendar, routing
from casework.models import CalendarDay, Category
from tenants.db import db, tenant_bound
from tests.conftest import open_case


def _version(tenant_id: int) -> int:
    with db.engine.connect() as conn:
        return conn.scalar(
            sa.text("SELECT config_version FROM tenants WHERE id = :id"), {"id": tenant_id}
        )


def test_a_calendar_change_in_another_process_reaches_this_one(world):
    tenant = world.a.tenant
    day = dt.date.today() + dt.timedelta(days=30)
    with tenant_bound(tenant.id):
        assert day not in calendar.for_tenant(tenant).overrides  # now cached here
        # Another process (its own session and connection) closes that day.
        with orm.Session(db.engine) as other:
            other.add(CalendarDay(tenant_id=tenant.id, day=day, working=False, note="停电"))
            other.commit()
        db.session.commit()  # this process's next request reads the tenant row afresh
        assert calendar.for_tenant(tenant).overrides[day] is False


def test_the_catalogue_is_reread_after_a_category_is_added(world):
    tenant = world.a.tenant
    before = _version(tenant.id)
    with tenant_bound(tenant.id):
        codes = [c.code for c in routing.categories(tenant)]
        assert "parking" not in codes
        db.session.add(Category(code="parking", name="停车", position=99))
        db.session.commit()
        assert _version(tenant.id) == before + 1
        assert routing.categories(tenant)[-1].code == "parking"


def test_the_same_flush_sees_its_own_change(world):
    tenant = world.a.tenant
    day = dt.date.today() + dt.timedelta(days=40)
    with tenant_bound(tenant.id):
        calendar.for_tenant(tenant)
        db.session.add(CalendarDay(day=day, working=False, note="台风"))
        db.session.flush()
        assert calendar.for_tenant(tenant).overrides[day] is False
        db.session.rollback()


def test_intake_leaves_the_cache_alone(world):
    before = _version(world.a.tenant.id)
    open_case(world.a)
    open_case(world.a, actor="desk")
    assert _version(world.a.tenant.id) == before


def test_another_tenants_category_id_is_not_in_the_catalogue(world):
    with tenant_bound(world.b.tenant.id):
        foreign = db.session.scalars(sa.select(Category.id)).first()
    with tenant_bound(world.a.tenant.id):
        assert foreign is not None
        assert routing.category(world.a.tenant, foreign) is None
        assert routing.category(world.a.tenant, routing.categories(world.a.tenant)[0].id)
