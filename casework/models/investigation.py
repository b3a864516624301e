"""Investigation in depth (CO-3, HOSP-5, ESTATE-2): the units asked to assist the lead unit
(协办) and the case's investigation group (调查组)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

from tenants.db import TenantScoped, db, enum_values, utcnow
from tenants.models import Department, User

from ..states import GroupRole


class Assist(TenantScoped, db.Model):
    """One department asked to assist the lead unit (协办), with its own instructions and its
    own deadline (the policy's ``assist`` limit), open until it answers or is withdrawn.

    Like :class:`~casework.models.timing.Rectification`, each row keeps its Deadline, so
    several units assist at once, each reminded and counted on its own.
    """

    __tablename__ = "assists"
    __table_args__ = (
        sa.Index("ix_assists_case", "tenant_id", "case_id"),
        # sight(): the cases a unit assists on.
        sa.Index("ix_assists_department", "tenant_id", "department_id", "case_id"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    case_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    department_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("departments.id", ondelete="SET NULL")
    )
    deadline_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("deadlines.id", ondelete="SET NULL")
    )
    instructions: orm.Mapped[str] = orm.mapped_column(sa.Text)
    asked_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    asked_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    answer: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    answered_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    answered_at: orm.Mapped[dt.datetime | None]
    # Closed unanswered: the lead unit recorded its result without waiting, and why.
    withdrawn_at: orm.Mapped[dt.datetime | None]
    withdrawn_reason: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")

    department: orm.Mapped[Department | None] = orm.relationship()
    answered_by: orm.Mapped[User | None] = orm.relationship(foreign_keys=[answered_by_id])

    @property
    def is_open(self) -> bool:
        """Neither answered nor withdrawn."""
        return self.answered_at is None and self.withdrawn_at is None


class CaseMember(TenantScoped, db.Model):
    """A member of a case's investigation group (调查组, HOSP-5), from any department; one
    of them leads it. Removing a member deletes the row; the history keeps who was in it."""

    __tablename__ = "case_members"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "case_id", "user_id"),
        sa.Index("ix_case_members_user", "tenant_id", "user_id", "case_id"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    case_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    user_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    role: orm.Mapped[GroupRole] = orm.mapped_column(
        sa.Enum(GroupRole, native_enum=False, length=20, values_callable=enum_values),
        default=GroupRole.MEMBER,
    )
    added_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    added_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)

    user: orm.Mapped[User] = orm.relationship(foreign_keys=[user_id])
