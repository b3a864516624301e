"""Building the summary report (统计报告, issue 13): the period's figures, one PDF.

As for the dossier (:mod:`jobs.dossiers`): the job re-reads the row, builds the plain values
(:mod:`casework.summary_report`) in the tenant's language, renders
templates/reports/report_pdf.html through :mod:`jobs.pdf` and stores the bytes on the row.
It is idempotent: a report already done is left as it is and the bytes are written only
while the row is not done, so a retried or duplicated job never builds twice over. A
render that fails marks the row failed with the error.

The monthly schedule (:func:`monthly`) asks for last month's report of every tenant that
names recipients, once per tenant and month by the row's unique key; when that report is
done, the job mails it to each recipient once (the mail's dedupe key), also when a retried
job finds the report done already.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from casework import deadlines, stats, summary_report
from casework.errors import NotFound
from casework.models import SummaryReport
from casework.operations import summary_reports
from casework.states import DossierState
from tenants.db import db, tenant_bound, unscoped, utcnow
from tenants.models import Tenant

from . import fonts, notify, pdf
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
        _mail(row)
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
    db.session.expire(row)
    _mail(row)


def _mail(row: SummaryReport) -> None:
    """Mail a scheduled report to the tenant's recipients, each once."""
    if not row.key.startswith(summary_reports.MONTHLY) or row.state != DossierState.DONE:
        return
    tenant = db.session.get(Tenant, row.tenant_id)
    with force_locale(tenant.locale):
        period = f"{row.first_day.isoformat()} – {row.last_day.isoformat()}"
        subject = _("%(org)s: summary report %(period)s", org=tenant.name, period=period)
        body = render_template("emails/summary_report.txt", tenant=tenant, period=period)
    for address in tenant.config.report_recipients:
        notify.send_mail(
            f"summary-report-{row.id}-{hashlib.sha256(address.encode()).hexdigest()[:24]}",
            address,
            subject,
            body,
            filename=f"report-{row.first_day}-{row.last_day}.pdf",
            attachment=row.pdf,
        )


def monthly(now: dt.datetime | None = None) -> int:
    """Ask for last month's report of every active tenant with recipients, once per month;
    the reports asked for. Cheap when there is nothing to do: one read per such tenant."""
    now = now or utcnow()
    with unscoped():
        tenants = db.session.execute(
            sa.select(Tenant.id, Tenant.timezone).where(Tenant.suspended_at.is_(None))
        ).all()
    db.session.rollback()
    asked = 0
    for tenant_id, timezone in tenants:
        with tenant_bound(tenant_id):
            tenant = db.session.get(Tenant, tenant_id)
            if not tenant.config.report_recipients:
                continue
            month = deadlines.local_today(now, timezone).replace(day=1)
            last = (month - dt.timedelta(days=1)).replace(day=1)
            try:
                row = summary_reports.request_monthly(tenant, last)
                db.session.commit()
            except Exception:
                db.session.rollback()
                log.exception("monthly report of tenant %s could not be asked for", tenant_id)
                continue
            asked += row is not None
    return asked
