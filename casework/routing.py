"""Which department a case should go to (MALL-4, ESTATE-2)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from tenants.db import db, tenant_cached
from tenants.models import Department, Role, Tenant, User

from .models import Case, Category


def suggest_department(case: Case) -> Department | None:
    """The department the case's category routes to, if the tenant set one."""
    category = case.category
    return category.department if category is not None else None


def departments() -> list[Department]:
    """The bound tenant's departments, in display order."""
    return list(db.session.scalars(sa.select(Department).order_by(Department.position)))


@dataclass(frozen=True)
class CategoryEntry:
    """A category as forms, intake and the deadline policy read it: a plain, shareable copy."""

    id: int
    code: str
    name: str
    department_id: int | None


def categories(tenant: Tenant) -> tuple[CategoryEntry, ...]:
    """The tenant's categories in display order, kept per process until the catalogue changes."""

    def load() -> tuple[CategoryEntry, ...]:
        rows = db.session.execute(
            sa.select(Category.id, Category.code, Category.name, Category.department_id).order_by(
                Category.position, Category.id
            )
        )
        return tuple(CategoryEntry(*row) for row in rows)

    return tenant_cached(tenant, "categories", load)


def category(tenant: Tenant, category_id: int | None) -> CategoryEntry | None:
    """The tenant's category with that id, or None (also for another tenant's id)."""
    return next((c for c in categories(tenant) if c.id == category_id), None)


def assignable_handlers(department_id: int | None = None) -> list[User]:
    """Active staff who can be named as handler, optionally of one department."""
    stmt = sa.select(User).where(
        User.active.is_(True), User.role.in_([Role.HANDLER, Role.DEPT_HEAD])
    )
    if department_id is not None:
        stmt = stmt.where(User.department_id == department_id)
    return list(db.session.scalars(stmt.order_by(User.department_id, User.name)))
