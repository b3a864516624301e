"""A department, a category, a cause and a routing rule of the admin's own making."""

from __future__ import annotations

from casework import catalog, routing
from tenants.db import db


def ids(org) -> dict[str, int | str]:
    admin = org.users["admin"]
    department = catalog.add_department(org.tenant, admin, f"隔离部-{org.slug}")
    category = catalog.add_category(org.tenant, admin, f"隔离类-{org.slug}", department.id)
    cause = catalog.add_cause(org.tenant, admin, f"隔离原因-{org.slug}")
    rule = routing.add_rule(
        org.tenant, admin, category_id=category.id, keyword=org.slug, department_id=department.id
    )
    db.session.commit()
    return {
        "department_id": department.id,
        "category_id": category.id,
        "cause_id": cause.id,
        "rule_id": rule.id,
    }
