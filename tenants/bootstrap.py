"""Setting up an organisation: the tenant row, its departments and its staff.

What an organisation *is* lives here; what it handles (its complaint categories) is the
domain's to install (casework/catalog.py), which calls this first.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from .db import db, tenant_bound, unscoped
from .models import Department, Role, Tenant, User
from .presets import DemoUser, Preset, PresetDepartment

BRANDING = (
    "name",
    "primary_color",
    "logo_svg",
    "letterhead",
    "duty_contact_name",
    "duty_contact_phone",
    "case_prefix",
)


def create_tenant(
    slug: str, preset_name: str, preset: Preset, *, name: str | None = None
) -> Tenant:
    """Create a tenant with the preset's branding, settings and departments; the caller commits.

    ValueError when the slug is taken. ``name`` replaces the preset's organisation name.
    """
    with unscoped():
        if db.session.scalar(sa.select(Tenant.id).where(Tenant.slug == slug)) is not None:
            raise ValueError(f"a tenant called {slug!r} exists already")
    branding = {field: getattr(preset, field) for field in BRANDING}
    if name is not None and name != preset.name:
        # The preset's letterhead is its sample organisation's (name, address, hotline): a
        # tenant of another name starts with its own name there until its admin writes more.
        branding["name"] = branding["letterhead"] = name
    tenant = Tenant(
        slug=slug,
        preset=preset_name,
        locale="zh_CN",
        timezone="Asia/Shanghai",
        settings=preset.settings.to_json(),
        **branding,
    )
    db.session.add(tenant)
    db.session.flush()
    add_departments(tenant, preset.departments)
    return tenant


def add_departments(tenant: Tenant, departments: Iterable[PresetDepartment]) -> list[Department]:
    """Add departments after the tenant's existing ones, in the order given; the caller commits."""
    with tenant_bound(tenant.id):
        start = db.session.scalar(sa.select(sa.func.count(Department.id))) or 0
        rows = [
            Department(code=d.code, name=d.name, active=d.active, position=start + pos)
            for pos, d in enumerate(departments)
        ]
        db.session.add_all(rows)
        db.session.flush()
    return rows


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


def add_staff(
    tenant: Tenant,
    users: Iterable[DemoUser],
    password: str,
    mail_domain: str,
    hash_method: str = "scrypt",
) -> dict[str, User]:
    """Add a demo's staff, all with one password, by username; the caller commits."""
    return {
        u.username: add_user(
            tenant,
            u.username,
            u.name,
            u.role,
            password,
            u.department,
            email=f"{u.username}@{mail_domain}",
            phone=f"0571-8600 {1000 + i}",
            hash_method=hash_method,
        )
        for i, u in enumerate(users)
    }
