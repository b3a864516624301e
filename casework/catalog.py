"""A tenant's complaint catalogue from its preset, and provisioning a tenant in one call."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from tenants import bootstrap
from tenants.db import db, tenant_bound
from tenants.models import Department, Tenant
from tenants.presets import PresetCategory, load_preset

from .models import Category


def install_categories(tenant: Tenant, categories: Iterable[PresetCategory]) -> list[Category]:
    """Add complaint categories routed to the tenant's departments by code; the caller commits.

    ValueError names a category whose department the tenant does not have.
    """
    with tenant_bound(tenant.id):
        departments = dict(db.session.execute(sa.select(Department.code, Department.id)).all())
        start = db.session.scalar(sa.select(sa.func.count(Category.id))) or 0
        rows = []
        for pos, c in enumerate(categories):
            if c.department not in departments:
                raise ValueError(f"category {c.code!r}: no department {c.department!r}")
            rows.append(
                Category(
                    code=c.code,
                    name=c.name,
                    department_id=departments[c.department],
                    position=start + pos,
                )
            )
        db.session.add_all(rows)
        db.session.flush()
    return rows


def provision(slug: str, preset_name: str, *, name: str | None = None) -> Tenant:
    """Create a tenant from a preset: organisation, departments and catalogue; the caller commits.

    KeyError for an unknown preset, ValueError when the slug is taken.
    """
    preset = load_preset(preset_name)
    tenant = bootstrap.create_tenant(slug, preset_name, preset, name=name)
    install_categories(tenant, preset.categories)
    return tenant
