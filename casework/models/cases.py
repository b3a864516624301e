"""A case (投诉件) and what belongs to it alone: its category, history, files and the counter
behind its number. Its revisits are in :mod:`.revisits`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import orm

from tenants.db import TenantConfig, TenantScoped, db, enum_values, utcnow
from tenants.models import Department, Tenant, User

if TYPE_CHECKING:
    from .catalogue import Cause

from ..states import (
    TEXT_FOR_THE_COMPLAINANT,
    AttachmentSource,
    CaseKind,
    Channel,
    Closure,
    ContactMethod,
    EventKind,
    Finding,
    Priority,
    RemedyType,
    Status,
)


class Category(TenantConfig, db.Model):
    """A kind of complaint, routed by default to one department (MALL-3, MALL-4)."""

    __tablename__ = "categories"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "code"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    code: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    name: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    department_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("departments.id", ondelete="SET NULL")
    )
    position: orm.Mapped[int] = orm.mapped_column(default=0)
    # The priority a new case of this kind starts with.
    default_priority: orm.Mapped[Priority] = orm.mapped_column(
        sa.Enum(Priority, native_enum=False, length=20, values_callable=enum_values),
        default=Priority.NORMAL,
        server_default=Priority.NORMAL.value,
    )
    # Deactivated rather than deleted: cases keep pointing at it; intake no longer offers it.
    active: orm.Mapped[bool] = orm.mapped_column(default=True, server_default=sa.true())
    # Its cases need field work (CITY-4, CITY-8): the handler records reaching the scene,
    # within the policy's on-site limit from being named.
    field_work: orm.Mapped[bool] = orm.mapped_column(default=False, server_default=sa.false())

    department: orm.Mapped[Department | None] = orm.relationship()


class Case(TenantScoped, db.Model):
    """One complaint (投诉件) from intake to archive."""

    __tablename__ = "cases"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "number"),
        # The queue: newest first within a status, keyset-paginated on (created_at, id).
        sa.Index("ix_cases_queue", "tenant_id", "status", "created_at", "id"),
        sa.Index("ix_cases_tenant_created", "tenant_id", "created_at", "id"),
        sa.Index("ix_cases_due", "tenant_id", "reply_due_at"),
        sa.Index("ix_cases_next_due", "tenant_id", "next_due_at"),
        sa.Index("ix_cases_department", "tenant_id", "department_id", "status"),
        sa.Index("ix_cases_handler", "tenant_id", "handler_id", "status"),
        # The training list (HOSP-12): teaching cases, newest first.
        sa.Index("ix_cases_teaching", "tenant_id", "teaching", "id"),
        # The few restricted cases, which sight() keeps from everyone but the named managers.
        sa.Index("ix_cases_restricted", "tenant_id", "restricted"),
        # The caller's earlier cases, listed as the clerk types the number (phone intake).
        sa.Index("ix_cases_phone", "tenant_id", "complainant_phone", "created_at"),
        # Cases answered at intake (CITY-3, PROP-1), which statistics count apart.
        sa.Index("ix_cases_answered", "tenant_id", "answered_at_once", "created_at"),
        # Repeat contacts (CITY-6): intake's matches by the same place and category within the
        # tenant's repeat window (by phone, ix_cases_phone above serves them too).
        sa.Index("ix_cases_place", "tenant_id", "category_id", "location", "created_at"),
        # A period's work orders, by the day they were completed, for the sample draw (PROP-10).
        sa.Index("ix_cases_kind_done", "tenant_id", "kind", "result_at"),
        # An imported service record is found again by its number in the source system, and
        # recorded once: importing the same order again finds it (complaints have none).
        sa.Index(
            "ux_cases_source_ref",
            "tenant_id",
            "source_ref",
            unique=True,
            sqlite_where=sa.text("source_ref <> ''"),
            postgresql_where=sa.text("source_ref <> ''"),
        ),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    number: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    # What the case records (PROP-9, CS-1): a complaint, or a service to revisit (a repair
    # work order, a contracted service, an event...), which is recorded done (``result_at``).
    kind: orm.Mapped[CaseKind] = orm.mapped_column(
        sa.Enum(CaseKind, native_enum=False, length=20, values_callable=enum_values),
        default=CaseKind.COMPLAINT,
        server_default=CaseKind.COMPLAINT.value,
    )
    # A service's number in the system it came from (a maintenance system's work order).
    source_ref: orm.Mapped[str] = orm.mapped_column(sa.String(60), default="", server_default="")
    # A contracted service's term (特约服务): revisited at its midpoint and at its end.
    service_from: orm.Mapped[dt.date | None]
    service_until: orm.Mapped[dt.date | None]
    access_code: orm.Mapped[str] = orm.mapped_column(sa.String(16))
    status: orm.Mapped[Status] = orm.mapped_column(
        sa.Enum(Status, native_enum=False, length=20, values_callable=enum_values),
        default=Status.ACCEPTED,
    )
    channel: orm.Mapped[Channel] = orm.mapped_column(
        sa.Enum(Channel, native_enum=False, length=20, values_callable=enum_values)
    )
    category_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("categories.id", ondelete="SET NULL")
    )
    department_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("departments.id", ondelete="SET NULL")
    )
    handler_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    priority: orm.Mapped[Priority] = orm.mapped_column(
        sa.Enum(Priority, native_enum=False, length=20, values_callable=enum_values),
        default=Priority.NORMAL,
    )
    under_supervision: orm.Mapped[bool] = orm.mapped_column(default=False)
    paused_at: orm.Mapped[dt.datetime | None]  # waiting for the complainant: clocks stopped
    description: orm.Mapped[str] = orm.mapped_column(sa.Text)
    location: orm.Mapped[str] = orm.mapped_column(sa.String(300), default="")
    occurred_at: orm.Mapped[dt.datetime | None]

    complainant_name: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    complainant_phone: orm.Mapped[str] = orm.mapped_column(sa.String(40), default="")
    complainant_email: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
    # Optional: where the complainant lives and their ID number (证件号码), for the cases
    # that need them (a visit, a petition); masked like the phone (casework.privacy).
    complainant_address: orm.Mapped[str] = orm.mapped_column(
        sa.String(300), default="", server_default=""
    )
    complainant_id_number: orm.Mapped[str] = orm.mapped_column(
        sa.String(18), default="", server_default=""
    )
    preferred_contact: orm.Mapped[ContactMethod] = orm.mapped_column(
        sa.Enum(ContactMethod, native_enum=False, length=20, values_callable=enum_values),
        default=ContactMethod.PHONE,
    )
    # The language the complainant used (``zh_CN``, ``en``); empty: the tenant's. Mails and
    # the revisit questionnaire speak it (CS-2: "in the complainant's language").
    complainant_locale: orm.Mapped[str] = orm.mapped_column(
        sa.String(10), default="", server_default=""
    )

    # When the complaint reached the organisation (a letter's arrival, a mail's receipt); the
    # acceptance time limit (CO-2: 24 hours; petitions: 15 days) runs from here to accepted_at.
    received_at: orm.Mapped[dt.datetime | None]
    accepted_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    accepted_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    accepted_by_label: orm.Mapped[str] = orm.mapped_column(sa.String(100), default="")
    accepted_by_contact: orm.Mapped[str] = orm.mapped_column(sa.String(100), default="")
    reply_due_at: orm.Mapped[dt.datetime | None]
    # The earliest open stage deadline and its "due soon" point, for the queue's badges.
    next_due_at: orm.Mapped[dt.datetime | None]
    due_soon_at: orm.Mapped[dt.datetime | None]
    dispatched_at: orm.Mapped[dt.datetime | None]
    result_at: orm.Mapped[dt.datetime | None]
    result_sent_at: orm.Mapped[dt.datetime | None]
    closed_at: orm.Mapped[dt.datetime | None]
    # When the handler recorded reaching the scene (到达现场, CITY-8), for field work.
    arrived_at: orm.Mapped[dt.datetime | None]

    # A repeat complaint (重复投诉, CITY-6, PROP-12) points at the earlier case it repeats.
    repeat_of_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("cases.id", ondelete="SET NULL"), index=True
    )
    # How many times the problem was reported again (CITY-6): repeat contacts recorded on the
    # case, later cases marked as its repeat and cases merged into it; for the statistics.
    repeat_count: orm.Mapped[int] = orm.mapped_column(default=0, server_default="0")
    # A case closed as merged (合并) points at the case that goes on; its number finds that one.
    merged_into_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("cases.id", ondelete="SET NULL"), index=True
    )

    result_text: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    remedy_text: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    # What the investigation found (POWER-1), the cause from the tenant's list and why.
    finding: orm.Mapped[Finding | None] = orm.mapped_column(
        sa.Enum(Finding, native_enum=False, length=20, values_callable=enum_values)
    )
    cause_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("causes.id", ondelete="SET NULL")
    )
    cause_analysis: orm.Mapped[str] = orm.mapped_column(sa.Text, default="", server_default="")
    # The remedy's kind, its amount for a refund or compensation, and who approved it: a
    # name as typed (or the handler who recorded it), or the approver of the approved plan.
    remedy_type: orm.Mapped[RemedyType | None] = orm.mapped_column(
        sa.Enum(RemedyType, native_enum=False, length=20, values_callable=enum_values)
    )
    remedy_amount: orm.Mapped[Decimal | None] = orm.mapped_column(sa.Numeric(12, 2))
    remedy_approved_by_label: orm.Mapped[str] = orm.mapped_column(
        sa.String(100), default="", server_default=""
    )
    satisfaction: orm.Mapped[int | None]
    # How the case was closed: revisited, or explained to a complainant not satisfied.
    closure: orm.Mapped[Closure | None] = orm.mapped_column(
        sa.Enum(Closure, native_enum=False, length=20, values_callable=enum_values)
    )
    # Each time the case goes back to handling the next result is a new round: its own
    # result letter and its own mail, the earlier ones kept as they were sent.
    result_round: orm.Mapped[int] = orm.mapped_column(default=0, server_default="0")
    # A teaching case (教学案例, HOSP-12) and the lesson staff training reads from it.
    teaching: orm.Mapped[bool] = orm.mapped_column(default=False, server_default=sa.false())
    lesson: orm.Mapped[str] = orm.mapped_column(sa.Text, default="", server_default="")

    # A restricted case (PROP-3) is seen only by the managers the policy names
    # (``restricted_case_viewers``), never by the staff member it is about: a complaint about a
    # named member of staff (``subject_user_id``), or one a supervisor marked sensitive (a
    # medical dispute) with a reason. See casework.restricted.
    restricted: orm.Mapped[bool] = orm.mapped_column(default=False, server_default=sa.false())
    restricted_reason: orm.Mapped[str] = orm.mapped_column(
        sa.String(500), default="", server_default=""
    )
    subject_user_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # The manager the complaint was made to directly (PROP-4): they handle it and fill the
    # revisit record personally.
    direct_manager_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    # Answered or solved during the call or visit (当场答复, CITY-3, PROP-1): closed at intake.
    # Kept apart from ``closure`` so statistics still count it if the case is reopened.
    answered_at_once: orm.Mapped[bool] = orm.mapped_column(default=False, server_default=sa.false())
    # A case forwarded by a higher office (the city's 12345 hotline, a petition office):
    # its name and its reference number, recorded at intake. Such a case may be returned to
    # it when outside the remit (退回上级, CITY-5); the higher office answers the person.
    forwarded_by: orm.Mapped[str] = orm.mapped_column(sa.String(100), default="", server_default="")
    forwarded_ref: orm.Mapped[str] = orm.mapped_column(sa.String(60), default="", server_default="")

    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    updated_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow, onupdate=utcnow)

    tenant: orm.Mapped[Tenant] = orm.relationship()
    category: orm.Mapped[Category | None] = orm.relationship()
    department: orm.Mapped[Department | None] = orm.relationship()
    handler: orm.Mapped[User | None] = orm.relationship(foreign_keys=[handler_id])
    accepted_by: orm.Mapped[User | None] = orm.relationship(foreign_keys=[accepted_by_id])
    subject_user: orm.Mapped[User | None] = orm.relationship(foreign_keys=[subject_user_id])
    direct_manager: orm.Mapped[User | None] = orm.relationship(foreign_keys=[direct_manager_id])
    repeat_of: orm.Mapped[Case | None] = orm.relationship(
        remote_side=[id], foreign_keys=[repeat_of_id]
    )
    merged_into: orm.Mapped[Case | None] = orm.relationship(
        remote_side=[id], foreign_keys=[merged_into_id]
    )
    cause: orm.Mapped[Cause | None] = orm.relationship()
    events: orm.Mapped[list[CaseEvent]] = orm.relationship(
        back_populates="case", order_by="CaseEvent.id", lazy="select"
    )

    @property
    def summary(self) -> str:
        """The first line or so of the description, for lists and letters."""
        text = " ".join(self.description.split())
        return text if len(text) <= 80 else text[:79] + "…"

    @property
    def is_archived(self) -> bool:
        """Closed cases are read-only (CO-7, MALL-7)."""
        return self.status == Status.CLOSED


class CaseEvent(TenantScoped, db.Model):
    """One entry of a case's append-only history: who, when, what, before and after."""

    __tablename__ = "case_events"
    __table_args__ = (sa.Index("ix_case_events_case", "tenant_id", "case_id", "id"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    case_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    actor_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    actor_label: orm.Mapped[str] = orm.mapped_column(sa.String(100), default="")
    kind: orm.Mapped[EventKind] = orm.mapped_column(
        sa.Enum(EventKind, native_enum=False, length=40, values_callable=enum_values)
    )
    public: orm.Mapped[bool] = orm.mapped_column(default=False)
    body: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    changes: orm.Mapped[dict[str, Any]] = orm.mapped_column(sa.JSON, default=dict)

    case: orm.Mapped[Case] = orm.relationship(back_populates="events")

    @property
    def public_text(self) -> str:
        """The entry's text as the complainant may read it: empty unless written for them.

        ``public`` says the complainant sees that the event happened; its text reaches them
        only when it was written for them (see ``TEXT_FOR_THE_COMPLAINANT``), so a dispatch
        note on a public "dispatched" entry stays with the staff, old entries included.
        """
        if self.public and self.kind in TEXT_FOR_THE_COMPLAINANT:
            return self.body
        return ""


class Attachment(TenantScoped, db.Model):
    """A file the complainant or staff attached to a case."""

    __tablename__ = "attachments"
    __table_args__ = (sa.Index("ix_attachments_case", "tenant_id", "case_id"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    case_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    filename: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    content_type: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    size: orm.Mapped[int]
    data: orm.Mapped[bytes] = orm.mapped_column(sa.LargeBinary, deferred=True)
    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    # Which step brought it, and the member of staff who added it (none: the complainant).
    source: orm.Mapped[AttachmentSource] = orm.mapped_column(
        sa.Enum(AttachmentSource, native_enum=False, length=20, values_callable=enum_values),
        default=AttachmentSource.INTAKE,
        server_default=AttachmentSource.INTAKE.value,
    )
    added_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    added_by: orm.Mapped[User | None] = orm.relationship()

    @property
    def is_image(self) -> bool:
        """Whether the case page shows it as a picture (served only if its bytes agree)."""
        from ..uploads import is_inline  # uploads reads the tenant's settings, not models

        return is_inline(self.content_type)


class CaseCounter(TenantScoped, db.Model):
    """The sequence behind case numbers, one per tenant and number stem; see numbering.py.

    The stem is the number up to its sequence ("CG20261201-"), so however the tenant's
    pattern changes, two numbers that could read alike share one counter.
    """

    __tablename__ = "case_counters"

    tenant_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    stem: orm.Mapped[str] = orm.mapped_column(sa.String(40), primary_key=True)
    value: orm.Mapped[int] = orm.mapped_column(default=0)
