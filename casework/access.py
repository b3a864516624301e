"""Loading cases by id or number: the only way in, with one answer for missing and foreign.

Scoping already hides other tenants' rows; these helpers turn "no row" into :class:`NotFound`
so every caller gives the same 404 whether the case is missing or belongs to someone else.
"""

from __future__ import annotations

import datetime as dt
import hmac

import sqlalchemy as sa

from tenants.db import TenantNotBound, current_tenant_id, db, upsert_returning, utcnow

from .errors import InvalidInput, NotFound
from .models import Case, Letter, LookupFailures
from .operations.intake import normalise_phone

# Misses of one case number, from any address, after which its phone path locks; a
# complainant who has forgotten the code and mistypes their number can still get in.
PHONE_MISSES = 5
# A lock lifts, and the count starts again, after this long without a try at the number.
QUIET = dt.timedelta(hours=24)


def get_case(case_id: int) -> Case:
    """The bound tenant's case ``case_id``, or NotFound."""
    case = db.session.scalars(sa.select(Case).where(Case.id == case_id)).one_or_none()
    if case is None:
        raise NotFound()
    return case


def get_case_by_number(number: str) -> Case:
    """The bound tenant's case with this case number, or NotFound."""
    case = db.session.scalars(
        sa.select(Case).where(Case.number == number.strip().upper())
    ).one_or_none()
    if case is None:
        raise NotFound()
    return case


def verify_public_access(number: str, factor: str, now: dt.datetime | None = None) -> Case | None:
    """The case if ``factor`` is its access code, or its whole phone number while that is open.

    Every try counts against the case number, from whatever address, before anything is
    compared; a try that succeeds takes itself back. After ``PHONE_MISSES`` misses with no
    break of ``QUIET`` between them, the phone stops opening the case (the 40-bit access code
    still does): a phone number can be guessed, a code cannot. An unknown number, a wrong
    factor and a locked phone path all give None after the same statements and comparisons,
    so the answer tells nothing about which numbers exist or which are locked.
    """
    tenant_id = current_tenant_id()
    if tenant_id is None:
        raise TenantNotBound("public lookup with no tenant bound")
    number = number.strip().upper()[:40]
    tries = _count_try(tenant_id, number, now or utcnow())
    case = db.session.scalars(sa.select(Case).where(Case.number == number)).one_or_none()
    code = case.access_code if case else "\0" * 8
    phone = (case.complainant_phone if case else "") or "\0"  # matches nothing typed
    ok_code = hmac.compare_digest("".join(factor.split()).upper().encode(), code.encode())
    ok_phone = hmac.compare_digest(_phone(factor).encode(), phone.encode())
    if case is None or not (ok_code or (ok_phone and tries <= PHONE_MISSES)):
        return None
    _take_back(tenant_id, number)
    return case


def _phone(factor: str) -> str:
    """The factor as a whole phone number in the form cases store, or empty."""
    try:
        return normalise_phone(factor[:40])
    except InvalidInput:
        return ""


def _count_try(tenant_id: int, number: str, now: dt.datetime) -> int:
    """Count one try at ``number``; how many there have been since the last quiet spell.

    One atomic upsert, so tries from many processes at once are all counted and each learns
    its own place in the count (the row lock it takes is held to commit).
    """
    table = LookupFailures.__table__
    return upsert_returning(
        table,
        {"tenant_id": tenant_id, "number": number, "failures": 1, "last_at": now},
        ["tenant_id", "number"],
        {
            "failures": sa.case((table.c.last_at > now - QUIET, table.c.failures + 1), else_=1),
            "last_at": now,
        },
        table.c.failures,
    )


def _take_back(tenant_id: int, number: str) -> None:
    """A try that opened the case was no miss."""
    table = LookupFailures.__table__
    db.session.connection().execute(
        sa.update(table)
        .where(table.c.tenant_id == tenant_id, table.c.number == number)
        .values(failures=sa.case((table.c.failures > 0, table.c.failures - 1), else_=0))
    )


def get_letter(case: Case, kind: str) -> Letter | None:
    """The case's rendered letter of this kind, if it has been rendered yet."""
    return db.session.scalars(
        sa.select(Letter).where(Letter.case_id == case.id, Letter.kind == kind)
    ).one_or_none()
