"""Handler assessment pages (考核, POWER-5): the ranking of handlers and departments over a
period, and one handler's page.

Who reads what follows the dashboard (:func:`casework.stats.may_see`, ``own_department``):
supervisors and admins every handler, a department head their department's handlers (over
the department's cases); a handler their own page only, over every case named to them.
Any other handler's page answers 404, as a case outside sight does, so the address tells
nothing about who exists. The figures are :mod:`casework.stats.assessment`'s; every count
opens its cases in the queue.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import abort, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casework import stats
from casework.stats import assessment
from tenants.db import db
from tenants.models import Role, User
from tenants.targets import WEIGHTED

from ..htmx import render
from ..tenancy import staff_required
from . import bp
from .dashboard import duration, picker

STAFF = tuple(Role)
PERIOD_ARGS = ("period", "first", "last", "department")  # kept on the links between pages


def _labels() -> dict[str, str]:
    return {
        "cases": _("Cases"),
        "on_time": _("Answered in time"),
        "handling_time": _("Median handling time"),
        "satisfaction": _("Mean revisit score"),
        "reopened": _("Reopened"),
        "repeats": _("Reported again"),
    }


def _drill(scope: stats.Scope):
    """A queue link for the period's complaints, narrowed by ``extra``."""
    base: dict[str, Any] = {
        "status": "all",
        "kind": "complaint",
        "received_from": scope.start.isoformat(),
        "received_to": scope.last_day.isoformat(),
    }
    if scope.department_id:
        base["department"] = scope.department_id

    def drill(**extra: Any) -> str:
        return url_for("cases.queue", **{**base, **extra})

    return drill


def _common(form, scope, problem) -> dict[str, Any]:
    weights = assessment.weights(g.tenant)
    return {
        "form": form,
        "scope": scope,
        "problem": problem,
        "drill": _drill(scope),
        "duration": duration,
        "figure_labels": _labels(),
        "counted": [(n, weights.weight(n)) for n in WEIGHTED if weights.weight(n)],
        "period_args": {k: v for k, v in request.args.items() if k in PERIOD_ARGS and v},
        "percent": lambda share: "–" if share is None else f"{share * 100:.1f}%",
    }


@bp.get("/assessment", endpoint="assessment")
@staff_required(*STAFF)
def ranking():
    """Handlers and departments ranked; a handler is sent to their own page."""
    user = current_user._get_current_object()
    if not stats.may_see(user):
        if user.has_role(Role.HANDLER):
            return redirect(url_for("reports.assessment_handler", user_id=user.id), 303)
        abort(403, _("Your role does not read the assessment."))
    form, scope, problem = picker(user)
    return render(
        "reports/assessment.html",
        "reports/_assessment.html",
        handlers=assessment.by_handler(g.tenant, scope),
        departments=assessment.by_department(g.tenant, scope),
        **_common(form, scope, problem),
    )


@bp.get("/assessment/<int:user_id>", endpoint="assessment_handler")
@staff_required(*STAFF)
def handler_page(user_id: int):
    """One handler's figures and place in the ranking: 404 unless it is the reader's own
    page or the reader may see that handler's department."""
    user = current_user._get_current_object()
    person = db.session.get(User, user_id)
    if person is None or not _may_read(user, person):
        abort(404)
    form, scope, problem = picker(user)
    reader = stats.may_see(user)
    if not reader:
        # A handler's own record follows them: every case named to them, wherever they
        # worked then, ranked among all handlers (a head sees their department's part).
        scope = replace(scope, department_id=None)
    mine, among = assessment.of_handler(g.tenant, scope, person)
    return render(
        "reports/assessment_handler.html",
        "reports/_assessment_handler.html",
        person=person,
        mine=mine,
        among=among,
        own=person.id == user.id,
        picker_departments=reader,
        **_common(form, scope, problem),
    )


def _may_read(user: User, person: User) -> bool:
    if person.id == user.id:
        return True
    if not stats.may_see(user):
        return False
    held = stats.own_department(user)
    return held is None or person.department_id == held


@bp.app_template_global("assessment_link")
def assessment_link(user) -> str | None:
    """Where the desk's menu leads for the assessment: the ranking for its readers, a
    handler's own page for a handler, nothing for others."""
    if stats.may_see(user):
        return url_for("reports.assessment")
    if user.has_role(Role.HANDLER):
        return url_for("reports.assessment_handler", user_id=user.id)
    return None
