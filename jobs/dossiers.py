"""Building the case dossier (案卷, MALL-7, HOSP-8): section by section, then one PDF.

The job re-reads the case, builds each section's plain values (:mod:`casework.dossier`),
committing its progress after each so the case page can show it, renders
templates/letters/dossier.html through :mod:`jobs.pdf` and stores the bytes on the row.
It is idempotent: a dossier already done is left as it is, and the bytes are written only
while the row is not done, so a retried or duplicated job never builds twice over or
clobbers a finished PDF. A render that fails marks the row failed with the error; asking
again queues it anew.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale

from casework import access, dossier
from casework.errors import NotFound
from casework.models import Dossier
from casework.states import DossierState
from tenants.db import db, utcnow

from . import pdf
from .runtime import job

log = logging.getLogger(__name__)


def _update(dossier_id: int, **values) -> None:
    """Write the row's progress in a transaction of its own, unless it is done already."""
    db.session.execute(
        sa.update(Dossier)
        .where(Dossier.id == dossier_id, Dossier.state != DossierState.DONE)
        .values(**values)
    )
    db.session.commit()


def render(row: Dossier, progress=None) -> bytes:
    """The dossier's PDF, built from the case as it is now; ``progress(n)`` per section."""
    case = access.get_case(row.case_id)
    tenant = case.tenant
    with force_locale(tenant.locale):
        context = dossier.context(
            tenant,
            case,
            masked=row.masked,
            requested_by=row.requested_by_label,
            requested_at=row.requested_at,
            progress=progress,
        )
        html = render_template("letters/dossier.html", dossier=context)
    return pdf.render_pdf(html)


@job("dossiers.build")
def build(dossier_id: int) -> None:
    """Build the dossier ``dossier_id`` once."""
    row = db.session.get(Dossier, dossier_id)
    if row is None:
        raise NotFound()
    if row.state == DossierState.DONE:
        return
    total = len(dossier.SECTIONS) + 1
    _update(dossier_id, state=DossierState.BUILDING, sections_done=0, sections_total=total)
    try:
        data = render(row, lambda done: _update(dossier_id, sections_done=done))
    except NotFound:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure is the row's, told on the page
        db.session.rollback()
        log.exception("dossier %s could not be built", dossier_id)
        _update(
            dossier_id,
            state=DossierState.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=utcnow(),
        )
        return
    _update(
        dossier_id,
        state=DossierState.DONE,
        sections_done=total,
        pdf=data,
        size=len(data),
        error="",
        finished_at=utcnow(),
    )
