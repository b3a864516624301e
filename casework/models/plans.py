"""Handling plans (处理方案) and their approval: every version a case's plan went through."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import orm

from tenants.db import TenantScoped, db, enum_values, utcnow
from tenants.models import User

from ..states import PlanState, RemedyType


class Plan(TenantScoped, db.Model):
    """One version of a case's handling plan (处理方案, MALL-5, PROP-2).

    A revision is a new row with the next version number, so what was returned, with the
    approver's comment, stays readable beside what was approved. ``approval_by`` is the
    approver the policy named when the plan was submitted: "dept_head" (the case
    department's head) or a manager role ("supervisor", "admin"); empty when the policy
    asked for no approval.
    """

    __tablename__ = "plans"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "case_id", "version"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    case_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    version: orm.Mapped[int]
    state: orm.Mapped[PlanState] = orm.mapped_column(
        sa.Enum(PlanState, native_enum=False, length=20, values_callable=enum_values)
    )
    measures: orm.Mapped[str] = orm.mapped_column(sa.Text)  # what will be done
    remedy_type: orm.Mapped[RemedyType | None] = orm.mapped_column(
        sa.Enum(RemedyType, native_enum=False, length=20, values_callable=enum_values)
    )
    remedy_amount: orm.Mapped[Decimal | None] = orm.mapped_column(sa.Numeric(12, 2))
    note: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    drafted_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    drafted_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    submitted_at: orm.Mapped[dt.datetime | None]
    approval_by: orm.Mapped[str] = orm.mapped_column(sa.String(20), default="")
    decided_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: orm.Mapped[dt.datetime | None]
    comment: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")

    drafted_by: orm.Mapped[User | None] = orm.relationship(foreign_keys=[drafted_by_id])
    decided_by: orm.Mapped[User | None] = orm.relationship(foreign_keys=[decided_by_id])
