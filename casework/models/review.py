"""The daily review's sign-offs (CITY-7): one per tenant and day of intake."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

from tenants.db import TenantScoped, db, utcnow
from tenants.models import User


class DayReview(TenantScoped, db.Model):
    """A reviewer's "reviewed" for one day of intake (the tenant's local date).

    The unique key is the rule "once per day per tenant": two reviewers signing at the same
    moment meet the constraint, and the second is told the day is signed already.
    """

    __tablename__ = "day_reviews"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "day"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    day: orm.Mapped[dt.date] = orm.mapped_column(sa.Date)
    by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # The reviewer's name at the time, kept when the account is gone.
    by_label: orm.Mapped[str] = orm.mapped_column(sa.String(100), default="")
    at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    note: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")

    by: orm.Mapped[User | None] = orm.relationship()
