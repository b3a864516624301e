"""Tenant scoping is applied to every ORM query, and fails closed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from casework.models import Case, CaseEvent
from tenants.db import TenantMismatch, TenantNotBound, db, tenant_bound, unscoped
from tenants.models import Department, User
from tests.conftest import open_case


def test_queries_see_only_the_bound_tenant(world):
    a_case = open_case(world.a)
    b_case = open_case(world.b)
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalars(sa.select(Case.id)).all() == [a_case.id]
        assert db.session.scalars(sa.select(Case).where(Case.id == b_case.id)).first() is None
        # Joins and aliases are scoped too.
        joined = db.session.execute(
            sa.select(Case.id, User.username).join(User, User.tenant_id == Case.tenant_id)
        ).all()
        assert {row[0] for row in joined} == {a_case.id}
        names = set(db.session.scalars(sa.select(Department.name)))
        assert "医务科" not in names and "运营部" in names


def test_updates_and_deletes_are_scoped(world):
    open_case(world.a)
    b_case = open_case(world.b)
    with tenant_bound(world.a.tenant.id):
        db.session.execute(sa.update(Case).values(location="改写"))
        db.session.commit()
    with tenant_bound(world.b.tenant.id):
        assert db.session.get(Case, b_case.id).location == "二楼"


def test_no_tenant_bound_raises(world):
    open_case(world.a)
    db.session.expunge_all()
    with pytest.raises(TenantNotBound):
        db.session.scalars(sa.select(Case)).all()
    with pytest.raises(TenantNotBound):
        db.session.execute(sa.select(CaseEvent.id)).all()


def test_unscoped_is_the_one_bypass(world):
    open_case(world.a)
    open_case(world.b)
    with unscoped():
        assert len(db.session.scalars(sa.select(Case)).all()) == 2


def test_writing_another_tenants_row_is_refused(world):
    with tenant_bound(world.a.tenant.id):
        db.session.add(Department(tenant_id=world.b.tenant.id, code="x", name="x"))
        with pytest.raises(TenantMismatch):
            db.session.flush()
    db.session.rollback()


def test_history_is_append_only(world):
    case = open_case(world.a)
    with tenant_bound(world.a.tenant.id):
        event = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id)).first()
        event.body = "rewritten"
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.flush()
        db.session.rollback()
        event = db.session.scalars(sa.select(CaseEvent)).first()
        db.session.delete(event)
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.flush()
        db.session.rollback()
