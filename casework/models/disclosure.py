"""The personal-data access log (个人信息查看记录): who read a complainant's details in full,
when, on which case, why (CO-8)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import event, orm

from tenants.db import TenantScoped, db, utcnow


class PersonalDataAccess(TenantScoped, db.Model):
    """One reveal (查看完整信息) of a case's personal data by a member of staff without the
    right to it. Only ever added: the ORM refuses to change or remove a row.

    The row is the record and also the window: for a short time after it the same person
    reads the same case unmasked (:data:`casework.privacy.REVEAL_MINUTES`).
    """

    __tablename__ = "personal_data_accesses"
    __table_args__ = (
        # The admin's log, newest first, keyset on (at, id).
        sa.Index("ix_personal_data_accesses_log", "tenant_id", "at", "id"),
        # Whether one person's window on a case is open: their newest rows.
        sa.Index("ix_personal_data_accesses_user", "tenant_id", "user_id", "at"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    # Cases are never deleted; the number is kept beside the id so the log reads alone.
    case_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("cases.id", ondelete="SET NULL")
    )
    case_number: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    user_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # The name at the time, kept when the account is gone.
    user_label: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    reason: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    # What the reveal showed: the fields the case holds, comma-separated (phone,email,…).
    fields: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    # Where it was asked: "case" (the case page), "letter" (the acknowledgement letter) or
    # "revisit" (the revisit page, to dial the number).
    page: orm.Mapped[str] = orm.mapped_column(sa.String(40))


class AppendOnly(RuntimeError):
    """An access-log row was about to be changed or removed: a bug."""


@event.listens_for(PersonalDataAccess, "before_update")
@event.listens_for(PersonalDataAccess, "before_delete")
def _refuse(_mapper, _connection, target: PersonalDataAccess) -> None:
    raise AppendOnly(f"personal-data access {target.id} is append-only")
