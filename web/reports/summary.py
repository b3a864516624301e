"""The summary report (统计报告, issue 13) on the dashboard: ask for the period's report,
watch it being built, download it and the past ones.

Thin, as the dossier's routes (web/cases/dossiers.py): who reads the dashboard may ask (403
for other roles, as the dashboard); the report is built by the job
``summary_reports.build`` after commit. A report outside the user's sight (another
tenant's, or another department's for a department head) is the same 404 as a missing one.
"""

from __future__ import annotations

import datetime as dt

from flask import abort, g, make_response, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casework import stats
from casework.models import SummaryReport
from casework.operations import summary_reports

from ..htmx import is_htmx, render
from ..tenancy import staff_required
from . import bp
from .dashboard import picker


def _report(report_id: int) -> SummaryReport:
    row = summary_reports.get_report(report_id, current_user._get_current_object())
    if row is None:
        abort(404)
    return row


def _fragment(row: SummaryReport, status: int = 200):
    """The report's box; once it is settled, its button asks again for the same period."""
    user = current_user._get_current_object()
    end = row.last_day + dt.timedelta(days=1)
    scope = stats.Scope(row.first_day, end, g.tenant.timezone, row.department_id)
    return render(
        "reports/summary.html",
        "reports/_summary.html",
        status,
        report=row,
        reports=summary_reports.recent_reports(user),
        scope=scope,
    )


@bp.post("/dashboard/reports", endpoint="request_report")
@staff_required(*stats.READERS)
def request_report():
    """Ask for the report of the period picked (its query string); its progress follows."""
    user = current_user._get_current_object()
    _form, scope, problem = picker(user)
    if problem:
        abort(400, problem)
    if scope.department_id == -1:  # a head of no department: nothing is theirs to count
        abort(403, _("You belong to no department, so there is no report of yours to ask for."))
    row = summary_reports.request_report(scope, user)
    if is_htmx():
        return _fragment(row)
    return redirect(url_for("reports.summary_report", report_id=row.id), 303)


@bp.get("/dashboard/reports/<int:report_id>", endpoint="summary_report")
@staff_required(*stats.READERS)
def summary_report(report_id: int):
    """How far the report has come (polled by htmx every 2 s until it is done or failed)."""
    return _fragment(_report(report_id))


@bp.get("/dashboard/reports/<int:report_id>.pdf", endpoint="summary_report_pdf")
@staff_required(*stats.READERS)
def summary_report_pdf(report_id: int):
    """The report's PDF once built (202 and its progress until then)."""
    row = _report(report_id)
    if not row.is_done:
        return _fragment(row, 202)
    response = make_response(row.pdf)
    response.headers["Content-Type"] = "application/pdf"
    name = f"report-{row.first_day}-{row.last_day}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
