"""The summary report (统计报告, issue 13): one row per report asked for, with its PDF."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

from tenants.db import TenantScoped, db, enum_values, utcnow

from ..states import DossierState


class SummaryReport(TenantScoped, db.Model):
    """A period's figures as a PDF, built by the job ``summary_reports.build`` and kept for
    download, as a dossier is.

    It goes through the same states as a dossier (queued, building, done, failed), so it
    reuses :class:`~casework.states.DossierState` and its labels. ``key`` names what was
    asked: a person's request while one for the same period and unit is under way finds
    that one (a double click builds once); the monthly schedule's key is
    ``monthly-YYYY-MM``, unique per tenant, so a second run of the schedule adds nothing.
    """

    __tablename__ = "summary_reports"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "key"),
        sa.Index("ix_summary_reports_tenant_id_id", "tenant_id", "id"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    key: orm.Mapped[str] = orm.mapped_column(sa.String(80))
    first_day: orm.Mapped[dt.date]
    last_day: orm.Mapped[dt.date]
    # None: every department.
    department_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("departments.id", ondelete="SET NULL")
    )
    state: orm.Mapped[DossierState] = orm.mapped_column(
        sa.Enum(DossierState, native_enum=False, length=20, values_callable=enum_values),
        default=DossierState.QUEUED,
    )
    requested_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    requested_by_label: orm.Mapped[str] = orm.mapped_column(sa.String(100), default="")
    requested_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    finished_at: orm.Mapped[dt.datetime | None]
    # Why the build failed, for whoever looks into it; staff see a plain sentence.
    error: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    pdf: orm.Mapped[bytes | None] = orm.mapped_column(sa.LargeBinary, deferred=True)
    size: orm.Mapped[int] = orm.mapped_column(default=0)

    @property
    def is_done(self) -> bool:
        return self.state == DossierState.DONE

    @property
    def is_settled(self) -> bool:
        """Done or failed: nothing more will happen until someone asks again."""
        return self.state in (DossierState.DONE, DossierState.FAILED)
