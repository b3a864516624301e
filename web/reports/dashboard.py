"""The dashboard (统计看板, HOSP-10, CS-3, POWER-4): the period's figures as tables and
server-drawn charts, each against its floor where the tenant set one, each linking to the
cases behind it in the queue.

Thin: the figures are :mod:`casework.stats`'s; this module reads the period picker, builds
the drill-down links and the charts, and renders one fragment for the page and for htmx.
"""

from __future__ import annotations

from typing import Any

from flask import abort, g, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from casework import catalog, charts, labels, routing, stats
from casework.operations import summary_reports
from casework.states import Channel, Stage

from ..forms import choices, query_id
from ..htmx import render
from ..tenancy import staff_required
from . import bp


class PeriodForm(FlaskForm):
    """The period picker and the department filter; a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    period = SelectField(
        _l("Period"),
        default=stats.Period.LAST_MONTH.value,
        choices=choices(
            [
                (stats.Period.LAST_MONTH.value, _l("Last month")),
                (stats.Period.THIS_MONTH.value, _l("This month")),
                (stats.Period.CUSTOM.value, _l("From … to …")),
            ]
        ),
    )
    first = DateField(_l("From"), validators=[Optional()])
    last = DateField(_l("To"), validators=[Optional()])
    department = SelectField(_l("Department"), default="")


def _reader():
    user = current_user._get_current_object()
    if not stats.may_see(user):
        abort(403, _("Your role does not read the dashboard."))
    return user


def _scope(form: PeriodForm, user) -> tuple[stats.Scope, str | None]:
    """The scope picked, and a message when the custom range could not be read (then the
    default period is shown)."""
    held = stats.own_department(user)
    department = held if held is not None else query_id(request.args.get("department"))
    try:
        period = stats.Period(form.period.data or stats.Period.LAST_MONTH)
    except ValueError:
        period = stats.Period.LAST_MONTH
    try:
        scope = stats.Scope.of(g.tenant, period, form.first.data, form.last.data, department)
        return scope, None
    except ValueError:
        form.period.data = stats.Period.LAST_MONTH.value
        problem = _("Give a first day on or before the last, at most a year apart.")
        return stats.Scope.of(g.tenant, department_id=department), problem


def duration(seconds: float | None) -> str:
    """Seconds as hours, or days from two days on; a dash for none."""
    if seconds is None:
        return "–"
    if seconds >= 48 * 3600:
        return _("%(n)s days", n=f"{seconds / 86400:.1f}")
    return _("%(n)s h", n=f"{seconds / 3600:.1f}")


def picker(user) -> tuple[PeriodForm, stats.Scope, str | None]:
    """The period picker read from the query string, its department choices held to the
    user's own department unless they see all; the scope picked and any message. The
    assessment pages (POWER-5) pick their period with it too."""
    form = PeriodForm(request.args)
    held = stats.own_department(user)
    offered = [d for d in routing.department_entries(g.tenant) if held is None or d.id == held]
    form.department.choices = choices(
        ([("", _("All departments"))] if held is None else [])
        + [(str(d.id), d.name) for d in offered]
    )
    scope, problem = _scope(form, user)
    return form, scope, problem


def _context(user) -> dict[str, Any]:
    form, scope, problem = picker(user)
    departments = routing.department_entries(g.tenant)
    base = {
        "status": "all",
        "kind": "complaint",
        "received_from": scope.start.isoformat(),
        "received_to": scope.last_day.isoformat(),
    }
    if scope.department_id:
        base["department"] = scope.department_id

    def drill(**extra: Any) -> str:
        return url_for("cases.queue", **{**base, **extra})

    names = {
        "category": {c.id: c.name for c in routing.categories(g.tenant)},
        "department": {d.id: d.name for d in departments},
        "cause": {c.id: c.name for c in catalog.causes(g.tenant)},
    }
    volumes = {}
    for by in ("category", "channel", "department", "cause", "location"):
        rows = []
        for count in stats.volumes(scope, by):
            key = count.key
            if by == "channel":
                label = labels.label(Channel(key))
            elif by == "location":
                label = key
            else:
                label = names[by].get(key, "") if key is not None else _("None given")
            link = drill(**{by: key}) if key is not None else None
            rows.append(charts.Bar(label, count.cases, link))
        volumes[by] = rows
    trend = stats.trend(scope)
    days = [p[0] for p in trend.points]
    trend_chart = charts.line(
        "chart-trend",
        _("Complaints received, %(grain)s", grain=GRAINS[trend.grain]),
        _("This period beside the same period a year before."),
        days,
        [
            charts.Series(_("This period"), [p[1] for p in trend.points], "now"),
            charts.Series(_("A year before"), [p[2] for p in trend.points], "before"),
        ],
    )
    times = [
        (t, stats.stage_against(g.tenant, t.stage, t.share), duration(t.median), duration(t.p90))
        for t in stats.timeliness(scope)
    ]
    result = stats.outcomes(scope)
    sat = stats.satisfaction(scope, g.tenant.config.revisiting.satisfied_from)
    return {
        "form": form,
        "scope": scope,
        "problem": problem,
        "volumes": volumes,
        "bar_charts": {
            by: charts.bars(
                f"chart-{by}",
                VOLUME_TITLES[by],
                _("Complaints received in the period; each bar opens its cases."),
                rows,
            )
            for by, rows in volumes.items()
            if by in ("category", "channel", "department")
        },
        "trend": trend,
        "trend_chart": trend_chart,
        "repeats": stats.repeats(scope),
        "hot_spots": [
            (
                h,
                names["category"].get(h.category_id, ""),
                drill(category=h.category_id or "", location=h.location),
            )
            for h in stats.hot_spots(scope)
        ],  # fmt: skip
        "times": times,
        "overdue": stats.overdue_now(scope),
        "outcomes": result,
        "valid": stats.Against(result.valid_share, None),
        "reopened": stats.Against(result.reopened_share, None),
        "first_contact": stats.against(g.tenant, "first_contact", result.first_contact_share),
        "satisfaction": sat,
        "satisfied": stats.against(g.tenant, "satisfaction", sat.share),
        "aspects": stats.aspects(scope),
        "drill": drill,
        "stage_label": lambda s: labels.label(Stage(s)),
        "label": labels.label,
        "aspect_names": {
            "speed": _("Speed"),
            "attitude": _("Staff's attitude"),
            "result": _("Result"),
        },
        "volume_titles": VOLUME_TITLES,
        "report": None,
        "reports": summary_reports.recent_reports(user),
    }


GRAINS = {"day": _l("per day"), "week": _l("per week"), "month": _l("per month")}
VOLUME_TITLES = {
    "category": _l("By category"),
    "channel": _l("By channel"),
    "department": _l("By department"),
    "cause": _l("By cause"),
    "location": _l("By place"),
}


@bp.get("/dashboard", endpoint="dashboard")
@staff_required()
def dashboard():
    """The period's figures; the picker's changes come back as the fragment (htmx)."""
    user = _reader()
    return render("reports/dashboard.html", "reports/_dashboard.html", **_context(user))


@bp.app_template_global("may_see_dashboard")
def may_see_dashboard(user) -> bool:
    """Whether the desk's menu offers the dashboard."""
    return stats.may_see(user)
