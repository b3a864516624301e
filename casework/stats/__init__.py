"""Figures managers act on (统计分析, HOSP-10, CS-3, POWER-4, MALL-8, PROP-8): the dashboard's
queries, and only queries.

Every figure is one function of a :class:`~.scope.Scope` (the bound tenant, a period in the
tenant's timezone, optionally one department) that runs one or a few indexed aggregate
queries (GROUP BY, COUNT, SUM) and returns plain rows; no case row is loaded into Python. The
``reports`` blueprint renders them; an export, a PDF report or the API can call the same ones.
Revisit rates are :mod:`casework.revisit_stats`'s; here satisfaction is counted simply.
"""

from __future__ import annotations

from .cases import CaseLine, overdue_cases, unsatisfied_cases
from .outcomes import Outcomes, Satisfaction, aspects, outcomes, satisfaction
from .scope import READERS, Period, Scope, may_see, own_department
from .targets import Against, against, set_targets, set_weights, stage_against
from .timeliness import StageTimes, overdue_now, timeliness
from .volumes import Count, HotSpot, Repeats, Trend, hot_spots, repeats, trend, volumes

__all__ = [
    "READERS",
    "Against",
    "against",
    "own_department",
    "set_targets",
    "set_weights",
    "stage_against",
    "CaseLine",
    "Count",
    "HotSpot",
    "Outcomes",
    "Period",
    "Repeats",
    "Satisfaction",
    "Scope",
    "StageTimes",
    "Trend",
    "aspects",
    "hot_spots",
    "may_see",
    "outcomes",
    "overdue_cases",
    "overdue_now",
    "repeats",
    "satisfaction",
    "timeliness",
    "trend",
    "unsatisfied_cases",
    "volumes",
]
