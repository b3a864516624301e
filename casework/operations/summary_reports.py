"""Asking for a summary report (统计报告, issue 13), and who may read one.

A report holds figures only, no personal data, so asking is neither a case change nor an
audited disclosure. Who reads the dashboard may ask (:func:`casework.stats.may_see`); a
department head held to their own department asks for, lists and downloads that
department's reports only. The report is built after commit by the job
``summary_reports.build``.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tenants import audit
from tenants.db import db, utcnow
from tenants.models import Tenant, User

from .. import outbox, stats
from ..models import SummaryReport
from ..states import DossierState

JOB = "summary_reports.build"
MONTHLY = "monthly-"  # the key's start of a report the monthly schedule asked for
LISTED = 20  # the past reports the dashboard lists, newest first


def _find(key: str) -> SummaryReport | None:
    return db.session.scalars(
        sa.select(SummaryReport).where(SummaryReport.key == key)
    ).one_or_none()


def _add(key: str, scope: stats.Scope, actor: User | None) -> SummaryReport | None:
    """A new queued row under ``key``, or None when the key is taken (a racing request)."""
    try:
        with db.session.begin_nested():
            row = SummaryReport(
                key=key,
                first_day=scope.start,
                last_day=scope.last_day,
                department_id=scope.department_id,
                state=DossierState.QUEUED,
                requested_by_id=actor.id if actor else None,
                requested_by_label=actor.name if actor else "",
                requested_at=utcnow(),
            )
            db.session.add(row)
    except IntegrityError:
        return None
    outbox.after_commit(JOB, report_id=row.id)
    return row


def request_report(scope: stats.Scope, actor: User) -> SummaryReport:
    """The report of ``scope`` for ``actor``: the one under way for the same period and
    unit, or a new one queued. A settled report is not reused, since the figures of "now"
    (overdue, open) move on; a failed one stays for the record and a new one is queued."""
    unit = scope.department_id or "all"
    pending = f"asked-{scope.start}-{scope.last_day}-{unit}"
    row = _find(pending)
    if row is not None and not row.is_settled:
        return row
    if row is not None:  # settled: free the key for the next request
        row.key = f"{pending}-{row.id}"
        db.session.flush()
    return _add(pending, scope, actor) or _find(pending)


def request_monthly(tenant: Tenant, month: dt.date) -> SummaryReport | None:
    """Last month's report for the schedule, once per tenant and month (``month`` is the
    month's first day); None when it was asked for already."""
    scope = stats.Scope.of(tenant, stats.Period.CUSTOM, month, _month_end(month))
    if _find(f"{MONTHLY}{month:%Y-%m}") is not None:
        return None
    return _add(f"{MONTHLY}{month:%Y-%m}", scope, None)


def _month_end(first: dt.date) -> dt.date:
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def _in_sight(user: User):
    held = stats.own_department(user)
    return [] if held is None else [SummaryReport.department_id == held]


def get_report(report_id: int, user: User) -> SummaryReport | None:
    """The report ``report_id`` if ``user`` may read it; None otherwise (a 404)."""
    if not stats.may_see(user):
        return None
    return db.session.scalars(
        sa.select(SummaryReport).where(SummaryReport.id == report_id, *_in_sight(user))
    ).one_or_none()


def recent_reports(user: User) -> list[SummaryReport]:
    """The newest reports ``user`` may read, at most :data:`LISTED`."""
    return list(
        db.session.scalars(
            sa.select(SummaryReport)
            .where(*_in_sight(user))
            .order_by(SummaryReport.id.desc())
            .limit(LISTED)
        )
    )


def set_recipients(tenant: Tenant, actor: User | None, addresses: list[str]) -> bool:
    """Store who is mailed the monthly report; False when nothing changed. ValueError for
    an address that is none. Audited before and after, like every setting."""
    before = list(tenant.config.report_recipients)
    tenant.update_config(report_recipients=addresses)
    after = list(tenant.config.report_recipients)
    if after == before:
        return False
    event = audit.record(
        actor, "report_recipients.set", "report_recipients", {"before": before, "after": after}
    )
    event.tenant_id = tenant.id
    return True
