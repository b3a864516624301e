"""Time limits on a case and the acts that move or watch them: deadlines, alerts,
extensions, oversight, rectification orders and the tenant's own calendar days."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

from tenants.db import TenantConfig, TenantScoped, db, enum_values, utcnow
from tenants.models import Department
from tenants.settings import Unit

from ..states import (
    Stage,
)


class Deadline(TenantScoped, db.Model):
    """One stage's time limit on a case: when it started, when it is due, when it was met.

    Computed once from the tenant's policy and calendar when the case enters the stage. Met,
    paused and fully alerted deadlines have no ``next_alert_at``, so the sweep's index holds
    only the ones it may still have to act on.
    """

    __tablename__ = "deadlines"
    __table_args__ = (
        sa.Index("ix_deadlines_case", "tenant_id", "case_id"),
        # The sweep's query: open deadlines whose next alert is due, oldest first.
        sa.Index("ix_deadlines_alert", "next_alert_at"),
        # The dispatch board's follow-up: the open deadlines of one stage, nearest due first.
        sa.Index("ix_deadlines_open_stage", "tenant_id", "stage", "done_at", "due_at"),
        # The dashboard's timeliness: the deadlines done in a period, per stage.
        sa.Index("ix_deadlines_done", "tenant_id", "done_at", "stage"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    case_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    stage: orm.Mapped[Stage] = orm.mapped_column(
        sa.Enum(Stage, native_enum=False, length=20, values_callable=enum_values)
    )
    started_at: orm.Mapped[dt.datetime]
    due_at: orm.Mapped[dt.datetime]
    done_at: orm.Mapped[dt.datetime | None]
    provisional: orm.Mapped[bool] = orm.mapped_column(default=False)
    target: orm.Mapped[str] = orm.mapped_column(sa.String(40), default="")
    # When the sweep should next look at it (the next reminder or escalation), or None.
    next_alert_at: orm.Mapped[dt.datetime | None]
    alert_level: orm.Mapped[int] = orm.mapped_column(default=0)
    # Bumped by each approved extension, so the new due time gets its own round of alerts.
    round: orm.Mapped[int] = orm.mapped_column(default=0)


class Alert(TenantScoped, db.Model):
    """A reminder or escalation sent for one level of one deadline: at most once, ever.

    The unique key is what makes two racing sweeps, a retried job or a second clock harmless.
    """

    __tablename__ = "alerts"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "deadline_id", "round", "level"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    deadline_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("deadlines.id", ondelete="CASCADE")
    )
    case_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    round: orm.Mapped[int] = orm.mapped_column(default=0)
    level: orm.Mapped[int]
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(20))
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)


class Extension(TenantScoped, db.Model):
    """A request for more time (延期申请), decided by the approver the policy names."""

    __tablename__ = "extensions"
    __table_args__ = (sa.Index("ix_extensions_case", "tenant_id", "case_id"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    case_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    deadline_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("deadlines.id", ondelete="CASCADE")
    )
    days: orm.Mapped[int]  # how much more time, counted in ``unit``
    unit: orm.Mapped[Unit] = orm.mapped_column(
        sa.Enum(Unit, native_enum=False, length=20, values_callable=enum_values),
        default=Unit.WORKING_DAYS,
        server_default=Unit.WORKING_DAYS.value,
    )
    reason: orm.Mapped[str] = orm.mapped_column(sa.Text)
    status: orm.Mapped[str] = orm.mapped_column(sa.String(20), default="pending")
    requested_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decision_note: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    decided_at: orm.Mapped[dt.datetime | None]


class Oversight(TenantScoped, db.Model):
    """An urging notice (催办) or a supervision order (督办) on a case, counted per unit."""

    __tablename__ = "oversights"
    __table_args__ = (sa.Index("ix_oversights_case", "tenant_id", "case_id"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    case_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(20))  # "urge" or "supervise"
    department_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("departments.id", ondelete="SET NULL")
    )
    deadline_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("deadlines.id", ondelete="SET NULL")
    )
    note: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)


class Rectification(TenantScoped, db.Model):
    """An order to the department at fault to put things right (整改, CO-6), supervised until
    it reports done; its time limit is the case's rectification deadline."""

    __tablename__ = "rectifications"
    __table_args__ = (
        sa.Index("ix_rectifications_case", "tenant_id", "case_id"),
        sa.Index("ix_rectifications_department", "tenant_id", "department_id", "done_at"),
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
    ordered_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    ordered_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    report: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    done_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    done_at: orm.Mapped[dt.datetime | None]

    department: orm.Mapped[Department | None] = orm.relationship()


class CalendarDay(TenantConfig, db.Model):
    """A tenant's own closed or working day, overriding the official schedule."""

    __tablename__ = "calendar_days"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "day"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    day: orm.Mapped[dt.date]
    working: orm.Mapped[bool]
    note: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
