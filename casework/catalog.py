"""Setting up a tenant from a preset: its departments, categories and first staff."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tenants.db import db, tenant_bound, unscoped
from tenants.models import Role, Tenant, User

from .models import Category, Department

TENANT_FIELDS = (
    "name",
    "primary_color",
    "logo_svg",
    "letterhead",
    "duty_contact_name",
    "duty_contact_phone",
    "case_prefix",
)


def create_tenant(slug: str, preset_name: str, preset: dict[str, Any]) -> Tenant:
    """Create a tenant with the preset's catalogue; the caller commits."""
    with unscoped():
        if db.session.scalar(sa.select(Tenant.id).where(Tenant.slug == slug)) is not None:
            raise ValueError(f"a tenant called {slug!r} exists already")
    tenant = Tenant(
        slug=slug,
        preset=preset_name,
        locale="zh_CN",
        timezone="Asia/Shanghai",
        settings=dict(preset.get("settings", {})),
        **{f: preset[f] for f in TENANT_FIELDS},
    )
    db.session.add(tenant)
    db.session.flush()
    with tenant_bound(tenant.id):
        by_code: dict[str, Department] = {}
        for pos, (code, name) in enumerate(preset["departments"]):
            by_code[code] = Department(code=code, name=name, position=pos)
            db.session.add(by_code[code])
        for pos, (code, name, dept) in enumerate(preset["categories"]):
            db.session.add(
                Category(code=code, name=name, department=by_code.get(dept), position=pos)
            )
        db.session.flush()
    return tenant


def add_user(
    tenant: Tenant,
    username: str,
    name: str,
    role: Role,
    password: str,
    department_code: str | None = None,
    *,
    email: str = "",
    phone: str = "",
    hash_method: str = "scrypt",
) -> User:
    """Add a staff member to the tenant; the caller commits."""
    with tenant_bound(tenant.id):
        department_id = None
        if department_code:
            department_id = db.session.scalar(
                sa.select(Department.id).where(Department.code == department_code)
            )
        user = User(
            tenant_id=tenant.id,
            username=username,
            name=name,
            role=Role(role),
            department_id=department_id,
            email=email,
            phone=phone,
        )
        user.set_password(password, method=hash_method)
        db.session.add(user)
        db.session.flush()
    return user
