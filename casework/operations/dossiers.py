"""Asking for a case's dossier (案卷, MALL-7, HOSP-8), and who may take it away.

Asking is not a change to the case, so no history entry; but a dossier carries the
complainant's personal data out of the desk, so every request is written to the tenant's
audit log (who, which case, masked or not). The dossier is masked unless the asker holds
the personal-data right (CO-8), and built after commit by the job ``dossiers.build``.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tenants import audit
from tenants.db import db, utcnow
from tenants.models import User

from .. import dossier, outbox, privacy
from ..models import Case, Dossier
from ..states import DossierState

JOB = "dossiers.build"


def _find(case: Case, masked: bool, basis: str) -> Dossier | None:
    return db.session.scalars(
        sa.select(Dossier).where(
            Dossier.case_id == case.id, Dossier.masked == masked, Dossier.basis == basis
        )
    ).one_or_none()


def request_dossier(case: Case, actor: User) -> Dossier:
    """The dossier of the case as it stands, for ``actor``: the one already asked for on
    the same state of the case with the same masking, or a new one queued to be built.

    A dossier that failed is queued again; one done or under way is returned as it is.
    The case must already be in the actor's sight (loaded with ``viewer=actor``).
    """
    masked = not privacy.may_see(actor)
    basis = dossier.basis(case)
    row = _find(case, masked, basis)
    if row is None:
        try:
            with db.session.begin_nested():
                row = Dossier(
                    case_id=case.id,
                    masked=masked,
                    basis=basis,
                    state=DossierState.QUEUED,
                    sections_total=len(dossier.SECTIONS) + 1,  # and the rendering
                    requested_by_id=actor.id,
                    requested_by_label=actor.name,
                    requested_at=utcnow(),
                )
                db.session.add(row)
        except IntegrityError:  # asked for at the same moment elsewhere: that one stands
            row = _find(case, masked, basis)
        else:
            outbox.after_commit(JOB, dossier_id=row.id)
    elif row.state == DossierState.FAILED:
        row.state = DossierState.QUEUED
        row.sections_done = 0
        row.error = ""
        outbox.after_commit(JOB, dossier_id=row.id)
    audit.record(actor, "dossier.requested", case.number, {"after": {"masked": masked}})
    return row


def get_dossier(case: Case, dossier_id: int) -> Dossier | None:
    """The case's dossier ``dossier_id``; None for a dossier of another case."""
    return db.session.scalars(
        sa.select(Dossier).where(Dossier.id == dossier_id, Dossier.case_id == case.id)
    ).one_or_none()


def latest_dossier(case: Case, viewer: User) -> Dossier | None:
    """The newest dossier of the case with the masking ``viewer`` would get (case page)."""
    masked = not privacy.may_see(viewer)
    return db.session.scalars(
        sa.select(Dossier)
        .where(Dossier.case_id == case.id, Dossier.masked == masked)
        .order_by(Dossier.id.desc())
        .limit(1)
    ).one_or_none()


def may_download(row: Dossier, user: User) -> bool:
    """A masked dossier is for anyone who sees the case; an unmasked one only for whoever
    asked for it or holds the personal-data right now."""
    return row.masked or row.requested_by_id == user.id or privacy.may_see(user)
