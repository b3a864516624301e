"""Which earlier cases a new contact may be about (重复投诉, CITY-6): intake's matches.

When a call comes in, the clerk is offered the open or recently closed cases it may repeat:
those of the same phone number, and those of the same place and category filed within the
tenant's repeat window (``repeat_window`` days). The clerk chooses; nothing is joined here.
Reads only, within the clerk's sight (CO-8), through the indexes ``ix_cases_phone`` and
``ix_cases_place``, and never more than :data:`LIMIT` rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from tenants.db import db, utcnow
from tenants.models import Tenant, User

from . import access
from .errors import InvalidInput
from .models import Case
from .operations.intake import normalise_phone
from .states import Status

# As many as a clerk reads during a call; the newest first, open ones before closed ones.
LIMIT = 8


@dataclass(frozen=True)
class Match:
    """A case the contact may repeat, and why it was offered."""

    case: Case
    same_phone: bool
    same_place: bool


def window_start(tenant: Tenant, now: dt.datetime | None = None) -> dt.datetime:
    """The start of the tenant's repeat window: cases filed or closed since then count."""
    return (now or utcnow()) - dt.timedelta(days=tenant.config.repeat_window)


def recently_closed(case: Case, now: dt.datetime | None = None) -> bool:
    """Whether a closed case was closed within the tenant's repeat window."""
    return case.closed_at is not None and case.closed_at >= window_start(case.tenant, now)


def phone_key(raw: str) -> str:
    """The phone as cases store it (E.164), or empty for a number not (yet) valid: a clerk
    still typing is offered nothing rather than refused."""
    try:
        return normalise_phone(raw[:40])
    except InvalidInput:
        return ""


def find_matches(
    tenant: Tenant,
    viewer: User,
    *,
    phone: str = "",
    location: str = "",
    category_id: int | None = None,
    now: dt.datetime | None = None,
) -> list[Match]:
    """The open or recently closed cases this contact may repeat, as ``viewer`` sees them.

    Same phone: any open case of that number, or one closed within the window. Same place
    and category: a case of that category at that place filed within the window (and, if
    closed, closed within it). A case merged into another is never offered: its survivor is.
    """
    since = window_start(tenant, now)
    key = phone_key(phone)
    place = location.strip()[:300]
    found: dict[int, Case] = {}
    for stmt in queries(tenant, viewer, key, place, category_id, since):
        for case in db.session.scalars(stmt):
            found[case.id] = case
    rows = sorted(
        found.values(),
        key=lambda c: (c.status is Status.CLOSED, -c.created_at.timestamp(), -c.id),
    )[:LIMIT]
    return [
        Match(
            case=c,
            same_phone=bool(key) and c.complainant_phone == key,
            same_place=bool(place and category_id)
            and c.category_id == category_id
            and c.location == place
            and c.created_at >= since,
        )
        for c in rows
    ]


def queries(
    tenant: Tenant,
    viewer: User,
    key: str,
    place: str,
    category_id: int | None,
    since: dt.datetime,
) -> list[sa.Select]:
    """One bounded query per way of matching, each on its own index (``ix_cases_phone``,
    ``ix_cases_place``): an OR of the two would leave the planner to a scan of the tenant's
    cases. :func:`find_matches` merges and sorts what they find."""
    branches = []
    if key:
        branches.append(Case.complainant_phone == key)
    if place and category_id:
        branches.append(
            sa.and_(
                Case.category_id == category_id, Case.location == place, Case.created_at >= since
            )
        )
    return [
        sa.select(Case)
        .where(
            Case.tenant_id == tenant.id,  # also added by the scoping; here for the index
            branch,
            sa.or_(Case.status != Status.CLOSED, Case.closed_at >= since),
            Case.merged_into_id.is_(None),
            access.sight(viewer),
        )
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(LIMIT)
        for branch in branches
    ]
