"""The daily review (CITY-7): every day, the last three days of intake, and a sign-off.

Reviewers (the roles of ``day_reviewers``: supervisors and admins unless the tenant names
others) read each of the last three days' new cases, repeats first (``repeat_of_id``), then
the overdue, then the unresolved, and sign each day "reviewed" once. The sign-off is a
:class:`DayReview` row, unique per tenant and day (so a race between two reviewers ends with
one sign-off and a clear refusal, never a 500), and an entry in the tenant's audit log.

Days are the tenant's calendar days; the cases listed are those the reviewer may see
(:func:`casework.access.sight`), a page at a time on (bucket, id).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from tenants import audit
from tenants.db import db, utcnow
from tenants.models import Tenant, User

from . import access, deadlines
from .errors import Forbidden, InvalidInput
from .models import Case, DayReview
from .states import CaseKind, Status

DAYS = 3  # today and the two days before (CITY-7: "the last three days")
PAGE = 20  # cases a day shows at once; "more" loads the next page
NOTE_MAX = 500
AUDIT_KIND = "review.day"
# Not yet resolved: before a result was recorded.
UNRESOLVED = (Status.RECEIVED, Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS)
# Where a case sorts within its day: the review's focus first.
REPEAT, OVERDUE, UNRESOLVED_BUCKET, OTHER = range(4)


def may_review(user: User) -> bool:
    """Whether one of the user's roles signs the daily review (the tenant's ``day_reviewers``)."""
    reviewers = db.session.get(Tenant, user.tenant_id).config.day_reviewers
    return any(role.value in reviewers for role in user.roles)


def window(tenant: Tenant, now: dt.datetime | None = None) -> list[dt.date]:
    """The days under review, newest first: the tenant's today and the two before."""
    today = deadlines.local_today(now or utcnow(), tenant.timezone)
    return [today - dt.timedelta(days=n) for n in range(DAYS)]


def bounds(tenant: Tenant, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The day's start and end in the tenant's zone, as stored naive UTC."""
    start = dt.datetime.combine(day, dt.time())
    return (
        deadlines.from_local(start, tenant.timezone),
        deadlines.from_local(start + dt.timedelta(days=1), tenant.timezone),
    )


def _overdue(now: dt.datetime) -> sa.ColumnElement[bool]:
    """An open case past a running stage's deadline, or past its reply date unresolved."""
    return sa.and_(
        Case.status != Status.CLOSED,
        sa.or_(
            Case.next_due_at < now,
            sa.and_(Case.status.in_(UNRESOLVED), Case.reply_due_at < now),
        ),
    )


def bucket(now: dt.datetime) -> sa.ColumnElement[int]:
    """The case's place in the review: repeats, then overdue, then unresolved, then the rest."""
    return sa.case(
        (Case.repeat_of_id.is_not(None), REPEAT),
        (_overdue(now), OVERDUE),
        (Case.status.in_(UNRESOLVED), UNRESOLVED_BUCKET),
        else_=OTHER,
    )


def _of_day(viewer: User, tenant: Tenant, day: dt.date) -> sa.ColumnElement[bool]:
    start, end = bounds(tenant, day)
    # The day's complaints: service records entered or imported that day are no intake.
    return sa.and_(
        Case.created_at >= start,
        Case.created_at < end,
        Case.kind == CaseKind.COMPLAINT,
        access.sight(viewer),
    )


@dataclass(frozen=True)
class Counts:
    """What a day of intake holds, as the reviewer sees it."""

    total: int
    repeats: int
    overdue: int
    unresolved: int


def counts(viewer: User, day: dt.date, now: dt.datetime | None = None) -> Counts:
    """The day's cases in sight: all, repeats, overdue and unresolved (one query)."""
    now = now or utcnow()
    tenant = db.session.get(Tenant, viewer.tenant_id)

    def total(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    row = db.session.execute(
        sa.select(
            sa.func.count(Case.id),
            total(Case.repeat_of_id.is_not(None)),
            total(_overdue(now)),
            total(Case.status.in_(UNRESOLVED)),
        ).where(_of_day(viewer, tenant, day))
    ).one()
    return Counts(*(int(v or 0) for v in row))


Cursor = tuple[int, int]  # (bucket, id) of the last case shown


def cases(
    viewer: User, day: dt.date, after: Cursor | None = None, now: dt.datetime | None = None
) -> tuple[list[tuple[Case, int]], Cursor | None]:
    """A page of the day's cases in sight with their bucket, review order; and the cursor of
    the next page, None at the end. Keyset on (bucket, id): the day's range comes from
    the (tenant, created_at, id) index, the order from the few rows of one day."""
    now = now or utcnow()
    tenant = db.session.get(Tenant, viewer.tenant_id)
    place = bucket(now).label("bucket")
    stmt = sa.select(Case, place).where(_of_day(viewer, tenant, day))
    if after is not None:
        last_bucket, last_id = after
        stmt = stmt.where(
            sa.or_(place > last_bucket, sa.and_(place == last_bucket, Case.id > last_id))
        )
    rows = db.session.execute(stmt.order_by(place, Case.id).limit(PAGE + 1)).all()
    page = [(case, int(b)) for case, b in rows[:PAGE]]
    more = len(rows) > PAGE
    return page, ((page[-1][1], page[-1][0].id) if more else None)


def reviews(tenant: Tenant, days: list[dt.date]) -> dict[dt.date, DayReview]:
    """The sign-offs of these days, by day."""
    rows = db.session.scalars(
        sa.select(DayReview).where(DayReview.tenant_id == tenant.id, DayReview.day.in_(days))
    )
    return {r.day: r for r in rows}


def _signed_already(row: DayReview | None) -> InvalidInput:
    if row is None:
        return InvalidInput("day", _l("This day has been signed as reviewed already."))
    return InvalidInput(
        "day",
        _l(
            "This day was signed as reviewed by %(name)s already.",
            name=row.by_label,
        ),
    )


def sign(
    tenant: Tenant, actor: User, day: dt.date, note: str = "", now: dt.datetime | None = None
) -> DayReview:
    """Sign ``day`` reviewed (已审阅): once per tenant and day, by a reviewer, within the
    window, with an optional note; recorded in the audit log. A second sign-off, even one
    racing the first, is refused with who signed."""
    if not may_review(actor):
        raise Forbidden(_l("Your role does not sign the daily review."))
    now = now or utcnow()
    if day not in window(tenant, now):
        raise InvalidInput("day", _l("Only the last three days can be signed as reviewed."))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput(
            "note", _l("Please keep it to %(count)d characters or fewer.", count=NOTE_MAX)
        )
    existing = reviews(tenant, [day]).get(day)
    if existing is not None:
        raise _signed_already(existing)
    row = DayReview(
        tenant_id=tenant.id, day=day, by_id=actor.id, by_label=actor.name, at=now, note=note
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # another reviewer signed the day a moment before
        raise _signed_already(reviews(tenant, [day]).get(day)) from None
    audit.record(
        actor,
        AUDIT_KIND,
        day.isoformat(),
        {"before": None, "after": {"note": note} if note else {}},
    )
    return row


REVIEWERS_AUDIT_KIND = "review.reviewers"


def set_reviewers(tenant: Tenant, actor: User | None, roles: list[str]) -> bool:
    """Name the roles that sign the daily review; False when nothing changed. Audited."""
    from tenants.models import Role

    known = {r.value for r in Role}
    if not roles or not set(roles) <= known:
        raise InvalidInput("reviewers", _l("Name at least one role, or nobody could sign."))
    before = list(tenant.config.day_reviewers)
    after = [r.value for r in Role if r.value in roles]  # in the roles' order, each once
    if after == before:
        return False
    tenant.update_config(day_reviewers=after)
    event = audit.record(
        actor, REVIEWERS_AUDIT_KIND, "day_reviewers", {"before": before, "after": after}
    )
    event.tenant_id = tenant.id
    return True
