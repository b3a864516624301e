"""The audit trail of configuration changes: who changed which setting, from what, to what.

A case keeps its own history; this is the tenant's. Time limits, reminders and working days
decide when promises to complainants fall due, so every change to them leaves an event
here. Events are only ever added: the ORM refuses to update or delete one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, orm

from .db import TenantScoped, db, utcnow
from .models import User


class AuditEvent(TenantScoped, db.Model):
    """One configuration change, with the values before and after it."""

    __tablename__ = "audit_events"
    # The log reads newest first, a page at a time, keyset on (at, id).
    __table_args__ = (sa.Index("ix_audit_events_log", "tenant_id", "at", "id"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    actor_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # The name at the time, kept when the account is gone.
    actor_label: orm.Mapped[str] = orm.mapped_column(sa.String(100), default="")
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    subject: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
    # {"before": ..., "after": ...}, plain JSON values.
    changes: orm.Mapped[dict[str, Any]] = orm.mapped_column(sa.JSON, default=dict)


class AppendOnly(RuntimeError):
    """An audit event was about to be changed or removed: a bug."""


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse(_mapper, _connection, target: AuditEvent) -> None:
    raise AppendOnly(f"audit event {target.id} is append-only")


def record(
    actor: User | None,
    kind: str,
    subject: str,
    changes: dict[str, Any],
    *,
    label: str | None = None,
) -> AuditEvent:
    """Add an audit event in the current transaction; None as actor for the system (CLI).

    The event belongs to the actor's tenant, or to the bound tenant when there is no actor.
    ``label`` names an actor who is no user of the tenant (the platform operator).
    """
    row = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_label=label or (actor.name if actor else "system"),
        kind=kind,
        subject=subject,
        changes=changes,
    )
    if actor is not None:
        row.tenant_id = actor.tenant_id
    db.session.add(row)
    return row


# The most one call returns: a page of the log, or a chunk of its CSV export.
MAX_LIMIT = 500


def events(
    *,
    kind: str = "",
    actor_id: int | None = None,
    no_actor: bool = False,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    before: tuple[dt.datetime, int] | None = None,
    limit: int = 50,
) -> list[AuditEvent]:
    """The bound tenant's events, newest first, after the position ``before`` (at, id).

    ``kind`` is a prefix ("user" finds "user.password"); ``actor_id`` one staff member's,
    ``no_actor`` those made by no one of the staff (the system, the platform operator);
    ``since`` inclusive and ``until`` exclusive, naive UTC. At most ``limit`` rows (capped
    at :data:`MAX_LIMIT`): the log is read a page at a time, ``ORDER BY at DESC, id DESC``.
    """
    stmt = sa.select(AuditEvent)
    if kind:
        stmt = stmt.where(AuditEvent.kind.startswith(kind, autoescape=True))
    if actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    elif no_actor:
        stmt = stmt.where(AuditEvent.actor_id.is_(None))
    if since is not None:
        stmt = stmt.where(AuditEvent.at >= since)
    if until is not None:
        stmt = stmt.where(AuditEvent.at < until)
    if before is not None:
        stmt = stmt.where(sa.tuple_(AuditEvent.at, AuditEvent.id) < sa.tuple_(*before))
    stmt = stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    return list(db.session.scalars(stmt.limit(max(1, min(limit, MAX_LIMIT)))))
