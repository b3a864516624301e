"""Creating a tenant from a preset or a configuration file: its organisation and catalogue.

A preset file and an exported tenant configuration are one format (:class:`Preset`), so
:func:`provision` creates a tenant from either; the admin's later changes go through the
verbs of casework/catalog.py.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from tenants import bootstrap
from tenants.db import db, tenant_bound
from tenants.models import Department, Tenant
from tenants.presets import (
    Preset,
    PresetCategory,
    PresetCause,
    PresetDay,
    PresetRoute,
    load_preset,
)

from .models import CalendarDay, Category, Cause, RoutingRule
from .states import Priority


def install_categories(tenant: Tenant, categories: Iterable[PresetCategory]) -> list[Category]:
    """Add complaint categories routed to the tenant's departments by code; the caller commits.

    ValueError names a category whose department the tenant does not have.
    """
    with tenant_bound(tenant.id):
        departments = _departments()
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
                    default_priority=Priority(c.default_priority),
                    active=c.active,
                    field_work=c.field_work,
                )
            )
        db.session.add_all(rows)
        db.session.flush()
    return rows


def install_causes(tenant: Tenant, causes: Iterable[PresetCause]) -> list[Cause]:
    """Add causes (原因分类) after the tenant's existing ones; the caller commits."""
    with tenant_bound(tenant.id):
        start = db.session.scalar(sa.select(sa.func.count(Cause.id))) or 0
        rows = [
            Cause(code=c.code, name=c.name, active=c.active, position=start + pos)
            for pos, c in enumerate(causes)
        ]
        db.session.add_all(rows)
        db.session.flush()
    return rows


def install_routes(tenant: Tenant, routes: Iterable[PresetRoute]) -> list[RoutingRule]:
    """Add routing rules after the tenant's existing ones, by department and category code.

    ValueError names a department or category the tenant does not have; the caller commits.
    """
    with tenant_bound(tenant.id):
        departments = _departments()
        categories = dict(db.session.execute(sa.select(Category.code, Category.id)).all())
        start = db.session.scalar(sa.select(sa.func.count(RoutingRule.id))) or 0
        rows = []
        for pos, r in enumerate(routes):
            if r.department not in departments:
                raise ValueError(f"routing rule: no department {r.department!r}")
            if r.category is not None and r.category not in categories:
                raise ValueError(f"routing rule: no category {r.category!r}")
            rows.append(
                RoutingRule(
                    position=start + pos,
                    category_id=categories[r.category] if r.category else None,
                    channel=r.channel,
                    keyword=r.keyword.strip(),
                    location=r.location.strip(),
                    department_id=departments[r.department],
                    active=r.active,
                )
            )
        db.session.add_all(rows)
        db.session.flush()
    return rows


def install_calendar(tenant: Tenant, days: Iterable[PresetDay]) -> list[CalendarDay]:
    """Add the tenant's own closed and working days; the caller commits."""
    with tenant_bound(tenant.id):
        rows = [CalendarDay(day=d.day, working=d.working, note=d.note) for d in days]
        db.session.add_all(rows)
        db.session.flush()
    return rows


def provision(
    slug: str, preset: str | Preset, *, name: str | None = None, origin: str | None = None
) -> Tenant:
    """Create a tenant from a preset (by name) or a configuration file's :class:`Preset`.

    Organisation, departments, catalogue, causes, routing and calendar; the caller commits.
    ``origin`` is what the tenant records as its preset (a file's own name; "custom" when
    a Preset is given without one). KeyError for an unknown preset name, ValueError when the
    slug is taken.
    """
    if isinstance(preset, str):
        origin, preset = preset, load_preset(preset)
    tenant = bootstrap.create_tenant(slug, origin or "custom", preset, name=name)
    install_categories(tenant, preset.categories)
    install_causes(tenant, preset.causes)
    install_routes(tenant, preset.routing)
    install_calendar(tenant, preset.calendar)
    return tenant


def _departments() -> dict[str, int]:
    return dict(db.session.execute(sa.select(Department.code, Department.id)).all())
