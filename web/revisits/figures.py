"""Revisit figures (回访统计, CS-3) on the desk: for a period, the rate against the target per
kind of case, the overdue revisits, and satisfaction per department and per handler; the
numbers come from casework.revisit_stats, one aggregate query each."""

from __future__ import annotations

from flask import g
from flask_login import current_user

from casework import revisit_stats as stats

from ..htmx import render
from ..tenancy import staff_required
from . import bp
from .register import filtered_period
from .views import REVISITORS


@bp.get("/figures")
@staff_required(*REVISITORS)
def figures():
    """The figures for a period (this month by default)."""
    form, period = filtered_period()
    context = {"form": form, "period": period}
    if period is None:
        return render("revisits/figures.html", "revisits/_figures.html", 422, **context)
    tenant = g.tenant
    start, until = period.bounds(tenant.timezone)
    viewer = current_user._get_current_object()
    context.update(
        rates=stats.rates(tenant, viewer, start, until),
        overdue=stats.overdue_total(viewer),
        departments=stats.by_department(tenant, viewer, start, until),
        handlers=stats.by_handler(tenant, viewer, start, until),
    )
    return render("revisits/figures.html", "revisits/_figures.html", **context)
