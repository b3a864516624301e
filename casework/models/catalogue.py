"""What a tenant's complaints are sorted by besides their category: causes and routing rules."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm

from tenants.db import TenantConfig, db
from tenants.models import Department

from .cases import Category


class Cause(TenantConfig, db.Model):
    """A cause a finding may name (原因分类, HOSP-10, POWER-1), counted by the statistics."""

    __tablename__ = "causes"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "code"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    code: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    name: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    position: orm.Mapped[int] = orm.mapped_column(default=0)
    active: orm.Mapped[bool] = orm.mapped_column(default=True, server_default=sa.true())


class RoutingRule(TenantConfig, db.Model):
    """Send a complaint that matches to a department (分派规则, MALL-4, ESTATE-2).

    Rules are tried in ``position`` order and the first whose every given condition holds
    wins; a complaint no rule matches goes where its category routes. At least one condition
    is given, which the domain checks (an empty rule would match everything).
    """

    __tablename__ = "routing_rules"
    __table_args__ = (sa.Index("ix_routing_rules_order", "tenant_id", "position"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    position: orm.Mapped[int] = orm.mapped_column(default=0)
    category_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("categories.id", ondelete="CASCADE")
    )
    # A channel word (casework.states.Channel), or None for any.
    channel: orm.Mapped[str | None] = orm.mapped_column(sa.String(20))
    # Words the description must contain, and the location; empty for any.
    keyword: orm.Mapped[str] = orm.mapped_column(sa.String(100), default="")
    location: orm.Mapped[str] = orm.mapped_column(sa.String(100), default="")
    department_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("departments.id", ondelete="CASCADE")
    )
    active: orm.Mapped[bool] = orm.mapped_column(default=True, server_default=sa.true())

    category: orm.Mapped[Category | None] = orm.relationship()
    department: orm.Mapped[Department] = orm.relationship()
