"""The admin's catalogue verbs: departments, categories, causes and channels.

Each change is audited with its values before and after; each bad input is refused with the
field it concerns and saves nothing.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from casework import catalog, routing
from casework.errors import InvalidInput, NotFound
from casework.models import Category, Cause
from casework.states import Priority
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound
from tenants.models import Department, Tenant


def _events(org, kind: str | None = None) -> list[AuditEvent]:
    with tenant_bound(org.tenant.id):
        stmt = sa.select(AuditEvent).order_by(AuditEvent.id)
        if kind is not None:
            stmt = stmt.where(AuditEvent.kind == kind)
        return list(db.session.scalars(stmt))


def _count(org, model) -> int:
    with tenant_bound(org.tenant.id):
        return db.session.scalar(sa.select(sa.func.count(model.id)))


def _department(org, code: str) -> Department:
    with tenant_bound(org.tenant.id):
        return db.session.scalars(sa.select(Department).where(Department.code == code)).one()


def _refused(field: str, call, *needles: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        call()
    assert caught.value.field == field
    with force_locale("en"):  # the messages are lazy: read them in the msgids' language
        message = str(caught.value)
    for needle in needles:
        assert needle in message, message
    db.session.rollback()
    return caught.value


# Departments ------------------------------------------------------------------------------


def test_a_department_is_added_with_a_generated_code_and_audited(world):
    org, admin = world.a, world.a.users["admin"]
    row = catalog.add_department(org.tenant, admin, "  工程部  ")
    db.session.commit()
    assert row.name == "工程部" and row.active
    assert row.code.isascii() and row.code.startswith("dept_")
    second = catalog.add_department(org.tenant, admin, "物业部")
    db.session.commit()
    assert second.code != row.code and second.position > row.position
    (event,) = _events(org, "department.added")[:1]
    assert event.actor_id == admin.id and event.subject == "工程部"
    assert event.changes == {
        "before": None,
        "after": {"code": row.code, "name": "工程部", "active": True},
    }
    # Offered for routing and dispatch at once.
    with tenant_bound(org.tenant.id):
        assert "工程部" in [d.name for d in routing.departments(active_only=True)]
        assert "工程部" in [d.name for d in routing.department_entries(org.tenant)]


def test_a_generated_code_skips_codes_taken(world):
    org, admin = world.a, world.a.users["admin"]
    with tenant_bound(org.tenant.id):
        taken = len(routing.departments()) + 1
        db.session.add(Department(code=f"dept_{taken}", name="手工", position=99))
        db.session.commit()
    row = catalog.add_department(org.tenant, admin, "工程部")
    db.session.commit()
    assert row.code == f"dept_{taken + 1}"


def test_department_names_are_unique_ignoring_case_and_space(world):
    org, admin = world.a, world.a.users["admin"]
    catalog.add_department(org.tenant, admin, "Facilities")
    db.session.commit()
    before = _count(org, Department), len(_events(org))
    _refused("name", lambda: catalog.add_department(org.tenant, admin, " facilities "), "already")
    _refused("name", lambda: catalog.add_department(org.tenant, admin, "客服部"), "客服部")
    assert (_count(org, Department), len(_events(org))) == before


def test_a_duplicate_of_a_deactivated_department_says_to_reactivate_it(world):
    org, admin = world.a, world.a.users["admin"]
    row = catalog.add_department(org.tenant, admin, "临时部")
    catalog.deactivate_department(org.tenant, admin, row.id)
    db.session.commit()
    _refused("name", lambda: catalog.add_department(org.tenant, admin, "临时部"), "reactivate")


def test_an_empty_or_overlong_name_is_refused(world):
    org, admin = world.a, world.a.users["admin"]
    before = _count(org, Department)
    _refused("name", lambda: catalog.add_department(org.tenant, admin, "   "))
    _refused("name", lambda: catalog.add_department(org.tenant, admin, "\u202e\u200b"))
    _refused("name", lambda: catalog.add_department(org.tenant, admin, "部" * 101), "100")
    assert _count(org, Department) == before
    assert _events(org) == []


def test_another_tenants_name_is_no_duplicate(world):
    catalog.add_department(world.b.tenant, world.b.users["admin"], "工程部")
    row = catalog.add_department(world.a.tenant, world.a.users["admin"], "工程部")
    db.session.commit()
    assert row.tenant_id == world.a.tenant.id


def test_renaming_a_department_keeps_its_code_and_is_audited(world):
    org, admin = world.a, world.a.users["admin"]
    ops = _department(org, "ops")
    catalog.rename_department(org.tenant, admin, ops.id, "运营管理部")
    db.session.commit()
    ops = _department(org, "ops")
    assert ops.name == "运营管理部"
    (event,) = _events(org, "department.renamed")
    assert event.changes["before"]["name"] == "运营部"
    assert event.changes["after"] == {"code": "ops", "name": "运营管理部", "active": True}
    # The same name again changes nothing and records nothing.
    catalog.rename_department(org.tenant, admin, ops.id, "运营管理部")
    db.session.commit()
    assert len(_events(org, "department.renamed")) == 1
    _refused("name", lambda: catalog.rename_department(org.tenant, admin, ops.id, "财务部"))


def test_deactivating_a_department_in_use_names_what_routes_to_it(world):
    org, admin = world.a, world.a.users["admin"]
    security = _department(org, "security")  # 安全保卫 routes here, and the 停车场 rule
    error = _refused(
        "department",
        lambda: catalog.deactivate_department(org.tenant, admin, security.id),
        "安全保卫",
    )
    assert "1" in str(error)  # the parking rule is the first of the mall's rules
    assert _department(org, "security").active
    assert _events(org) == []


def test_a_department_nothing_routes_to_is_deactivated_and_reactivated(world):
    org, admin = world.a, world.a.users["admin"]
    row = catalog.add_department(org.tenant, admin, "工程部")
    db.session.commit()
    catalog.deactivate_department(org.tenant, admin, row.id)
    db.session.commit()
    with tenant_bound(org.tenant.id):
        assert "工程部" not in [d.name for d in routing.departments(active_only=True)]
        assert "工程部" in [d.name for d in routing.departments()]
    catalog.reactivate_department(org.tenant, admin, row.id)
    db.session.commit()
    kinds = [e.kind for e in _events(org)]
    assert kinds == ["department.added", "department.deactivated", "department.reactivated"]
    deactivated = _events(org, "department.deactivated")[0]
    assert deactivated.changes["before"]["active"] is True
    assert deactivated.changes["after"]["active"] is False


def test_a_department_freed_of_its_categories_and_rules_can_be_deactivated(world):
    org, admin = world.a, world.a.users["admin"]
    security, cs = _department(org, "security"), _department(org, "cs")
    safety = org.category("safety")
    catalog.edit_category(org.tenant, admin, safety.id, "安全保卫", cs.id, Priority.URGENT)
    (parking,) = [r for r in routing.rules(org.tenant) if r.department_id == security.id]
    routing.deactivate_rule(org.tenant, admin, parking.id)
    catalog.deactivate_department(org.tenant, admin, security.id)
    db.session.commit()
    assert not _department(org, "security").active


def test_another_tenants_department_is_not_found(world):
    with tenant_bound(world.b.tenant.id):
        foreign = db.session.scalars(sa.select(Department.id)).first()
    with pytest.raises(NotFound):
        catalog.rename_department(world.a.tenant, world.a.users["admin"], foreign, "x")
    with pytest.raises(NotFound):
        catalog.deactivate_department(world.a.tenant, world.a.users["admin"], foreign)


# Categories -------------------------------------------------------------------------------


def test_a_category_is_added_routed_to_an_active_department(world):
    org, admin = world.a, world.a.users["admin"]
    ops = _department(org, "ops")
    row = catalog.add_category(org.tenant, admin, "电梯故障", ops.id, "urgent")
    db.session.commit()
    assert row.code.startswith("cat_") and row.code.isascii()
    assert (row.department_id, row.default_priority, row.active) == (ops.id, Priority.URGENT, True)
    entry = routing.category(org.tenant, row.id)
    assert entry is not None and entry.active and entry.default_priority is Priority.URGENT
    assert entry in routing.active_categories(org.tenant)
    (event,) = _events(org, "category.added")
    assert event.changes["after"] == {
        "code": row.code,
        "name": "电梯故障",
        "department": "运营部",
        "default_priority": "urgent",
        "active": True,
    }


def test_category_bad_input_is_refused_and_saves_nothing(world):
    org, admin = world.a, world.a.users["admin"]
    ops = _department(org, "ops")
    spare = catalog.add_department(org.tenant, admin, "闲置部")
    catalog.deactivate_department(org.tenant, admin, spare.id)
    db.session.commit()
    before = _count(org, Category), len(_events(org))
    _refused("name", lambda: catalog.add_category(org.tenant, admin, "价格问题", ops.id))
    _refused("name", lambda: catalog.add_category(org.tenant, admin, "", ops.id))
    _refused(
        "department_id",
        lambda: catalog.add_category(org.tenant, admin, "新类", spare.id),
        "闲置部",
        "deactivated",
    )
    _refused("department_id", lambda: catalog.add_category(org.tenant, admin, "新类", None))
    with tenant_bound(world.b.tenant.id):
        foreign = db.session.scalars(sa.select(Department.id)).first()
    _refused("department_id", lambda: catalog.add_category(org.tenant, admin, "新类", foreign))
    _refused(
        "default_priority",
        lambda: catalog.add_category(org.tenant, admin, "新类", ops.id, "whenever"),
    )
    assert (_count(org, Category), len(_events(org))) == before


def test_editing_a_category_changes_name_department_and_priority_together(world):
    org, admin = world.a, world.a.users["admin"]
    price, cs = org.category("price"), _department(org, "cs")
    catalog.edit_category(org.tenant, admin, price.id, "价格与收费", cs.id, Priority.URGENT)
    db.session.commit()
    price = org.category("price")
    assert (price.name, price.department_id, price.default_priority) == (
        "价格与收费",
        cs.id,
        Priority.URGENT,
    )
    (event,) = _events(org, "category.edited")
    assert event.changes["before"]["department"] == "财务部"
    assert event.changes["after"]["department"] == "客服部"
    assert event.changes["after"]["default_priority"] == "urgent"
    # Nothing changed: nothing recorded.
    catalog.edit_category(org.tenant, admin, price.id, "价格与收费", cs.id, "urgent")
    db.session.commit()
    assert len(_events(org, "category.edited")) == 1


def test_a_deactivated_category_stays_displayable_and_can_come_back(world):
    org, admin = world.a, world.a.users["admin"]
    other = org.category("other")
    catalog.deactivate_category(org.tenant, admin, other.id)
    db.session.commit()
    assert routing.category(org.tenant, other.id).active is False  # still named for old cases
    assert other.id not in [c.id for c in routing.active_categories(org.tenant)]
    catalog.reactivate_category(org.tenant, admin, other.id)
    db.session.commit()
    assert other.id in [c.id for c in routing.active_categories(org.tenant)]
    assert [e.kind for e in _events(org)] == ["category.deactivated", "category.reactivated"]


def test_a_category_whose_department_is_gone_cannot_be_reactivated(world):
    org, admin = world.a, world.a.users["admin"]
    dept = catalog.add_department(org.tenant, admin, "临时部")
    cat = catalog.add_category(org.tenant, admin, "临时类", dept.id)
    catalog.deactivate_category(org.tenant, admin, cat.id)
    catalog.deactivate_department(org.tenant, admin, dept.id)
    db.session.commit()
    _refused(
        "department_id", lambda: catalog.reactivate_category(org.tenant, admin, cat.id), "临时部"
    )
    with tenant_bound(org.tenant.id):
        assert db.session.get(Category, cat.id).active is False


# Causes -----------------------------------------------------------------------------------


def test_causes_are_added_renamed_deactivated_and_reactivated(world):
    org, admin = world.a, world.a.users["admin"]
    row = catalog.add_cause(org.tenant, admin, "人员培训不足")
    db.session.commit()
    assert row.code.startswith("cause_") and row.active
    catalog.rename_cause(org.tenant, admin, row.id, "培训不足")
    catalog.deactivate_cause(org.tenant, admin, row.id)
    catalog.reactivate_cause(org.tenant, admin, row.id)
    db.session.commit()
    assert [e.kind for e in _events(org)] == [
        "cause.added",
        "cause.renamed",
        "cause.deactivated",
        "cause.reactivated",
    ]
    assert _events(org, "cause.renamed")[0].changes["after"]["name"] == "培训不足"
    assert [c.name for c in catalog.causes(org.tenant)][-1] == "培训不足"


def test_cause_names_are_unique_and_not_empty(world):
    org, admin = world.a, world.a.users["admin"]
    before = _count(org, Cause)
    _refused("name", lambda: catalog.add_cause(org.tenant, admin, "服务态度"))
    _refused("name", lambda: catalog.add_cause(org.tenant, admin, " "))
    assert _count(org, Cause) == before
    assert _events(org) == []


# Channels ---------------------------------------------------------------------------------


def test_channels_are_set_in_the_usual_order_and_audited(world):
    org, admin = world.a, world.a.users["admin"]
    before = list(org.tenant.config.channels)
    assert catalog.set_channels(org.tenant, admin, ["email", "web", "letter"]) == (
        "web",
        "letter",
        "email",
    )
    db.session.commit()
    db.session.expire_all()
    tenant = db.session.get(Tenant, org.tenant.id)
    assert list(tenant.config.channels) == ["web", "letter", "email"]
    (event,) = _events(org, "channels.set")
    assert event.changes == {"before": before, "after": ["web", "letter", "email"]}
    # The same again: nothing to record.
    catalog.set_channels(tenant, admin, ["web", "letter", "email"])
    db.session.commit()
    assert len(_events(org, "channels.set")) == 1


def test_no_channel_or_an_unknown_one_is_refused(world):
    org, admin = world.a, world.a.users["admin"]
    before = list(org.tenant.config.channels)
    _refused("channels", lambda: catalog.set_channels(org.tenant, admin, []), "at least one")
    _refused("channels", lambda: catalog.set_channels(org.tenant, admin, ["web", "pigeon"]))
    db.session.expire_all()
    assert list(db.session.get(Tenant, org.tenant.id).config.channels) == before
    assert _events(org) == []
