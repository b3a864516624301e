"""Loading cases by id or number: the only way in, with one answer for missing and foreign.

Scoping already hides other tenants' rows; these helpers turn "no row" into :class:`NotFound`
so every caller gives the same 404 whether the case is missing or belongs to someone else.

Who among the tenant's staff sees which case (CO-8) is :func:`sight`, one SQL condition that
every query listing or loading cases for a member of staff adds: loading a case outside it
is the same 404 as another tenant's.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Iterable

import sqlalchemy as sa

from tenants import audit
from tenants.db import (
    TenantNotBound,
    current_tenant_id,
    db,
    upsert_returning,
    utcnow,
)
from tenants.models import Tenant, User

from . import restricted
from .errors import InvalidInput, NotFound
from .models import Assist, Case, CaseMember, Letter, LookupFailures, Rectification
from .operations.intake import normalise_phone

# Misses of one case number, from any address, after which its phone path locks; a
# complainant who has forgotten the code and mistypes their number can still get in.
PHONE_MISSES = 5
# A lock lifts, and the count starts again, after this long without a try at the number.
QUIET = dt.timedelta(hours=24)


def sees_all(user: User) -> bool:
    """True when one of the user's roles sees every case of the tenant (its ``case_sight``)."""
    sight = db.session.get(Tenant, user.tenant_id).config.case_sight
    return any(sight.get(role.value) == "all" for role in user.roles)


def sight(user: User) -> sa.ColumnElement[bool]:
    """The SQL condition on :class:`Case` "``user`` may see this case" (CO-8).

    Roles the tenant gives "all" (by default intake, supervisors and admins) see every case;
    otherwise a person sees the cases named to them, their department's, those whose
    rectification order (open or done) names their department, those their department is
    asked to assist on (协办, :func:`_assisting`) and those whose investigation group they
    belong to (调查组, :func:`_in_group`). On top of that, a restricted case (PROP-3) is
    seen only by the managers the policy names (:mod:`casework.restricted`).
    """
    return sa.and_(_unit_sight(user), restricted.clause(user))


def _unit_sight(user: User) -> sa.ColumnElement[bool]:
    """Sight by role and unit, before restricted cases are taken out."""
    if sees_all(user):
        return sa.true()
    own = [Case.handler_id == user.id, _in_group(user)]
    if user.department_id is not None:
        rectifying = sa.select(Rectification.case_id).where(
            Rectification.department_id == user.department_id
        )
        own += [
            Case.department_id == user.department_id,
            Case.id.in_(rectifying),
            _assisting(user),
        ]
    return sa.or_(*own)


def _assisting(user: User) -> sa.ColumnElement[bool]:
    """The cases the user's department is asked to assist on (协办), answered or not."""
    return Case.id.in_(sa.select(Assist.case_id).where(Assist.department_id == user.department_id))


def _in_group(user: User) -> sa.ColumnElement[bool]:
    """The cases whose investigation group (调查组) names the user."""
    return Case.id.in_(sa.select(CaseMember.case_id).where(CaseMember.user_id == user.id))


def set_sight(tenant: Tenant, actor: User | None, sight: dict[str, str]) -> bool:
    """Set which cases each role sees (``case_sight``); False when nothing changed.

    ValueError for a word that is no role or no sight; a change is audited before and after.
    """
    before = dict(tenant.config.case_sight)
    after = {**before, **sight}
    if after == before:
        return False
    tenant.update_config(case_sight=after)
    event = audit.record(actor, "sight.set", "case_sight", {"before": before, "after": after})
    event.tenant_id = tenant.id  # the system (actor None) too: the tenant's own log
    return True


def case_in_sight(user: User, case_id: sa.ColumnElement[int | None]) -> sa.ColumnElement[bool]:
    """The SQL condition on a row pointing at a case by ``case_id`` (a notice, a message):
    its case is in the user's sight, or it points at none."""
    if sees_all(user):  # every case but the restricted ones kept from them: few, by index
        hidden = sa.select(Case.id).where(sa.not_(restricted.clause(user)))
        return sa.or_(case_id.is_(None), case_id.not_in(hidden))
    return sa.or_(case_id.is_(None), case_id.in_(sa.select(Case.id).where(sight(user))))


def in_sight(user: User, case_ids: Iterable[int | None]) -> set[int]:
    """Which of ``case_ids`` the user sees: for a list read first and narrowed after."""
    ids = {i for i in case_ids if i is not None}
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(Case.id).where(Case.id.in_(ids), sight(user))))


def get_case(case_id: int, viewer: User | None = None) -> Case:
    """The bound tenant's case ``case_id``, or NotFound; also NotFound when a ``viewer`` (a
    member of staff) may not see it. Without a viewer it is the system reading (jobs)."""
    stmt = sa.select(Case).where(Case.id == case_id)
    if viewer is not None:
        stmt = stmt.where(sight(viewer))
    case = db.session.scalars(stmt).one_or_none()
    if case is None:
        raise NotFound()
    return case


def get_case_by_number(
    number: str, viewer: User | None = None, *, follow_merges: bool = True
) -> Case:
    """The bound tenant's case with this case number, or NotFound; a ``viewer`` as in
    :func:`get_case`.

    The number of a case merged into another (合并) finds the survivor, unless
    ``follow_merges`` is off: the portal proves the complainant's own case first.
    """
    stmt = sa.select(Case).where(Case.number == number.strip().upper()[:40])
    case = db.session.scalars(stmt).one_or_none()
    if case is None:
        raise NotFound()
    if follow_merges:
        case = survivor(case)
    if viewer is not None and not in_sight(viewer, [case.id]):
        raise NotFound()
    return case


# A merged case's survivor may itself be merged later; the chain is followed this far.
MERGE_HOPS = 20


def survivor(case: Case) -> Case:
    """The case that goes on for ``case``: itself, or the end of its merges (合并)."""
    seen = {case.id}
    while case.merged_into_id is not None and len(seen) <= MERGE_HOPS:
        nxt = db.session.get(Case, case.merged_into_id)
        if nxt is None or nxt.id in seen:
            break
        seen.add(nxt.id)
        case = nxt
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


# Kinds of letter written anew for each round of handling: a case sent back to handling
# (MALL-6) gets a new result letter; its acknowledgement stays the one it had.
PER_ROUND = frozenset({"result"})


def letter_round(case: Case, kind: str) -> int:
    """The round whose letter of ``kind`` the case has now."""
    return case.result_round if kind in PER_ROUND else 0


def get_letter(case: Case, kind: str) -> Letter | None:
    """The case's rendered letter of this kind for its current round, if rendered yet."""
    return db.session.scalars(
        sa.select(Letter).where(
            Letter.case_id == case.id,
            Letter.kind == kind,
            Letter.round == letter_round(case, kind),
        )
    ).one_or_none()
