"""Building the summary report (统计报告, issue 13): the period's figures, one PDF.

As for the dossier (:mod:`jobs.dossiers`): the job re-reads the row, builds the plain values
(:mod:`casework.summary_report`) in the tenant's language, renders
templates/reports/report_pdf.html through :mod:`jobs.pdf` and stores the bytes on the row.
It is idempotent: a report already done is left as it is and the bytes are written only
while the row is not done, so a retried or duplicated job never builds twice over. A
render that fails marks the row failed with the error.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale

from casework import stats, summary_report
from casework.errors import NotFound
from casework.models import SummaryReport
from casework.states import DossierState
from tenants.db import db, utcnow
from tenants.models import Tenant

from . import fonts, pdf
from .runtime import job

log = logging.getLogger(__name__)


def _update(report_id: int, **values) -> None:
    """Write the row's state in a transaction of its own, unless it is done already."""
    db.session.execute(
        sa.update(SummaryReport)
        .where(SummaryReport.id == report_id, SummaryReport.state != DossierState.DONE)
        .values(**values)
    )
    db.session.commit()


def render(row: SummaryReport) -> bytes:
    """The report's PDF, its figures as they are now."""
    tenant = db.session.get(Tenant, row.tenant_id)
    scope = stats.Scope.of(
        tenant, stats.Period.CUSTOM, row.first_day, row.last_day, row.department_id
    )
    with force_locale(tenant.locale):
        context = summary_report.context(tenant, scope, row.requested_at, fonts.STACK)
        html = render_template("reports/report_pdf.html", report=context)
    return pdf.render_pdf(html)


@job("summary_reports.build")
def build(report_id: int) -> None:
    """Build the summary report ``report_id`` once."""
    row = db.session.get(SummaryReport, report_id)
    if row is None:
        raise NotFound()
    if row.state == DossierState.DONE:
        return
    _update(report_id, state=DossierState.BUILDING)
    try:
        data = render(row)
    except Exception as exc:  # noqa: BLE001 - any failure is the row's, told on the page
        db.session.rollback()
        log.exception("summary report %s could not be built", report_id)
        _update(
            report_id,
            state=DossierState.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=utcnow(),
        )
        return
    _update(
        report_id,
        state=DossierState.DONE,
        pdf=data,
        size=len(data),
        error="",
        finished_at=utcnow(),
    )
