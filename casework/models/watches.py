"""Watches of important repairs (重点维修跟踪, PROP-11): a roof leak or a wall crack repaired
is watched for its effect, inspected now and then by a named person, with its own record.

A :class:`RepairWatch` is the promise: this case is inspected by this person every so many
days until the watch is closed, with the reason it closed. Each visit is a
:class:`WatchInspection`: the day, by whom, what was found and a note. The next inspection
falls due ``interval_days`` after the last one (or after the watch began).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

from tenants.db import TenantScoped, db, enum_values, utcnow
from tenants.models import User

from ..states import WatchFinding
from .cases import Case


class RepairWatch(TenantScoped, db.Model):
    """One case under watch (跟踪回访): its inspector, its interval and the next day due."""

    __tablename__ = "repair_watches"
    __table_args__ = (
        sa.Index("ix_repair_watches_case", "tenant_id", "case_id"),
        # The watch list: open watches by the day their next inspection is due, everyone's
        # or one inspector's.
        sa.Index("ix_repair_watches_due", "tenant_id", "is_open", "next_due_on", "id"),
        sa.Index(
            "ix_repair_watches_inspector", "tenant_id", "inspector_id", "is_open", "next_due_on"
        ),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    case_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    inspector_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    interval_days: orm.Mapped[int]
    # What is watched and why: "屋面防水修补后观察雨季效果".
    subject: orm.Mapped[str] = orm.mapped_column(sa.String(300))
    # The tenant's calendar day the next inspection is due by.
    next_due_on: orm.Mapped[dt.date]
    is_open: orm.Mapped[bool] = orm.mapped_column(default=True)
    inspections: orm.Mapped[int] = orm.mapped_column(default=0)
    started_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    started_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    closed_at: orm.Mapped[dt.datetime | None]
    closed_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    close_reason: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")

    case: orm.Mapped[Case] = orm.relationship()
    inspector: orm.Mapped[User | None] = orm.relationship(foreign_keys=[inspector_id])


class WatchInspection(TenantScoped, db.Model):
    """One inspection of a watched repair: the day, by whom, what was found, a note."""

    __tablename__ = "watch_inspections"
    __table_args__ = (sa.Index("ix_watch_inspections_watch", "tenant_id", "watch_id", "id"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    watch_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("repair_watches.id", ondelete="CASCADE")
    )
    case_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    inspected_on: orm.Mapped[dt.date]
    by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    finding: orm.Mapped[WatchFinding] = orm.mapped_column(
        sa.Enum(WatchFinding, native_enum=False, length=20, values_callable=enum_values)
    )
    note: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)

    by: orm.Mapped[User | None] = orm.relationship()
