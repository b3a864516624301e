"""The case lifecycle's tables. Every one is tenant-scoped."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from tenants.db import TenantConfig, TenantScoped, db, enum_values, utcnow
from tenants.models import Department, Tenant, User
from tenants.settings import Unit

from .states import (
    Channel,
    ContactMethod,
    EventKind,
    NotificationKind,
    Priority,
    Stage,
    Status,
)


class Category(TenantConfig, db.Model):
    """A kind of complaint, routed by default to one department (MALL-3, MALL-4)."""

    __tablename__ = "categories"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "code"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    code: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    name: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    department_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("departments.id", ondelete="SET NULL")
    )
    position: orm.Mapped[int] = orm.mapped_column(default=0)

    department: orm.Mapped[Department | None] = orm.relationship()


class Case(TenantScoped, db.Model):
    """One complaint (投诉件) from intake to archive."""

    __tablename__ = "cases"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "number"),
        # The queue: newest first within a status, keyset-paginated on (created_at, id).
        sa.Index("ix_cases_queue", "tenant_id", "status", "created_at", "id"),
        sa.Index("ix_cases_tenant_created", "tenant_id", "created_at", "id"),
        sa.Index("ix_cases_due", "tenant_id", "reply_due_at"),
        sa.Index("ix_cases_next_due", "tenant_id", "next_due_at"),
        sa.Index("ix_cases_department", "tenant_id", "department_id", "status"),
        sa.Index("ix_cases_handler", "tenant_id", "handler_id", "status"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    number: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    access_code: orm.Mapped[str] = orm.mapped_column(sa.String(16))
    status: orm.Mapped[Status] = orm.mapped_column(
        sa.Enum(Status, native_enum=False, length=20, values_callable=enum_values),
        default=Status.ACCEPTED,
    )
    channel: orm.Mapped[Channel] = orm.mapped_column(
        sa.Enum(Channel, native_enum=False, length=20, values_callable=enum_values)
    )
    category_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("categories.id", ondelete="SET NULL")
    )
    department_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("departments.id", ondelete="SET NULL")
    )
    handler_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    priority: orm.Mapped[Priority] = orm.mapped_column(
        sa.Enum(Priority, native_enum=False, length=20, values_callable=enum_values),
        default=Priority.NORMAL,
    )
    under_supervision: orm.Mapped[bool] = orm.mapped_column(default=False)
    paused_at: orm.Mapped[dt.datetime | None]  # waiting for the complainant: clocks stopped
    description: orm.Mapped[str] = orm.mapped_column(sa.Text)
    location: orm.Mapped[str] = orm.mapped_column(sa.String(300), default="")
    occurred_at: orm.Mapped[dt.datetime | None]

    complainant_name: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    complainant_phone: orm.Mapped[str] = orm.mapped_column(sa.String(40), default="")
    complainant_email: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
    preferred_contact: orm.Mapped[ContactMethod] = orm.mapped_column(
        sa.Enum(ContactMethod, native_enum=False, length=20, values_callable=enum_values),
        default=ContactMethod.PHONE,
    )

    # When the complaint reached the organisation (a letter's arrival, a mail's receipt); the
    # acceptance time limit (CO-2: 24 hours; petitions: 15 days) runs from here to accepted_at.
    received_at: orm.Mapped[dt.datetime | None]
    accepted_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    accepted_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    accepted_by_label: orm.Mapped[str] = orm.mapped_column(sa.String(100), default="")
    accepted_by_contact: orm.Mapped[str] = orm.mapped_column(sa.String(100), default="")
    reply_due_at: orm.Mapped[dt.datetime | None]
    # The earliest open stage deadline and its "due soon" point, for the queue's badges.
    next_due_at: orm.Mapped[dt.datetime | None]
    due_soon_at: orm.Mapped[dt.datetime | None]
    dispatched_at: orm.Mapped[dt.datetime | None]
    result_at: orm.Mapped[dt.datetime | None]
    result_sent_at: orm.Mapped[dt.datetime | None]
    closed_at: orm.Mapped[dt.datetime | None]

    # A repeat complaint (重复投诉, CITY-6, PROP-12) points at the earlier case it repeats.
    repeat_of_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("cases.id", ondelete="SET NULL"), index=True
    )

    result_text: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    remedy_text: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    satisfaction: orm.Mapped[int | None]

    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    updated_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow, onupdate=utcnow)

    tenant: orm.Mapped[Tenant] = orm.relationship()
    category: orm.Mapped[Category | None] = orm.relationship()
    department: orm.Mapped[Department | None] = orm.relationship()
    handler: orm.Mapped[User | None] = orm.relationship(foreign_keys=[handler_id])
    accepted_by: orm.Mapped[User | None] = orm.relationship(foreign_keys=[accepted_by_id])
    repeat_of: orm.Mapped[Case | None] = orm.relationship(remote_side=[id])
    events: orm.Mapped[list[CaseEvent]] = orm.relationship(
        back_populates="case", order_by="CaseEvent.id", lazy="select"
    )

    @property
    def summary(self) -> str:
        """The first line or so of the description, for lists and letters."""
        text = " ".join(self.description.split())
        return text if len(text) <= 80 else text[:79] + "…"

    @property
    def is_archived(self) -> bool:
        """Closed cases are read-only (CO-7, MALL-7)."""
        return self.status == Status.CLOSED


class CaseEvent(TenantScoped, db.Model):
    """One entry of a case's append-only history: who, when, what, before and after."""

    __tablename__ = "case_events"
    __table_args__ = (sa.Index("ix_case_events_case", "tenant_id", "case_id", "id"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    case_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    actor_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    actor_label: orm.Mapped[str] = orm.mapped_column(sa.String(100), default="")
    kind: orm.Mapped[EventKind] = orm.mapped_column(
        sa.Enum(EventKind, native_enum=False, length=40, values_callable=enum_values)
    )
    public: orm.Mapped[bool] = orm.mapped_column(default=False)
    body: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    changes: orm.Mapped[dict[str, Any]] = orm.mapped_column(sa.JSON, default=dict)

    case: orm.Mapped[Case] = orm.relationship(back_populates="events")


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


class Notification(TenantScoped, db.Model):
    """An in-app notice for one staff member (the bell in the desk)."""

    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_user", "tenant_id", "user_id", "read_at"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    user_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    case_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE")
    )
    alert_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("alerts.id", ondelete="CASCADE")
    )
    oversight_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("oversights.id", ondelete="CASCADE")
    )
    kind: orm.Mapped[NotificationKind] = orm.mapped_column(
        sa.Enum(NotificationKind, native_enum=False, length=20, values_callable=enum_values)
    )
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    read_at: orm.Mapped[dt.datetime | None]


class CalendarDay(TenantConfig, db.Model):
    """A tenant's own closed or working day, overriding the official schedule."""

    __tablename__ = "calendar_days"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "day"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    day: orm.Mapped[dt.date]
    working: orm.Mapped[bool]
    note: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")


class Revisit(TenantScoped, db.Model):
    """One attempt to revisit the complainant after the result (回访, CO-7)."""

    __tablename__ = "revisits"
    __table_args__ = (sa.Index("ix_revisits_case", "tenant_id", "case_id"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    case_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    method: orm.Mapped[ContactMethod] = orm.mapped_column(
        sa.Enum(ContactMethod, native_enum=False, length=20, values_callable=enum_values)
    )
    reached: orm.Mapped[bool]
    satisfaction: orm.Mapped[int | None]
    comments: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)


class Attachment(TenantScoped, db.Model):
    """A file the complainant or staff attached to a case."""

    __tablename__ = "attachments"
    __table_args__ = (sa.Index("ix_attachments_case", "tenant_id", "case_id"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    case_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    filename: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    content_type: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    size: orm.Mapped[int]
    data: orm.Mapped[bytes] = orm.mapped_column(sa.LargeBinary, deferred=True)
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)


class Letter(TenantScoped, db.Model):
    """A rendered letter (受理确认函, result letter). One of each kind per case."""

    __tablename__ = "letters"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "case_id", "kind"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    case_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(20))
    pdf: orm.Mapped[bytes] = orm.mapped_column(sa.LargeBinary, deferred=True)
    size: orm.Mapped[int]
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)


class Message(TenantScoped, db.Model):
    """An email to a complainant or staff member; also the mail log when no SMTP is set.

    ``dedupe_key`` is unique per tenant: a retried or duplicated job that tries to send the
    same message again hits the constraint and sends nothing.
    """

    __tablename__ = "messages"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "dedupe_key"),
        sa.Index("ix_messages_created", "tenant_id", "created_at"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    dedupe_key: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    case_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("cases.id", ondelete="SET NULL")
    )
    to: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    subject: orm.Mapped[str] = orm.mapped_column(sa.String(300))
    body: orm.Mapped[str] = orm.mapped_column(sa.Text)
    letter_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("letters.id", ondelete="SET NULL")
    )
    status: orm.Mapped[str] = orm.mapped_column(sa.String(20), default="sending")
    error: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    sent_at: orm.Mapped[dt.datetime | None]


class PendingJob(TenantScoped, db.Model):
    """The durable record of after-commit work (the outbox).

    Written in the same transaction as the change that asks for it, so the work survives a
    Redis outage; the dispatcher enqueues it after commit and a sweep re-drives what is left.
    """

    __tablename__ = "pending_jobs"
    __table_args__ = (sa.Index("ix_pending_jobs_open", "done_at", "created_at"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    name: orm.Mapped[str] = orm.mapped_column(sa.String(80))
    args: orm.Mapped[dict[str, Any]] = orm.mapped_column(sa.JSON, default=dict)
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    enqueued_at: orm.Mapped[dt.datetime | None]  # last handed over by the redrive
    done_at: orm.Mapped[dt.datetime | None]
    attempts: orm.Mapped[int] = orm.mapped_column(default=0)
    last_error: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")


class CaseCounter(TenantScoped, db.Model):
    """Per-tenant, per-day sequence behind case numbers; see numbering.py."""

    __tablename__ = "case_counters"

    tenant_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    day: orm.Mapped[str] = orm.mapped_column(sa.String(8), primary_key=True)
    value: orm.Mapped[int] = orm.mapped_column(default=0)
