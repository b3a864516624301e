"""A staff member's notices in the desk's bell: reading them and marking them read.

The notices are raised where their cause is (reminders and escalation in
:mod:`casework.alerts`; urging, supervision, extension requests and rectification orders in
the operations), all through :func:`tell`; this module also reads one user's notices and
marks them read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa

from tenants.db import db, utcnow
from tenants.models import User

from . import access
from .models import Case, Notification
from .states import NotificationKind


def tell(users: Iterable[User], case: Case, kind: NotificationKind, **cause: int) -> None:
    """A notice in the bell of each of ``users`` (each once), about ``case``.

    ``cause`` names the row that raised it (``alert_id=`` or ``oversight_id=``), so its
    email job finds the same people. About a restricted case (PROP-3) only those who may see
    it are told: no notice, and so no email, reaches anyone else.
    """
    people = {u.id: u for u in users}.values()
    if case.restricted:
        people = [u for u in people if access.in_sight(u, [case.id])]
    for user in people:
        db.session.add(Notification(user_id=user.id, case_id=case.id, kind=kind, **cause))


def recent(user: User, limit: int = 50) -> list[tuple[Notification, Case | None]]:
    """The user's newest notices, each with its case (None for one about an improvement
    action, PROP-8), newest first.

    A notice about a case the user no longer sees (moved to another unit) is left out.
    """
    rows = db.session.execute(
        sa.select(Notification, Case)
        .outerjoin(Case, Case.id == Notification.case_id)
        .where(Notification.user_id == user.id, access.case_in_sight(user, Notification.case_id))
        .order_by(Notification.id.desc())
        .limit(limit)
    )
    return [(notice, case) for notice, case in rows]


def mark_all_read(user: User, now: dt.datetime | None = None) -> None:
    """Mark every unread notice of the user read (at ``now``)."""
    db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
    )


def unread_count(user: User) -> int:
    """The number on the bell: unread notices about cases the user sees."""
    return db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(
            Notification.user_id == user.id,
            Notification.read_at.is_(None),
            access.case_in_sight(user, Notification.case_id),
        )
    )
