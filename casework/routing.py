"""Which department a case should go to (MALL-4, ESTATE-2)."""

from __future__ import annotations

import sqlalchemy as sa

from tenants.db import db
from tenants.models import Role, User

from .models import Case, Category, Department


def suggest_department(case: Case) -> Department | None:
    """The department the case's category routes to, if the tenant set one."""
    category = case.category
    return category.department if category is not None else None


def departments() -> list[Department]:
    """The bound tenant's departments, in display order."""
    return list(db.session.scalars(sa.select(Department).order_by(Department.position)))


def categories() -> list[Category]:
    """The bound tenant's categories, in display order."""
    return list(db.session.scalars(sa.select(Category).order_by(Category.position)))


def assignable_handlers(department_id: int | None = None) -> list[User]:
    """Active staff who can be named as handler, optionally of one department."""
    stmt = sa.select(User).where(
        User.active.is_(True), User.role.in_([Role.HANDLER, Role.DEPT_HEAD])
    )
    if department_id is not None:
        stmt = stmt.where(User.department_id == department_id)
    return list(db.session.scalars(stmt.order_by(User.department_id, User.name)))
