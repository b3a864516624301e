"""What leaves the case for people: in-app notices, rendered letters, emails, and the
outbox of work to do after commit."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import orm

from tenants.db import TenantScoped, db, enum_values, utcnow

from ..states import (
    NotificationKind,
)

if TYPE_CHECKING:
    from .improvements import ImprovementAction


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
    # A notice about an improvement action (PROP-8), which belongs to no case.
    improvement_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("improvement_actions.id", ondelete="CASCADE")
    )
    improvement: orm.Mapped[ImprovementAction | None] = orm.relationship()
    kind: orm.Mapped[NotificationKind] = orm.mapped_column(
        sa.Enum(NotificationKind, native_enum=False, length=20, values_callable=enum_values)
    )
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    read_at: orm.Mapped[dt.datetime | None]


class Letter(TenantScoped, db.Model):
    """A rendered letter (受理确认函, result letter). One of each kind per case and round.

    A case sent back to handling (MALL-6) gets a new result in a new round, and with it a
    new result letter; the letters of earlier rounds stay as they were sent.
    """

    __tablename__ = "letters"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "case_id", "kind", "round"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    case_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(20))
    round: orm.Mapped[int] = orm.mapped_column(default=0, server_default="0")
    pdf: orm.Mapped[bytes] = orm.mapped_column(sa.LargeBinary, deferred=True)
    size: orm.Mapped[int]
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)


class Message(TenantScoped, db.Model):
    """An email or text message to a complainant or staff member; also the mail log when no
    SMTP server (or no text gateway) is set.

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
    # "email", or "sms" for a text message (``to`` is then a number in E.164 form): texts
    # go through the same outbox and the same once-per-key claim as mail (jobs.sms).
    channel: orm.Mapped[str] = orm.mapped_column(
        sa.String(10), default="email", server_default="email"
    )


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
