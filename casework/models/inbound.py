"""A tenant's mailbox (邮箱收件) and the mails taken from it.

The mailbox row keeps both the connection settings and the reading position: the folder's
UIDVALIDITY and the last UID read. Each mail read leaves one :class:`InboundMail` row, taken
or skipped with its reason, under two unique keys: its place in the folder (UIDVALIDITY,
UID) and the mail itself (its Message-ID, else a digest of its bytes). A job that runs twice,
or again after dying mid-way, or after the server renumbered the folder, meets these keys
and opens no second case.
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy import orm

from tenants.db import TenantScoped, db, enum_values, utcnow


class MailOutcome(enum.StrEnum):
    """What became of one mail read from the mailbox."""

    OPENED = "opened"  # a new case
    ADDED = "added"  # added to the case whose number it carried (a reply)
    SKIPPED = "skipped"  # kept out of the cases, with the reason; still in the mailbox


class Mailbox(TenantScoped, db.Model):
    """One IMAP mailbox per tenant, read by the schedule while enabled."""

    __tablename__ = "mailboxes"
    __table_args__ = (sa.UniqueConstraint("tenant_id"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    host: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
    port: orm.Mapped[int] = orm.mapped_column(default=993)
    # True: TLS from the first byte (IMAPS, port 993); False: STARTTLS on port 143. Never
    # plain text: the password would cross the network readable.
    tls: orm.Mapped[bool] = orm.mapped_column(default=True)
    username: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
    # Sealed with tenants.secrets; never shown back.
    password_sealed: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    folder: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="INBOX")
    enabled: orm.Mapped[bool] = orm.mapped_column(default=False)
    # Where reading stands: UIDs are 32-bit unsigned, beyond PostgreSQL's INTEGER.
    uidvalidity: orm.Mapped[int | None] = orm.mapped_column(sa.BigInteger)
    last_uid: orm.Mapped[int] = orm.mapped_column(sa.BigInteger, default=0)
    # Mail that reached the server before this day is not read: the mailbox's old mail is
    # no complaint handed to us. Set when the mailbox is first enabled (UTC, a day early).
    since: orm.Mapped[dt.date | None]
    polled_at: orm.Mapped[dt.datetime | None]
    last_error: orm.Mapped[str] = orm.mapped_column(sa.String(500), default="")


class InboundMail(TenantScoped, db.Model):
    """One mail read from a mailbox: the case it opened or joined, or why it was skipped."""

    __tablename__ = "inbound_mails"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "mailbox_id", "uidvalidity", "uid"),
        sa.UniqueConstraint("tenant_id", "mailbox_id", "message_key"),
        sa.Index("ix_inbound_mails_recent", "mailbox_id", "id"),  # the settings page's list
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    mailbox_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("mailboxes.id", ondelete="CASCADE")
    )
    uidvalidity: orm.Mapped[int] = orm.mapped_column(sa.BigInteger)
    uid: orm.Mapped[int] = orm.mapped_column(sa.BigInteger)
    # The Message-ID, else "sha256:" and a digest of what was read of the mail.
    message_key: orm.Mapped[str] = orm.mapped_column(sa.String(300))
    outcome: orm.Mapped[MailOutcome] = orm.mapped_column(
        sa.Enum(MailOutcome, native_enum=False, length=10, values_callable=enum_values)
    )
    case_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("cases.id", ondelete="SET NULL")
    )
    sender: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
    subject: orm.Mapped[str] = orm.mapped_column(sa.String(300), default="")
    size: orm.Mapped[int] = orm.mapped_column(default=0)
    reason: orm.Mapped[str] = orm.mapped_column(sa.String(500), default="")
    taken_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
