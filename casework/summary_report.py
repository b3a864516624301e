"""What the summary report (统计报告, issue 13) prints, as plain values: the cover, the key
figures against the tenant's floors, the volume and trend charts, the top causes and
categories, and the cases overdue now and unsatisfied, by number only.

The renderer never sees an ORM object (as for letters and dossiers). Call :func:`context`
in the tenant's locale: labels and headings are read as strings here. No personal data
reaches it: figures, names of categories, causes and departments, and case numbers.
Improvement actions (整改措施) join as one more part once their model exists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from tenants.models import Tenant

from . import catalog, charts, labels, routing, stats
from .letters import logo_data_uri
from .states import Channel

TOP = 10  # the causes and categories printed


def _percent(figure: stats.Against) -> str:
    return "–" if figure.percent is None else f"{figure.percent}%"


def _floor(figure: stats.Against) -> str:
    if figure.floor is None:
        return "–"
    return f"{figure.floor}%"


def _verdict(figure: stats.Against) -> str:
    if figure.met is None:
        return "–"
    return str(_l("met") if figure.met else _l("below"))


def _figure(name: object, figure: stats.Against) -> list[str]:
    return [str(name), _percent(figure), _floor(figure), _verdict(figure)]


def context(
    tenant: Tenant, scope: stats.Scope, requested_at: dt.datetime, font: str
) -> dict[str, Any]:
    """The whole report of ``scope`` as plain values (strings, numbers, chart markup); the
    charts' text set in ``font``, the PDF's family stack."""
    categories = {c.id: c.name for c in routing.categories(tenant)}
    departments = {d.id: d.name for d in routing.department_entries(tenant)}
    causes = {c.id: c.name for c in catalog.causes(tenant)}
    none = gettext("None given")

    def named(names: dict[int, str], key: int | None) -> str:
        return names.get(key, "—") if key is not None else none

    by_category = [
        charts.Bar(named(categories, c.key), c.cases) for c in stats.volumes(scope, "category")
    ]
    by_channel = [
        charts.Bar(labels.label(Channel(c.key)), c.cases) for c in stats.volumes(scope, "channel")
    ]
    by_department = [
        charts.Bar(named(departments, c.key), c.cases) for c in stats.volumes(scope, "department")
    ]
    by_cause = [charts.Bar(named(causes, c.key), c.cases) for c in stats.volumes(scope, "cause")]
    trend = stats.trend(scope)
    result = stats.outcomes(scope)
    satisfied_from = tenant.config.revisiting.satisfied_from
    sat = stats.satisfaction(scope, satisfied_from)
    figures = [
        _figure(labels.label(t.stage), stats.stage_against(tenant, t.stage, t.share))
        for t in stats.timeliness(scope)
    ]
    figures += [
        _figure(_l("First-contact resolution"), stats.against(
            tenant, "first_contact", result.first_contact_share)),
        _figure(_l("Satisfied"), stats.against(tenant, "satisfaction", sat.share)),
        _figure(_l("Found valid or partly valid"), stats.Against(result.valid_share, None)),
        _figure(_l("Reopened"), stats.Against(result.reopened_share, None)),
    ]  # fmt: skip

    def lines(rows: list[stats.CaseLine]) -> list[list[str]]:
        return [
            [r.number, named(categories, r.category_id), named(departments, r.department_id),
             str(r.figure)]
            for r in rows
        ]  # fmt: skip

    department = departments.get(scope.department_id) if scope.department_id else None
    desc = gettext("Complaints received in the period.")

    def printed(chart):
        return charts.for_print(chart, tenant.primary_color, font)

    return {
        "tenant_name": tenant.name,
        "letterhead": tenant.letterhead,
        "primary_color": tenant.primary_color,
        "logo_image": logo_data_uri(tenant),
        "locale": tenant.locale,
        "first_day": scope.start.isoformat(),
        "last_day": scope.last_day.isoformat(),
        "department": department or gettext("All departments"),
        "requested_at": requested_at.strftime("%Y-%m-%d"),
        "counts": [
            [gettext("Complaints received"), result.cases],
            [gettext("Answered at once"), result.answered_at_once],
            [gettext("Reopened"), result.reopened],
            [gettext("Revisits with a score"), sat.scored],
            [gettext("Overdue now"), stats.overdue_now(scope)],
        ],
        "figures": figures,
        "charts": [
            printed(charts.bars("chart-category", gettext("By category"), desc, by_category)),
            printed(charts.bars("chart-channel", gettext("By channel"), desc, by_channel)),
            printed(charts.bars("chart-department", gettext("By department"), desc, by_department)),
        ],
        "trend_chart": printed(
            charts.line(
                "chart-trend",
                gettext("Trend"),
                gettext("This period beside the same period a year before."),
                [p[0] for p in trend.points],
                [
                    charts.Series(gettext("This period"), [p[1] for p in trend.points], "now"),
                    charts.Series(gettext("A year before"), [p[2] for p in trend.points], "before"),
                ],
            )
        ),
        "top_causes": [[b.label, b.value] for b in by_cause[:TOP]],
        "top_categories": [[b.label, b.value] for b in by_category[:TOP]],
        "overdue": lines(stats.overdue_cases(scope)),
        "unsatisfied": lines(stats.unsatisfied_cases(scope, satisfied_from)),
    }
