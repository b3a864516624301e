"""Timeliness per stage (办理时效): the share of each stage's deadlines met, the median and
90th-percentile time it took, and what is overdue now.

Read from the deadlines table: each stage a case went through has a row with when it started,
when it was due and when it was done, so "accepted within 24 hours", "dispatched in time",
"answered within the reply limit" and "revisited in time" are one question per stage.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from tenants.db import db

from ..models import Case, Deadline
from ..states import Stage, Status
from . import sql
from .scope import Scope


@dataclass(frozen=True)
class StageTimes:
    """One stage over the period: deadlines done in it, how many of them in time, and the
    median and 90th percentile of the time taken (seconds)."""

    stage: Stage
    done: int
    on_time: int
    median: float | None
    p90: float | None

    @property
    def share(self) -> float | None:
        """The share done in time, 0..1, or None when none was done."""
        return self.on_time / self.done if self.done else None


def _terms(scope: Scope) -> list:
    terms = [Deadline.done_at >= scope.since, Deadline.done_at < scope.until]
    if scope.department_id:
        terms.append(Deadline.case_id.in_(sa.select(Case.id).where(*scope.unit())))
    return terms


def timeliness(scope: Scope) -> list[StageTimes]:
    """Per stage, the deadlines done in the period (through ``ix_deadlines_done``), in the
    stages' order; stages with none are left out."""
    terms = _terms(scope)
    met = sa.func.sum(sa.case((Deadline.done_at <= Deadline.due_at, 1), else_=0))
    counts = db.session.execute(
        sa.select(Deadline.stage, sa.func.count(), met).where(*terms).group_by(Deadline.stage)
    ).all()
    took = sql.seconds(Deadline.started_at, Deadline.done_at)
    ranks = sql.percentiles(took, terms, Deadline.stage, (0.5, 0.9))
    found = {Stage(stage): (int(n), int(m or 0)) for stage, n, m in counts}
    ranked = {Stage(k): v for k, v in ranks.items()}
    return [
        StageTimes(stage, *found[stage], *ranked.get(stage, (None, None)))
        for stage in Stage
        if stage in found
    ]


def overdue_now(scope: Scope) -> int:
    """Open complaints past a running stage's deadline now, whenever they came in (the
    queue's "overdue" filter: ``ix_cases_next_due``)."""
    return int(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Case)
            .where(Case.next_due_at < scope.at, Case.status != Status.CLOSED, *scope.unit())
        )
        or 0
    )
