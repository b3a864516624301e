"""An uploaded file of service records (派工单导出) kept between its preview and its import.

The file is stored here, tenant-scoped, so the confirm step names only its id: the browser
never sends the rows back, and another tenant's id is a 404 like any other row. The row
stays after the import as the record of what was imported, by whom and when.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

from tenants.db import TenantScoped, db, utcnow


class ServiceImport(TenantScoped, db.Model):
    """One uploaded CSV or XLSX of service records, previewed and then imported once."""

    __tablename__ = "service_imports"
    __table_args__ = (sa.Index("ix_service_imports_list", "tenant_id", "created_at"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    filename: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    # The bytes as uploaded, and their SHA-256: the preview and the import read the same file.
    data: orm.Mapped[bytes] = orm.mapped_column(sa.LargeBinary, deferred=True)
    digest: orm.Mapped[str] = orm.mapped_column(sa.String(64))
    # The kind (casework.states.CaseKind) of rows that name none, chosen at the upload.
    default_kind: orm.Mapped[str] = orm.mapped_column(sa.String(20))
    uploaded_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    # Set by the import: how many rows were saved, skipped as already imported, refused.
    imported_at: orm.Mapped[dt.datetime | None]
    saved: orm.Mapped[int] = orm.mapped_column(default=0)
    skipped: orm.Mapped[int] = orm.mapped_column(default=0)
    refused: orm.Mapped[int] = orm.mapped_column(default=0)
