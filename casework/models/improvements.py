"""Improvement actions (改进措施, PROP-8, MALL-8, HOSP-10) and their append-only history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, orm

from tenants.db import TenantScoped, db, utcnow
from tenants.models import Department, User


class ImprovementAction(TenantScoped, db.Model):
    """What a manager decided to improve, from a figure or a group of cases: who owns it,
    by when, and what came of it. ``filters`` are the queue's query parameters of the group
    it came from, so the group can be reopened and counted again before and after."""

    __tablename__ = "improvement_actions"
    __table_args__ = (
        # The list: open first, nearest due first.
        sa.Index("ix_improvement_actions_list", "tenant_id", "status", "due_on", "id"),
        # The sweep: open actions whose next reminder is due.
        sa.Index("ix_improvement_actions_alert", "next_alert_at"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    title: orm.Mapped[str] = orm.mapped_column(sa.String(300))
    source: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")  # the figure's name
    filters: orm.Mapped[dict[str, Any]] = orm.mapped_column(sa.JSON, default=dict)
    owner_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    department_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("departments.id", ondelete="SET NULL")
    )
    due_on: orm.Mapped[dt.date]
    status: orm.Mapped[str] = orm.mapped_column(sa.String(20), default="open")
    outcome: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    created_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    done_at: orm.Mapped[dt.datetime | None]
    # 1 once the reminder before due went, 2 once the overdue notice went; the sweep moves
    # it only by a compare-and-set, so each goes out once whatever races.
    alert_level: orm.Mapped[int] = orm.mapped_column(default=0)
    next_alert_at: orm.Mapped[dt.datetime | None]

    owner: orm.Mapped[User | None] = orm.relationship(foreign_keys=[owner_id])
    department: orm.Mapped[Department | None] = orm.relationship()


class ImprovementEvent(TenantScoped, db.Model):
    """One change to an improvement action (opened, updated, done, cancelled, reminded).

    Its own table rather than the case history (an action belongs to no one case) or the
    configuration audit (that one is keyed by setting and read as the tenant's log)."""

    __tablename__ = "improvement_events"
    __table_args__ = (sa.Index("ix_improvement_events_action", "tenant_id", "action_id", "id"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    action_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("improvement_actions.id", ondelete="CASCADE")
    )
    at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    actor_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(20))
    changes: orm.Mapped[dict[str, Any]] = orm.mapped_column(sa.JSON, default=dict)

    actor: orm.Mapped[User | None] = orm.relationship()


class AppendOnly(RuntimeError):
    """An improvement event was about to be changed or removed: a bug."""


@event.listens_for(ImprovementEvent, "before_update")
@event.listens_for(ImprovementEvent, "before_delete")
def _refuse(_mapper, _connection, target: ImprovementEvent) -> None:
    raise AppendOnly(f"improvement event {target.id} is append-only")
