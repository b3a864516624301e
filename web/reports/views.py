"""Report pages: thin, each calls one query of casework.reports and renders its rows."""

from __future__ import annotations

import datetime as dt

from flask import render_template, request, url_for
from flask_login import current_user

from casework import reports, routing
from tenants.db import utcnow
from tenants.models import Role

from ..forms import query_id
from ..htmx import render
from ..tenancy import staff_required
from . import bp

STAFF = tuple(Role)
RETURNS_DAYS = 30  # the returns (退单) per unit shown beside the board: the last 30 days


@bp.get("/overdue")
@staff_required(*STAFF)
def overdue():
    """Overdue and due-soon cases per department, each a link into the queue."""
    names = {d.id: d.name for d in routing.departments()}
    board = [(dept, names.get(dept), o, s) for dept, o, s in reports.deadline_board()]
    since = utcnow() - dt.timedelta(days=RETURNS_DAYS)
    returned = reports.returns_by_unit(current_user._get_current_object(), since)
    return render_template(
        "reports/overdue.html", board=board, returned=returned, returns_days=RETURNS_DAYS
    )


@bp.get("/teaching")
@staff_required(*STAFF)
def teaching():
    """Teaching cases for staff training (教学案例, HOSP-12): the lessons, newest first."""
    lessons, more = reports.teaching_cases(
        current_user._get_current_object(), query_id(request.args.get("before"))
    )
    return render(
        "reports/teaching.html",
        "reports/_lessons.html" if request.args.get("before") else "reports/_teaching.html",
        lessons=lessons,
        next_url=url_for("reports.teaching", before=more) if more else None,
    )
