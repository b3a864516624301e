"""Reads about one case: its history, files, revisits, orders and requests.

The verbs change things and these only read; the case page, the portal, jobs and the guards
that decide which actions are open all read through here, each through one query.
"""

from __future__ import annotations

import sqlalchemy as sa

from tenants.db import db

from .models import (
    Assist,
    Attachment,
    Case,
    CaseEvent,
    CaseMember,
    Extension,
    Plan,
    Rectification,
    RepeatContact,
    Revisit,
    RevisitAttempt,
)
from .states import EventKind, RevisitStatus


def events(case: Case, *, public_only: bool = False) -> list[CaseEvent]:
    """The case's history, oldest first; only what the complainant may see if asked."""
    stmt = sa.select(CaseEvent).where(CaseEvent.case_id == case.id)
    if public_only:
        stmt = stmt.where(CaseEvent.public.is_(True))
    return list(db.session.scalars(stmt.order_by(CaseEvent.id)))


def returned_by(case: Case) -> set[str]:
    """The units (by name, as then) that returned the case to dispatch (退单)."""
    changes = db.session.scalars(
        sa.select(CaseEvent.changes).where(
            CaseEvent.case_id == case.id, CaseEvent.kind == EventKind.RETURNED
        )
    )
    return {c["department"][0] for c in changes if (c.get("department") or [None])[0]}


def attachments(case: Case) -> list[Attachment]:
    """The case's files, in the order they came (their contents are loaded on demand)."""
    return list(
        db.session.scalars(
            sa.select(Attachment).where(Attachment.case_id == case.id).order_by(Attachment.id)
        )
    )


def attachment(case: Case, attachment_id: int) -> Attachment | None:
    """One of the case's files, or None (also when it belongs to another case)."""
    return db.session.scalars(
        sa.select(Attachment).where(Attachment.id == attachment_id, Attachment.case_id == case.id)
    ).one_or_none()


def revisits(case: Case) -> list[Revisit]:
    """The case's revisits, planned and made, in the order they were planned."""
    return list(
        db.session.scalars(
            sa.select(Revisit).where(Revisit.case_id == case.id).order_by(Revisit.id)
        )
    )


def open_revisit(case: Case) -> Revisit | None:
    """The case's revisit still to be made that is due first, if any."""
    return db.session.scalars(
        sa.select(Revisit)
        .where(Revisit.case_id == case.id, Revisit.status == RevisitStatus.PLANNED)
        .order_by(Revisit.due_at, Revisit.id)
    ).first()


def revisit_attempts(case: Case) -> list[RevisitAttempt]:
    """Every call, visit and answered questionnaire of the case's revisits, oldest first."""
    return list(
        db.session.scalars(
            sa.select(RevisitAttempt)
            .where(RevisitAttempt.case_id == case.id)
            .order_by(RevisitAttempt.id)
        )
    )


def pending_extension(case: Case) -> Extension | None:
    """The extension request waiting for a decision, if any."""
    return db.session.scalars(
        sa.select(Extension).where(Extension.case_id == case.id, Extension.status == "pending")
    ).first()


def rectifications(case: Case) -> list[Rectification]:
    """The case's rectification orders, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Rectification)
            .where(Rectification.case_id == case.id)
            .order_by(Rectification.id)
        )
    )


def open_rectification(case: Case) -> Rectification | None:
    """The case's rectification order not yet reported done, if any."""
    return db.session.scalars(
        sa.select(Rectification).where(
            Rectification.case_id == case.id, Rectification.done_at.is_(None)
        )
    ).first()


def plans(case: Case) -> list[Plan]:
    """Every version of the case's handling plan, oldest first."""
    return list(
        db.session.scalars(sa.select(Plan).where(Plan.case_id == case.id).order_by(Plan.version))
    )


def latest_plan(case: Case) -> Plan | None:
    """The newest version of the case's handling plan, if any."""
    return db.session.scalars(
        sa.select(Plan).where(Plan.case_id == case.id).order_by(Plan.version.desc()).limit(1)
    ).first()


def assists(case: Case) -> list[Assist]:
    """The units asked to assist on the case (协办), oldest first."""
    return list(
        db.session.scalars(sa.select(Assist).where(Assist.case_id == case.id).order_by(Assist.id))
    )


def members(case: Case) -> list[CaseMember]:
    """The case's investigation group (调查组), its lead first."""
    return list(
        db.session.scalars(
            sa.select(CaseMember)
            .where(CaseMember.case_id == case.id)
            .order_by(CaseMember.role, CaseMember.id)
        )
    )


def cases_by_id(case_ids) -> dict[int, Case]:
    """The bound tenant's cases among ``case_ids``, by id: one query for a list's rows."""
    ids = {i for i in case_ids if i is not None}
    if not ids:
        return {}
    return {c.id: c for c in db.session.scalars(sa.select(Case).where(Case.id.in_(ids)))}


def repeat_contacts(case: Case) -> list[RepeatContact]:
    """The repeat contacts recorded on the case (重复来电, CITY-6), oldest first."""
    return list(
        db.session.scalars(
            sa.select(RepeatContact)
            .where(RepeatContact.case_id == case.id)
            .order_by(RepeatContact.at, RepeatContact.id)
        )
    )


def merged_into(case: Case) -> list[Case]:
    """The cases closed as merged into this one (合并), oldest first."""
    return list(
        db.session.scalars(sa.select(Case).where(Case.merged_into_id == case.id).order_by(Case.id))
    )
