"""Loading cases by id or number: the only way in, with one answer for missing and foreign.

Scoping already hides other tenants' rows; these helpers turn "no row" into :class:`NotFound`
so every caller gives the same 404 whether the case is missing or belongs to someone else.
"""

from __future__ import annotations

import hmac

import sqlalchemy as sa

from tenants.db import db

from .errors import NotFound
from .models import Case, Letter


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


def verify_public_access(number: str, factor: str) -> Case | None:
    """The case if ``factor`` is its access code or its phone's last four digits.

    A wrong pair and an unknown number both give None after the same work, so the answer
    tells nothing about which numbers exist.
    """
    factor = "".join(factor.split()).upper()
    case = db.session.scalars(
        sa.select(Case).where(Case.number == number.strip().upper())
    ).one_or_none()
    code = case.access_code if case else "\0" * 8
    last4 = _digits(case.complainant_phone)[-4:] if case else "\0" * 4
    ok_code = hmac.compare_digest(factor.encode(), code.encode())
    ok_phone = (
        len(factor) == 4
        and len(last4) == 4
        and hmac.compare_digest(factor.encode(), last4.encode())
    )
    return case if case is not None and (ok_code or ok_phone) else None


def get_letter(case: Case, kind: str) -> Letter | None:
    """The case's rendered letter of this kind, if it has been rendered yet."""
    return db.session.scalars(
        sa.select(Letter).where(Letter.case_id == case.id, Letter.kind == kind)
    ).one_or_none()


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())
