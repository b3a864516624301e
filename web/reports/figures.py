"""The dashboard's figures as a download (导出统计数据, issue 13): XLSX with one sheet per
group of figures, CSV as one long table (figure, key, value), for the period and department
the dashboard shows.

Counts, shares and times only, the names of categories, departments, causes and places:
no complainant, no case text, no member of staff. The same readers as the dashboard (a
department head their own department), and each download is in the audit log.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from flask import Response, g, request
from flask_babel import gettext as _

from casework import catalog, labels, routing, stats
from casework import exports as case_exports
from casework.states import Channel

from .. import exports
from ..tenancy import staff_required
from . import bp
from .dashboard import GRAINS, VOLUME_TITLES, PeriodForm, _reader, _scope


@dataclass(frozen=True)
class Figure:
    """One value of one figure: its group (the sheet), the figure, the key and the value."""

    group: str
    figure: str
    key: str
    value: object


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


def _against(group: str, figure: str, against: stats.Against) -> Iterator[Figure]:
    yield Figure(group, figure, _("Share (%)"), against.percent)
    if against.floor is not None:
        yield Figure(group, figure, _("Target (%)"), against.floor)


def figures(scope: stats.Scope) -> Iterator[Figure]:
    """Every figure the dashboard shows for ``scope``, in the dashboard's order."""
    tenant = g.tenant
    names = {
        "category": {c.id: c.name for c in routing.categories(tenant)},
        "department": {d.id: d.name for d in routing.department_entries(tenant)},
        "cause": {c.id: c.name for c in catalog.causes(tenant)},
    }
    group = _("Period")
    yield Figure(group, _("Period"), _("From"), scope.start)
    yield Figure(group, _("Period"), _("To"), scope.last_day)
    unit = names["department"].get(scope.department_id) if scope.department_id else None
    yield Figure(group, _("Department"), "", unit or _("All departments"))

    group = _("Volumes")
    for by in ("category", "channel", "department", "cause", "location"):
        for count in stats.volumes(scope, by):
            if by == "channel":
                key = labels.label(Channel(count.key))
            elif by == "location":
                key = count.key
            elif count.key is None:
                key = _("None given")
            else:
                key = names[by].get(count.key, "")
            yield Figure(group, str(VOLUME_TITLES[by]), key, count.cases)

    group, trend = _("Trend"), stats.trend(scope)
    now, before = _("This period"), _("A year before")
    grain = str(GRAINS[trend.grain])
    for day, this, last_year in trend.points:
        yield Figure(group, f"{now} ({grain})", day.isoformat(), this)
        yield Figure(group, f"{before} ({grain})", day.isoformat(), last_year)

    group = _("Timeliness")
    for times in stats.timeliness(scope):
        stage = labels.label(times.stage)
        yield Figure(group, stage, _("Done in the period"), times.done)
        yield from _against(group, stage, stats.stage_against(tenant, times.stage, times.share))
        yield Figure(group, stage, _("Median time (hours)"), _hours(times.median))
        yield Figure(group, stage, _("90th percentile (hours)"), _hours(times.p90))
    yield Figure(group, _("Overdue now"), "", stats.overdue_now(scope))

    yield from _outcomes(scope)

    group, repeats = _("Repeat complaints and hot spots"), stats.repeats(scope)
    yield Figure(group, _("Reported again"), _("Cases"), repeats.repeated)
    yield Figure(group, _("Reported again"), _("Times reported again"), repeats.reports_again)
    yield Figure(group, _("Repeats of an earlier case"), "", repeats.repeats_of_earlier)
    yield Figure(group, _("Repeat calls recorded"), "", repeats.contacts)
    for spot in stats.hot_spots(scope):
        place = f"{spot.location} · {names['category'].get(spot.category_id, '')}"
        yield Figure(group, _("Hot spots"), place, spot.cases)
        yield Figure(group, _("Hot spots reported again"), place, spot.reports_again)

    group = _("Satisfaction")
    sat = stats.satisfaction(scope, tenant.config.revisiting.satisfied_from)
    yield Figure(group, _("Revisits with a score"), "", sat.scored)
    yield Figure(group, _("Satisfied"), _("Revisits"), sat.satisfied)
    yield from _against(group, _("Satisfied"), stats.against(tenant, "satisfaction", sat.share))
    mean = None if sat.mean is None else round(sat.mean, 2)
    yield Figure(group, _("Mean score (of 5)"), "", mean)


def _outcomes(scope: stats.Scope) -> Iterator[Figure]:
    group, result = _("Outcomes"), stats.outcomes(scope)
    yield Figure(group, _("Complaints received"), _("Cases"), result.cases)
    valid = _("Found valid or partly valid")
    yield Figure(group, valid, _("Share (%)"), _percent(result.valid_share))
    for finding, n in result.findings.items():
        yield Figure(group, valid, labels.label(finding), n)
    first = _("First-contact resolution")
    yield Figure(group, first, _("Cases"), result.answered_at_once)
    share = stats.against(g.tenant, "first_contact", result.first_contact_share)
    yield from _against(group, first, share)
    yield Figure(group, _("Reopened"), _("Cases"), result.reopened)
    yield Figure(group, _("Reopened"), _("Share (%)"), _percent(result.reopened_share))
    for kind, (n, amount) in result.remedies.items():
        yield Figure(group, _("Remedies"), labels.label(kind), n)
        if amount:
            yield Figure(group, _("Remedies (¥)"), labels.label(kind), float(amount))
    yield Figure(group, _("Refunds and compensation (¥)"), "", float(result.paid))
    yield Figure(group, _("Rectifications open now"), _("Open"), result.rectifications_open)
    yield Figure(group, _("Rectifications open now"), _("Overdue"), result.rectifications_overdue)


def _download(fmt: str) -> Response:
    user = _reader()
    scope, _problem = _scope(PeriodForm(request.args), user)
    case_exports.record(
        user,
        "figures",
        {
            "format": fmt,
            "period": f"{scope.start.isoformat()} – {scope.last_day.isoformat()}",
            "department": scope.department_id,
        },
    )
    rows = list(figures(scope))
    name = f"{g.tenant.slug}-figures-{scope.start.isoformat()}-{scope.last_day.isoformat()}"
    header = [_("Figure"), _("Item"), _("Value")]
    if fmt == "csv":
        return exports.csv_download(
            f"{name}.csv", header, lambda: iter([[(f.figure, f.key, f.value) for f in rows]])
        )
    groups: dict[str, list[tuple[str, str, object]]] = {}
    for f in rows:
        groups.setdefault(f.group, []).append((f.figure, f.key, f.value))
    sheets = [exports.Sheet(title, header, cells, (34, 30, 14)) for title, cells in groups.items()]
    return exports.xlsx_download(f"{name}.xlsx", sheets)


@bp.get("/dashboard.csv")
@staff_required()
def figures_csv():
    """The dashboard's figures as one long CSV table: figure, key, value."""
    return _download("csv")


@bp.get("/dashboard.xlsx")
@staff_required()
def figures_xlsx():
    """The dashboard's figures as a workbook, one sheet per group of figures."""
    return _download("xlsx")
