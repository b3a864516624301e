"""Handler assessment (考核, POWER-5): per handler and per department over a period, the
cases named to them, the reply deadlines met, the median handling time, the mean revisit
score, the cases reopened and reported again; a weighted score and a ranking.

Counted like the dashboard, over the same :class:`~.scope.Scope`:
- cases, reopened, repeats: the complaints received in the period (``Scope.cases``) by the
  handler named now, so each count opens the same cases in the queue;
- on time: the reply (答复, ``Stage.RESULT``) deadlines done in the period, through
  ``ix_deadlines_done`` as the dashboard's timeliness;
- handling time: from the dispatch to the result recorded, over the period's complaints
  with a result (the part of the reply limit the handler holds);
- satisfaction: the revisits done in the period (:mod:`casework.revisit_stats`).

Each is one aggregate query grouped by handler or department (the median a few per group
on SQLite, :func:`.sql.percentiles`); the score is worked out here from those rows only.

The score weighs each figure the tenant counts (``TenantSettings.assessment``, 0..10) after
bringing it to 0..1, higher better: the cases against the busiest in the list, the on-time
share, the quickest median against this one, the mean score from 1..5, the share neither
reopened nor reported again. A figure with nothing counted (no revisit yet) is left out of
that handler's score rather than read as zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import sqlalchemy as sa

from tenants.db import db
from tenants.models import Department, Tenant, User
from tenants.targets import WEIGHTED, Weights

from .. import revisit_stats
from ..models import Case, Deadline
from ..states import CaseKind, Stage
from . import sql
from .scope import Scope

# The stage whose deadlines measure a handler's timeliness: the reply to the complainant.
HANDLING_STAGE = Stage.RESULT


@dataclass(frozen=True)
class Figures:
    """One handler's or department's figures over the period, their score and rank."""

    key: int  # the user's or the department's id
    name: str
    cases: int = 0
    reopened: int = 0
    repeated: int = 0
    deadlines: int = 0  # reply deadlines done in the period
    on_time: int = 0  # of them, met
    median: float | None = None  # seconds from dispatch to result
    answered: int = 0  # revisits that reached the person
    mean: float | None = None  # their mean score, 1..5
    score: float | None = None  # 0..100, None when no counted figure has a value
    rank: int | None = None

    @property
    def on_time_share(self) -> float | None:
        """The share of reply deadlines met."""
        return self.on_time / self.deadlines if self.deadlines else None

    @property
    def reopened_share(self) -> float | None:
        """The share of the cases sent back to handling."""
        return self.reopened / self.cases if self.cases else None

    @property
    def repeated_share(self) -> float | None:
        """The share of the cases reported again."""
        return self.repeated / self.cases if self.cases else None


def weights(tenant: Tenant) -> Weights:
    """The tenant's weights."""
    return tenant.config.assessment


def by_handler(tenant: Tenant, scope: Scope) -> list[Figures]:
    """Every handler with a case, a deadline or a revisit in the scope, ranked."""
    rows = _figures(tenant, scope, Case.handler_id)
    names = _names(User, rows)
    return rank([replace(f, name=names.get(f.key, "")) for f in rows.values()], weights(tenant))


def by_department(tenant: Tenant, scope: Scope) -> list[Figures]:
    """Every department with a case, a deadline or a revisit in the scope, ranked."""
    rows = _figures(tenant, scope, Case.department_id)
    names = _names(Department, rows)
    return rank([replace(f, name=names.get(f.key, "")) for f in rows.values()], weights(tenant))


def of_handler(tenant: Tenant, scope: Scope, user: User) -> tuple[Figures, int]:
    """One handler's figures, ranked among the scope's handlers, and how many there are;
    zeros for a handler with nothing in the period."""
    ranked = by_handler(tenant, scope)
    mine = next((f for f in ranked if f.key == user.id), Figures(user.id, user.name))
    return mine, len(ranked)


def _figures(tenant: Tenant, scope: Scope, group: sa.ColumnElement) -> dict[int, Figures]:
    found: dict[int, dict] = {}

    def put(key: int | None, **values: object) -> None:
        if key is not None:
            found.setdefault(key, {}).update(values)

    cases = db.session.execute(
        sa.select(
            group,
            sa.func.count(),
            sa.func.sum(sa.case((Case.result_round > 0, 1), else_=0)),
            sa.func.sum(sa.case((Case.repeat_count > 0, 1), else_=0)),
        )
        .where(*scope.cases(), group.is_not(None))
        .group_by(group)
    )
    for key, n, reopened, repeated in cases:
        put(key, cases=int(n), reopened=int(reopened or 0), repeated=int(repeated or 0))

    met = sa.func.sum(sa.case((Deadline.done_at <= Deadline.due_at, 1), else_=0))
    deadlines = db.session.execute(
        sa.select(group, sa.func.count(), met)
        .select_from(Deadline)
        .join(Case, Case.id == Deadline.case_id)
        .where(
            Deadline.done_at >= scope.since,
            Deadline.done_at < scope.until,
            Deadline.stage == HANDLING_STAGE,
            Case.kind == CaseKind.COMPLAINT,
            group.is_not(None),
            *scope.unit(),
        )
        .group_by(group)
    )
    for key, n, ok in deadlines:
        put(key, deadlines=int(n), on_time=int(ok or 0))

    took = sql.seconds(Case.dispatched_at, Case.result_at)
    terms = [*scope.cases(), group.is_not(None), Case.result_at >= Case.dispatched_at]
    for key, (median,) in sql.percentiles(took, terms, group, (0.5,)).items():
        put(key, median=median)

    read = revisit_stats.by_handler if group is Case.handler_id else revisit_stats.by_department
    complaints = [Case.kind == CaseKind.COMPLAINT, *scope.unit()]
    for sat in read(tenant, None, scope.since, scope.until, complaints):
        put(sat.key, answered=sat.answered, mean=sat.mean)
    return {key: Figures(key, "", **values) for key, values in found.items()}


def _names(model: type, rows: dict[int, Figures]) -> dict[int, str]:
    if not rows:
        return {}
    stmt = sa.select(model.id, model.name).where(model.id.in_(list(rows)))
    return dict(db.session.execute(stmt).all())


def rank(rows: Iterable[Figures], weights: Weights) -> list[Figures]:
    """The rows scored with ``weights`` and ranked, best first; equal scores share a rank,
    rows without a score come last, unranked."""
    rows = list(rows)
    busiest = max((f.cases for f in rows), default=0)
    quickest = min((f.median for f in rows if f.median is not None), default=None)
    scored = [replace(f, score=_score(f, weights, busiest, quickest)) for f in rows]
    scored.sort(key=lambda f: (f.score is None, -(f.score or 0), -f.cases, f.name, f.key))
    out: list[Figures] = []
    for i, f in enumerate(scored):
        if f.score is None:
            out.append(f)
        elif out and out[-1].score is not None and round(out[-1].score, 6) == round(f.score, 6):
            out.append(replace(f, rank=out[-1].rank))
        else:
            out.append(replace(f, rank=i + 1))
    return out


def parts(f: Figures, busiest: int, quickest: float | None) -> dict[str, float | None]:
    """Each figure of ``f`` brought to 0..1, higher better (None: nothing counted)."""
    if f.median is None or quickest is None:
        quick = None
    else:
        quick = 1.0 if f.median <= 0 else min(quickest / f.median, 1.0)
    return {
        "cases": f.cases / busiest if busiest else None,
        "on_time": f.on_time_share,
        "handling_time": quick,
        "satisfaction": (f.mean - 1) / 4 if f.mean is not None else None,
        "reopened": 1 - f.reopened_share if f.reopened_share is not None else None,
        "repeats": 1 - f.repeated_share if f.repeated_share is not None else None,
    }


def _score(f: Figures, weights: Weights, busiest: int, quickest: float | None) -> float | None:
    values = parts(f, busiest, quickest)
    counted = [(weights.weight(n), values[n]) for n in WEIGHTED if weights.weight(n)]
    counted = [(w, v) for w, v in counted if v is not None]
    total = sum(w for w, _v in counted)
    if not total:
        return None
    return round(100 * sum(w * v for w, v in counted) / total, 1)
