"""Revisits (回访, CO-7, PROP-1..12): the revisit planned for a case, each attempt at it, and
the sample draws that chose which work orders are revisited.

A :class:`Revisit` is the promise: this case is revisited by this date, by this method, by
this person. Each call, visit or answered questionnaire is a :class:`RevisitAttempt` on it,
so "no answer, no answer, reached" keeps all three. A :class:`SampleDraw` records one
period's draw (PROP-10) for an auditor: how many orders there were, the seed, which were
picked and under which row of the sampling table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from tenants.db import TenantScoped, db, enum_values, utcnow
from tenants.models import User

from ..states import CallOutcome, CaseKind, ContactMethod, Occasion, RevisitStatus
from .cases import Case


def _enum(kind: type, length: int = 20) -> sa.Enum:
    return sa.Enum(kind, native_enum=False, length=length, values_callable=enum_values)


class Revisit(TenantScoped, db.Model):
    """One revisit a case is due (回访): when, how, by whom, and what the person answered."""

    __tablename__ = "revisits"
    __table_args__ = (
        sa.Index("ix_revisits_case", "tenant_id", "case_id"),
        # The revisit queues: what is planned, by due date, for everyone or one revisitor.
        sa.Index("ix_revisits_due", "tenant_id", "status", "due_at", "id"),
        sa.Index("ix_revisits_assignee", "tenant_id", "assignee_id", "status", "due_at"),
        # The register and the rates over a period, by the day the revisit was done.
        sa.Index("ix_revisits_done", "tenant_id", "done_at"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    case_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    occasion: orm.Mapped[Occasion] = orm.mapped_column(_enum(Occasion))
    status: orm.Mapped[RevisitStatus] = orm.mapped_column(
        _enum(RevisitStatus), default=RevisitStatus.PLANNED
    )
    method: orm.Mapped[ContactMethod] = orm.mapped_column(_enum(ContactMethod))
    # From when it may be made (a mid-contract revisit waits for the midpoint) and by when.
    due_from: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    due_at: orm.Mapped[dt.datetime]
    assignee_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # Attempts made, and when to try again after "no answer".
    attempts: orm.Mapped[int] = orm.mapped_column(default=0)
    retry_at: orm.Mapped[dt.datetime | None]
    # A home visit (上门回访, CS-2): when and where; the visitor is the assignee.
    visit_at: orm.Mapped[dt.datetime | None]
    visit_address: orm.Mapped[str] = orm.mapped_column(sa.String(300), default="")
    # The sample draw that picked it, for a work order revisited by sampling (PROP-10).
    draw_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("sample_draws.id", ondelete="SET NULL")
    )
    # The questionnaire's link (CS-2): when it was last sent; a link answers once.
    link_sent_at: orm.Mapped[dt.datetime | None]

    # The answers: the overall score, whether the problem is solved, the per-aspect scores
    # and the tenant's own questions by key, and what the person said.
    satisfaction: orm.Mapped[int | None]
    solved: orm.Mapped[bool | None]
    answers: orm.Mapped[dict[str, Any]] = orm.mapped_column(sa.JSON, default=dict)
    comments: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    done_at: orm.Mapped[dt.datetime | None]
    done_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    # PROP-7: a question the revisitor could not answer, passed to management, the date the
    # person was promised an answer by, and the answer once given.
    question: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    answer_by: orm.Mapped[dt.date | None]
    answer: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    answered_at: orm.Mapped[dt.datetime | None]

    created_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)

    case: orm.Mapped[Case] = orm.relationship()
    assignee: orm.Mapped[User | None] = orm.relationship(foreign_keys=[assignee_id])

    @property
    def is_open(self) -> bool:
        """Still to be made."""
        return self.status is RevisitStatus.PLANNED


class RevisitAttempt(TenantScoped, db.Model):
    """One call, visit or answered questionnaire of a revisit, and what came of it."""

    __tablename__ = "revisit_attempts"
    __table_args__ = (sa.Index("ix_revisit_attempts_revisit", "tenant_id", "revisit_id", "id"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    revisit_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("revisits.id", ondelete="CASCADE")
    )
    case_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    method: orm.Mapped[ContactMethod] = orm.mapped_column(_enum(ContactMethod))
    outcome: orm.Mapped[CallOutcome] = orm.mapped_column(_enum(CallOutcome))
    note: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)

    @property
    def reached(self) -> bool:
        """The person answered: on the phone, at the door or through the link."""
        return self.outcome in (CallOutcome.REACHED, CallOutcome.ANSWERED_ONLINE)


class SampleDraw(TenantScoped, db.Model):
    """One period's draw of the work orders to revisit (抽样, PROP-10), kept for the audit.

    The draw is reproducible: the same population (sorted case ids) and the same ``seed``
    give the same ``picked``, so an auditor can redo it; ``band`` is the sampling row used.
    """

    __tablename__ = "sample_draws"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "kind", "period_start"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    kind: orm.Mapped[CaseKind] = orm.mapped_column(_enum(CaseKind))
    period_start: orm.Mapped[dt.date]
    period_end: orm.Mapped[dt.date]  # the first day after the period
    population: orm.Mapped[int]
    size: orm.Mapped[int]
    seed: orm.Mapped[str] = orm.mapped_column(sa.String(64))
    band: orm.Mapped[dict[str, Any]] = orm.mapped_column(sa.JSON, default=dict)
    # The picked cases' ids and numbers, in the order drawn.
    picked: orm.Mapped[list[Any]] = orm.mapped_column(sa.JSON, default=list)
    drawn_at: orm.Mapped[dt.datetime] = orm.mapped_column(default=utcnow)
    # Who drew it from the revisit page; None when the periodic job did.
    drawn_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
