"""The case dossier (案卷, MALL-7, HOSP-8): one row per request, with its progress and PDF."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

from tenants.db import TenantScoped, db, enum_values, utcnow

from ..states import DossierState


class Dossier(TenantScoped, db.Model):
    """A dossier asked for by a member of staff, built by a job, masked unless they may see.

    ``basis`` names the state of the case it is built from (its last history entry and last
    change): asking again for the same case, masking and basis finds this row rather than
    building another, so a double click or a second tab builds once, while a request after
    the case changed builds anew. The unique key makes that hold between racing requests.
    """

    __tablename__ = "dossiers"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "case_id", "masked", "basis"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    case_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    masked: orm.Mapped[bool]
    basis: orm.Mapped[str] = orm.mapped_column(sa.String(80))
    state: orm.Mapped[DossierState] = orm.mapped_column(
        sa.Enum(DossierState, native_enum=False, length=20, values_callable=enum_values),
        default=DossierState.QUEUED,
    )
    sections_done: orm.Mapped[int] = orm.mapped_column(default=0)
    sections_total: orm.Mapped[int] = orm.mapped_column(default=0)
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
