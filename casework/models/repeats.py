"""Repeat contacts (重复来电, CITY-6): every further call about a case, recorded on it in full."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

from tenants.db import TenantScoped, db, enum_values, utcnow
from tenants.models import User

from ..states import Channel
from .cases import Case


class RepeatContact(TenantScoped, db.Model):
    """One more contact about a case already open (or recently closed): kept on that case.

    CITY-6 wants the problem entered once but every call recorded in detail: when, by which
    channel, who took it, who called and what they said. A case merged into another leaves
    one of these on the survivor too (``from_case_id``), its complaint as it was made. The
    caller's phone is personal data: staff read it through :mod:`casework.privacy`.
    """

    __tablename__ = "repeat_contacts"
    __table_args__ = (
        sa.Index("ix_repeat_contacts_case", "tenant_id", "case_id", "id"),
        # Statistics over a period (repeats per day, per channel).
        sa.Index("ix_repeat_contacts_at", "tenant_id", "at"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    case_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    channel: orm.Mapped[Channel] = orm.mapped_column(
        sa.Enum(Channel, native_enum=False, length=20, values_callable=enum_values)
    )
    taken_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    taken_by_label: orm.Mapped[str] = orm.mapped_column(sa.String(100), default="")
    caller_name: orm.Mapped[str] = orm.mapped_column(sa.String(100), default="")
    caller_phone: orm.Mapped[str] = orm.mapped_column(sa.String(40), default="")
    said: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    # The caller says the defect the case was about is still there (PROP-12).
    defect: orm.Mapped[bool] = orm.mapped_column(default=False)
    # The case merged into this one that this contact stands for, if any.
    from_case_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("cases.id", ondelete="SET NULL")
    )

    taken_by: orm.Mapped[User | None] = orm.relationship()
    from_case: orm.Mapped[Case | None] = orm.relationship(foreign_keys=[from_case_id])
