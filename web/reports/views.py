"""Report pages: thin, each calls one query of casework.reports and renders its rows."""

from __future__ import annotations

from flask import render_template

from casework import reports, routing
from tenants.models import Role

from ..tenancy import staff_required
from . import bp

STAFF = tuple(Role)


@bp.get("/overdue")
@staff_required(*STAFF)
def overdue():
    """Overdue and due-soon cases per department, each a link into the queue."""
    names = {d.id: d.name for d in routing.departments()}
    board = [(dept, names.get(dept), o, s) for dept, o, s in reports.deadline_board()]
    return render_template("reports/overdue.html", board=board)
