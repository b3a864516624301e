"""What handling came to: findings (share found valid), remedies and compensation paid,
rectifications open and overdue, first-contact resolution (一次办结率) and reopened cases,
and satisfaction from the revisits made in the period."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa

from tenants.db import db

from ..models import Case, Deadline, Rectification, Revisit
from ..states import Finding, RemedyType, RevisitStatus
from .scope import Scope


@dataclass(frozen=True)
class Outcomes:
    """The period's complaints by what became of them."""

    cases: int
    findings: dict[Finding, int] = field(default_factory=dict)
    remedies: dict[RemedyType, tuple[int, Decimal]] = field(default_factory=dict)
    answered_at_once: int = 0  # first-contact resolution (当场答复, CITY-3)
    reopened: int = 0  # sent back to handling at least once (result_round > 0)
    rectifications_open: int = 0  # now, whenever ordered
    rectifications_overdue: int = 0

    @property
    def found(self) -> int:
        """Complaints with a finding recorded."""
        return sum(self.findings.values())

    @property
    def valid_share(self) -> float | None:
        """Share of the findings that were valid or partly valid."""
        valid = self.findings.get(Finding.VALID, 0) + self.findings.get(Finding.PARTLY_VALID, 0)
        return valid / self.found if self.found else None

    @property
    def first_contact_share(self) -> float | None:
        """Share of the period's complaints answered at once."""
        return self.answered_at_once / self.cases if self.cases else None

    @property
    def reopened_share(self) -> float | None:
        """Share of the period's complaints sent back to handling."""
        return self.reopened / self.cases if self.cases else None

    @property
    def paid(self) -> Decimal:
        """Refunds and compensation together."""
        return sum((amount for _n, amount in self.remedies.values()), Decimal("0"))


def outcomes(scope: Scope) -> Outcomes:
    """Four aggregate queries: totals, findings, remedies, open rectifications."""
    terms = scope.cases()
    once = sa.func.sum(sa.case((Case.answered_at_once.is_(True), 1), else_=0))
    again = sa.func.sum(sa.case((Case.result_round > 0, 1), else_=0))
    cases, answered, reopened = db.session.execute(
        sa.select(sa.func.count(), once, again).where(*terms)
    ).one()
    findings = db.session.execute(
        sa.select(Case.finding, sa.func.count())
        .where(*terms, Case.finding.is_not(None))
        .group_by(Case.finding)
    ).all()
    remedies = db.session.execute(
        sa.select(
            Case.remedy_type, sa.func.count(), sa.func.coalesce(sa.func.sum(Case.remedy_amount), 0)
        )
        .where(*terms, Case.remedy_type.is_not(None))
        .group_by(Case.remedy_type)
    ).all()
    late = sa.func.sum(sa.case((Deadline.due_at < scope.at, 1), else_=0))
    rect = sa.select(sa.func.count(Rectification.id), late).outerjoin(
        Deadline, Deadline.id == Rectification.deadline_id
    )
    rect = rect.where(Rectification.done_at.is_(None))
    if scope.department_id:
        rect = rect.where(Rectification.department_id == scope.department_id)
    open_, overdue = db.session.execute(rect).one()
    return Outcomes(
        cases=int(cases),
        findings={Finding(f): int(n) for f, n in findings},
        remedies={RemedyType(t): (int(n), Decimal(str(a))) for t, n, a in remedies},
        answered_at_once=int(answered or 0),
        reopened=int(reopened or 0),
        rectifications_open=int(open_ or 0),
        rectifications_overdue=int(overdue or 0),
    )


@dataclass(frozen=True)
class Satisfaction:
    """The revisits made in the period that gave a score (1..5)."""

    scored: int
    satisfied: int  # scores at or above the tenant's "satisfied from"
    total: int  # the scores added up, for the mean

    @property
    def mean(self) -> float | None:
        """The mean score, or None with no score."""
        return self.total / self.scored if self.scored else None

    @property
    def share(self) -> float | None:
        """The share satisfied, 0..1 (the figure a satisfaction target is set on)."""
        return self.satisfied / self.scored if self.scored else None


def satisfaction(scope: Scope, satisfied_from: int) -> Satisfaction:
    """Scores of the revisits done in the period (``ix_revisits_done``), in the unit."""
    ok = sa.func.sum(sa.case((Revisit.satisfaction >= satisfied_from, 1), else_=0))
    stmt = sa.select(
        sa.func.count(Revisit.satisfaction), ok, sa.func.sum(Revisit.satisfaction)
    ).where(
        Revisit.done_at >= scope.since,
        Revisit.done_at < scope.until,
        Revisit.status == RevisitStatus.DONE,
        Revisit.satisfaction.is_not(None),
    )
    if scope.department_id:
        stmt = stmt.join(Case, Case.id == Revisit.case_id).where(*scope.unit())
    scored, good, total = db.session.execute(stmt).one()
    return Satisfaction(int(scored or 0), int(good or 0), int(total or 0))


# The built-in aspects of the questionnaire (casework.questionnaire), scored 1..5.
ASPECTS = ("speed", "attitude", "result")


def aspects(scope: Scope) -> dict[str, tuple[int, float | None]]:
    """Per aspect of the handling (speed, attitude, result): how many revisits done in the
    period scored it and their mean, read from the answers in one aggregate query."""
    columns = []
    for key in ASPECTS:
        score = Revisit.answers[key].as_integer()
        columns += [sa.func.count(score), sa.func.avg(score)]
    stmt = sa.select(*columns).where(
        Revisit.done_at >= scope.since,
        Revisit.done_at < scope.until,
        Revisit.status == RevisitStatus.DONE,
    )
    if scope.department_id:
        stmt = stmt.join(Case, Case.id == Revisit.case_id).where(*scope.unit())
    row = db.session.execute(stmt).one()
    return {
        key: (int(row[2 * i] or 0), float(row[2 * i + 1]) if row[2 * i + 1] is not None else None)
        for i, key in enumerate(ASPECTS)
    }
