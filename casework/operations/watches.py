"""Watches of important repairs (重点维修跟踪, PROP-11): put a repair under watch, record each
inspection, close the watch with its reason. Each verb is an event on the case.

Whoever may revisit may watch (the revisit roles): a watch is a revisit of the repair's
effect, made in person. The inspector is active staff of those roles too; the next
inspection falls due ``interval_days`` after the last one, in the tenant's calendar.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tenants.db import db, utcnow
from tenants.models import User

from .. import deadlines, history
from ..errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from ..models import Case, RepairWatch, WatchInspection
from ..states import Action, EventKind, WatchFinding
from ..transitions import TRANSITIONS

MAX_INTERVAL = 366
SUBJECT_LENGTH = 300
NOTE_LENGTH = 2000
# The longest list of inspections one watch page shows: a weekly watch over years.
MAX_INSPECTIONS = 500


def _may_watch(actor: User) -> None:
    if not actor.has_role(*TRANSITIONS[Action.REVISIT].roles):
        raise Forbidden()


def _inspector(inspector: User | None) -> User:
    if inspector is None or not inspector.active:
        raise InvalidInput("inspector", _l("Choose an active member of staff."))
    if not inspector.has_role(*TRANSITIONS[Action.REVISIT].roles):
        raise InvalidInput("inspector", _l("Choose someone whose role makes revisits."))
    return inspector


def _text(field: str, text: str, limit: int, required: bool = False) -> str:
    text = text.strip()
    if required and not text:
        raise InvalidInput(field, _l("This field is required."))
    if len(text) > limit:
        raise InvalidInput(
            field, _l("Please keep it to %(count)d characters or fewer.", count=limit)
        )
    return text


def _interval(days: int | None) -> int:
    if days is None or not 1 <= days <= MAX_INTERVAL:
        raise InvalidInput(
            "interval_days", _l("Give a number of days from 1 to %(count)d.", count=MAX_INTERVAL)
        )
    return days


def open_watch(case: Case) -> RepairWatch | None:
    """The case's open watch, if any (one at a time)."""
    return db.session.scalars(
        sa.select(RepairWatch).where(RepairWatch.case_id == case.id, RepairWatch.is_open.is_(True))
    ).first()


def start_watch(
    case: Case,
    actor: User,
    inspector: User | None,
    interval_days: int | None,
    subject: str,
    now: dt.datetime | None = None,
) -> RepairWatch:
    """Put the repair of ``case`` under watch: ``inspector`` inspects it every
    ``interval_days`` days, the first time that many days from today."""
    _may_watch(actor)
    inspector = _inspector(inspector)
    days = _interval(interval_days)
    subject = _text("subject", subject, SUBJECT_LENGTH, required=True)
    if open_watch(case) is not None:
        raise InvalidTransition(_l("This case is under watch already."))
    now = now or utcnow()
    due = deadlines.local_today(now, case.tenant.timezone) + dt.timedelta(days=days)
    watch = RepairWatch(
        tenant_id=case.tenant_id,
        case_id=case.id,
        inspector_id=inspector.id,
        interval_days=days,
        subject=subject,
        next_due_on=due,
        is_open=True,
        inspections=0,
        started_at=now,
        started_by_id=actor.id,
        close_reason="",
    )
    db.session.add(watch)
    history.record(
        case,
        EventKind.WATCH_STARTED,
        actor,
        changes={
            "watch_subject": subject,
            "inspector": inspector.name,
            "interval_days": days,
            "next_due": due.isoformat(),
        },
    )
    db.session.flush()
    return watch


def _still_open(watch: RepairWatch) -> None:
    if not watch.is_open:
        raise InvalidTransition(_l("This watch is closed; it takes no more inspections."))


def record_inspection(
    watch: RepairWatch,
    actor: User,
    inspected_on: dt.date | None,
    finding: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> WatchInspection:
    """An inspection made (by ``actor``) on ``inspected_on``: what was found, and the next
    one falls due ``interval_days`` after it."""
    _may_watch(actor)
    _still_open(watch)
    now = now or utcnow()
    today = deadlines.local_today(now, watch.case.tenant.timezone)
    if inspected_on is None or inspected_on > today:
        raise InvalidInput("inspected_on", _l("Give the day of the inspection, today or before."))
    if finding not in WatchFinding.__members__.values():
        raise InvalidInput("finding", _l("Choose what the inspection found."))
    note = _text("note", note, NOTE_LENGTH)
    inspection = WatchInspection(
        tenant_id=watch.tenant_id,
        watch_id=watch.id,
        case_id=watch.case_id,
        inspected_on=inspected_on,
        by_id=actor.id,
        finding=WatchFinding(finding),
        note=note,
        at=now,
    )
    db.session.add(inspection)
    watch.inspections += 1
    watch.next_due_on = max(inspected_on, today) + dt.timedelta(days=watch.interval_days)
    history.record(
        watch.case,
        EventKind.WATCH_INSPECTED,
        actor,
        body=note,
        changes={
            "inspected_on": inspected_on.isoformat(),
            "watch_finding": finding,
            "next_due": watch.next_due_on.isoformat(),
        },
    )
    return inspection


def close_watch(
    watch: RepairWatch, actor: User, reason: str, now: dt.datetime | None = None
) -> RepairWatch:
    """End the watch with its reason (the repair held through the rainy season...)."""
    _may_watch(actor)
    _still_open(watch)
    reason = _text("reason", reason, NOTE_LENGTH, required=True)
    watch.is_open = False
    watch.closed_at, watch.closed_by_id, watch.close_reason = now or utcnow(), actor.id, reason
    history.record(watch.case, EventKind.WATCH_CLOSED, actor, changes={"close_reason": reason})
    return watch


def inspections(watch: RepairWatch) -> list[WatchInspection]:
    """The watch's inspections, newest first (bounded)."""
    return list(
        db.session.scalars(
            sa.select(WatchInspection)
            .where(WatchInspection.watch_id == watch.id)
            .order_by(WatchInspection.id.desc())
            .limit(MAX_INSPECTIONS)
        )
    )


def get_watch(watch_id: int, sight: sa.ColumnElement[bool]) -> RepairWatch:
    """The bound tenant's watch whose case is in ``sight``; NotFound (a 404) otherwise."""
    watch = db.session.scalars(
        sa.select(RepairWatch)
        .join(Case, Case.id == RepairWatch.case_id)
        .where(RepairWatch.id == watch_id, sight)
    ).one_or_none()
    if watch is None:
        raise NotFound()
    return watch
