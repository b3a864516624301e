"""A caller's earlier cases, listed while the clerk types the number (phone intake, CITY-6).

Matched on the normalised phone number (E.164, as intake stores it), so "138 1234 5678",
"138-1234-5678" and "+86 13812345678" find the same person. Bounded: the open cases first
(newest first), then a few recent closed ones, each through the ``ix_cases_phone`` index and
within what the clerk may see (:func:`casework.access.sight`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from tenants.db import db
from tenants.models import User

from . import access
from .models import Case
from .operations.intake import normalise_phone
from .states import Status

OPEN_LIMIT = 10
CLOSED_LIMIT = 5
# Fewer digits than this is a number still being typed: nothing to look up, nothing refused.
MIN_DIGITS = 7


@dataclass
class CallerHistory:
    """What the phone intake shows of one caller: open cases, then recent closed ones."""

    phone: str = ""  # E.164; empty while too little is typed
    open: list[Case] = field(default_factory=list)
    closed: list[Case] = field(default_factory=list)
    more_open: bool = False  # more open cases than listed

    @property
    def cases(self) -> list[Case]:
        """Every listed case, open first."""
        return [*self.open, *self.closed]


def typing(raw: str) -> bool:
    """True while the number has too few digits to be looked up (still being typed)."""
    return sum(ch.isdigit() for ch in raw) < MIN_DIGITS


def history(viewer: User, raw_phone: str) -> CallerHistory:
    """The caller's cases ``viewer`` may see; InvalidInput for a malformed full number."""
    if typing(raw_phone):
        return CallerHistory()
    phone = normalise_phone(raw_phone)
    mine = sa.select(Case).where(Case.complainant_phone == phone, access.sight(viewer))
    newest = (Case.created_at.desc(), Case.id.desc())
    open_ = list(
        db.session.scalars(
            mine.where(Case.status != Status.CLOSED).order_by(*newest).limit(OPEN_LIMIT + 1)
        )
    )
    closed = list(
        db.session.scalars(
            mine.where(Case.status == Status.CLOSED).order_by(*newest).limit(CLOSED_LIMIT)
        )
    )
    return CallerHistory(phone, open_[:OPEN_LIMIT], closed, len(open_) > OPEN_LIMIT)
