"""Revealing a complainant's personal data (查看完整信息) and the access log the tenant
admin reads (CO-8).

Staff without the personal-data right read masks (:mod:`casework.privacy`). A reveal is an
explicit request with a reason; it writes one row of the append-only access log, and that row
opens a short window in which the same person reads that case unmasked. Holders of the right
read without revealing, and their reading is not logged: the right is the admin's choice, set
and audited here, and a log of every page they open would bury the reveals that matter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tenants import audit
from tenants.db import db, utcnow
from tenants.models import Role, Tenant, User

from . import privacy
from .errors import InvalidInput
from .models import Case, PersonalDataAccess

# The longest reason kept; a reason is a sentence, not a report.
MAX_REASON = 200
MIN_REASON = 2
# Where a reveal may be asked.
PAGES = ("case", "letter", "revisit")
# The most one call of :func:`accesses` returns: a page of the log, or a chunk of its CSV.
MAX_LIMIT = 500


def reveal(case: Case, user: User, reason: str, page: str = "case") -> PersonalDataAccess:
    """Show ``user`` the personal data of ``case`` for :data:`privacy.REVEAL_MINUTES`,
    logged with ``reason``; InvalidInput("reason") without a reason worth the name."""
    reason = " ".join((reason or "").split())
    if len(reason) < MIN_REASON:
        raise InvalidInput("reason", _l("Say why you need the complainant's full details."))
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            "reason", _l("Keep the reason under %(count)s characters.", count=MAX_REASON)
        )
    if page not in PAGES:
        raise ValueError(f"unknown page {page!r}")
    row = PersonalDataAccess(
        at=utcnow(),
        case_id=case.id,
        case_number=case.number,
        user_id=user.id,
        user_label=user.name,
        reason=reason,
        fields=",".join(privacy.held_fields(case)),
        page=page,
    )
    db.session.add(row)
    db.session.flush()
    return row


def accesses(
    *,
    user_id: int | None = None,
    case_number: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    before: tuple[dt.datetime, int] | None = None,
    limit: int = 50,
) -> list[PersonalDataAccess]:
    """The bound tenant's reveals, newest first, after the position ``before`` (at, id).

    ``since`` inclusive and ``until`` exclusive, naive UTC; at most ``limit`` rows (capped
    at :data:`MAX_LIMIT`), ``ORDER BY at DESC, id DESC`` on the log's index.
    """
    stmt = sa.select(PersonalDataAccess)
    if user_id is not None:
        stmt = stmt.where(PersonalDataAccess.user_id == user_id)
    if case_number.strip():
        stmt = stmt.where(PersonalDataAccess.case_number == case_number.strip().upper())
    if since is not None:
        stmt = stmt.where(PersonalDataAccess.at >= since)
    if until is not None:
        stmt = stmt.where(PersonalDataAccess.at < until)
    if before is not None:
        stmt = stmt.where(
            sa.tuple_(PersonalDataAccess.at, PersonalDataAccess.id) < sa.tuple_(*before)
        )
    stmt = stmt.order_by(PersonalDataAccess.at.desc(), PersonalDataAccess.id.desc())
    return list(db.session.scalars(stmt.limit(max(1, min(limit, MAX_LIMIT)))))


def set_roles(tenant: Tenant, actor: User | None, roles: Iterable[str]) -> bool:
    """Set which roles hold the personal-data right; False when nothing changed.

    ValueError for a word that is no role; the change is audited before and after.
    """
    known = [r.value for r in Role]
    wanted = sorted(set(roles), key=known.index)  # ValueError for an unknown word
    before = list(tenant.config.personal_data_roles)
    if sorted(before, key=known.index) == wanted:
        return False
    tenant.update_config(personal_data_roles=wanted)
    event = audit.record(
        actor, "privacy.roles", "personal_data_roles", {"before": before, "after": wanted}
    )
    event.tenant_id = tenant.id
    return True
