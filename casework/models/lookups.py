"""What the public status lookup remembers: misses per case number, across addresses."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

from tenants.db import TenantScoped, db, utcnow


class LookupFailures(TenantScoped, db.Model):
    """Recent failed lookups of one case number of one tenant; see casework/access.py.

    Keyed by the number as typed, whether or not such a case exists, so an unknown number
    is counted (and costs) exactly what a real one does.
    """

    __tablename__ = "lookup_failures"

    tenant_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    number: orm.Mapped[str] = orm.mapped_column(sa.String(40), primary_key=True)
    failures: orm.Mapped[int] = orm.mapped_column(default=0)
    last_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
