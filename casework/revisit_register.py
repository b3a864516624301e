"""The revisit record book (《回访记录本》, PROP-1): every revisit made in a period, one row each.

A row is a revisit that ended in the period, reached (done) or not (unreachable): the day,
the case, the person, how and by whom, what came of it and what they said. The rows are
plain values (strings, numbers, dates), so the desk page, the printed PDF and the XLSX
export show the same book. The complainant's details come through a
:class:`casework.privacy.Reader`, masked for a viewer without the personal-data right
(CO-8), as on the revisit queue.

The book seeks from a cursor on (done_at, id) within the period, a range of
``ix_revisits_done``, so a page costs the same in a tenant's tenth year as in its first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import orm

from tenants.db import db, utcnow
from tenants.models import User

from . import access, deadlines
from .models import Case, Revisit, RevisitAttempt
from .privacy import Reader
from .queue import decode_cursor
from .states import CallOutcome, CaseKind, ContactMethod, RevisitStatus

PAGE_SIZE = 50
# The most rows one printout or export holds: a month of a large estate's revisits. A longer
# period is cut here and says so, rather than holding a request for minutes.
MAX_EXPORT = 5000
# What the book records: revisits that ended, reached or not; a cancelled one was not made.
ENDED = (RevisitStatus.DONE, RevisitStatus.UNREACHABLE)


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included, in the tenant's calendar."""

    start: dt.date
    end: dt.date

    def bounds(self, tz: str) -> tuple[dt.datetime, dt.datetime]:
        """The period as naive-UTC moments [from, until) for the tenant's zone ``tz``."""
        first = deadlines.from_local(dt.datetime.combine(self.start, dt.time()), tz)
        after = self.end + dt.timedelta(days=1)
        return first, deadlines.from_local(dt.datetime.combine(after, dt.time()), tz)


def this_month(tz: str, now: dt.datetime | None = None) -> Period:
    """The tenant's current calendar month: the book's default period."""
    today = deadlines.local_today(now or utcnow(), tz)
    first = today.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return Period(first, following - dt.timedelta(days=1))


@dataclass(frozen=True)
class Row:
    """One line of the record book, in plain values."""

    revisit_id: int
    case_id: int
    done_at: dt.datetime  # naive UTC
    number: str
    kind: CaseKind
    complainant: str
    phone: str  # masked unless the viewer may read it
    method: ContactMethod
    revisitor: str  # empty when the person answered the link themselves
    status: RevisitStatus
    outcome: CallOutcome | None  # the last attempt's: reached, no answer, refused...
    satisfaction: int | None
    solved: bool | None
    comments: str  # redacted as the phone is


def _last_outcome() -> sa.ScalarSelect:
    """The outcome of the revisit's last attempt (one probe of its attempts index)."""
    return (
        sa.select(RevisitAttempt.outcome)
        .where(RevisitAttempt.revisit_id == Revisit.id)
        .order_by(RevisitAttempt.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _statement(viewer: User, start: dt.datetime, until: dt.datetime) -> sa.Select:
    done_by = orm.aliased(User)
    return (
        sa.select(Revisit, done_by.name, _last_outcome())
        .join(Case, Case.id == Revisit.case_id)
        .outerjoin(done_by, done_by.id == Revisit.done_by_id)
        .options(orm.contains_eager(Revisit.case))
        .where(
            Revisit.done_at >= start,
            Revisit.done_at < until,
            Revisit.status.in_(ENDED),
            access.sight(viewer),
        )
        .order_by(Revisit.done_at, Revisit.id)
    )


def _row(revisit: Revisit, revisitor: str | None, outcome: str | None, reader: Reader) -> Row:
    case = revisit.case
    person = reader.contact(case)
    return Row(
        revisit_id=revisit.id,
        case_id=case.id,
        done_at=revisit.done_at or revisit.created_at,
        number=case.number,
        kind=case.kind,
        complainant=person.name,
        phone=person.phone,
        method=revisit.method,
        revisitor=revisitor or "",
        status=revisit.status,
        outcome=CallOutcome(outcome) if outcome else None,
        satisfaction=revisit.satisfaction,
        solved=revisit.solved,
        comments=reader.redact(revisit.comments or "", case),
    )


def encode_cursor(row: Row) -> str:
    """The position after ``row`` in the book's order."""
    return f"{row.done_at.isoformat()}_{row.revisit_id}"


def page(
    period: Period,
    tz: str,
    viewer: User,
    reader: Reader,
    cursor: str = "",
    limit: int = PAGE_SIZE,
) -> tuple[list[Row], str | None]:
    """One page of the book for ``period``, oldest first, and the next page's cursor (or
    None); a malformed cursor reads as the first page."""
    start, until = period.bounds(tz)
    stmt = _statement(viewer, start, until)
    position = decode_cursor(cursor) if cursor else None
    if position is not None:
        stmt = stmt.where(sa.tuple_(Revisit.done_at, Revisit.id) > sa.tuple_(*position))
    found = db.session.execute(stmt.limit(limit + 1)).unique().all()
    rows = [_row(r, name, outcome, reader) for r, name, outcome in found[:limit]]
    more = len(found) > limit
    return rows, (encode_cursor(rows[-1]) if more and rows else None)


def all_rows(
    period: Period, tz: str, viewer: User, reader: Reader, limit: int = MAX_EXPORT
) -> tuple[list[Row], bool]:
    """The whole book for ``period`` up to ``limit`` rows, read a page at a time, and
    whether it was cut short: for the printout and the export."""
    rows: list[Row] = []
    for chunk in _chunks(period, tz, viewer, reader):
        rows.extend(chunk)
        if len(rows) > limit:
            return rows[:limit], True
    return rows, False


def _chunks(period: Period, tz: str, viewer: User, reader: Reader) -> Iterator[list[Row]]:
    cursor = ""
    while True:
        rows, cursor_next = page(period, tz, viewer, reader, cursor, limit=500)
        yield rows
        if cursor_next is None:
            return
        cursor = cursor_next
