"""Restricted cases (PROP-3): who among the managers may see them, in SQL and in Python.

A case is restricted when intake records that the complaint is about a named member of staff
(PROP-3: complaints about customer-service staff go to the service-centre manager on a
handling slip, 《投诉处理单》, and the result to the company office), or when a supervisor
marks it sensitive (敏感件: a hospital's medical dispute). Such a case is seen only by staff
holding one of the roles the tenant names (``restricted_case_viewers``, by default
supervisors and admins), and never by the staff member it is about, whatever else they hold.
The department of that member sees it only through a member who holds a named role.

:func:`casework.access.sight` applies :func:`clause` on top of its own condition, so the
queue, search, every desk URL, the bell and the mail log obey it with no check of their own;
:func:`may_see` is the same rule for one person and one case, for choosing whom to tell and
to whom a restricted case may be handed.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tenants import audit
from tenants.db import db
from tenants.models import Role, Tenant, User

from .errors import InvalidInput
from .models import Case

# The roles that may be named as the manager a complaint was made to directly (PROP-4).
MANAGER_ROLES = (Role.DEPT_HEAD, Role.SUPERVISOR, Role.ADMIN)


def viewer_roles(tenant: Tenant) -> frozenset[Role]:
    """The roles that see restricted cases in this tenant."""
    return frozenset(Role(r) for r in tenant.config.restricted_case_viewers)


def is_viewer(user: User) -> bool:
    """True when one of the user's roles is among the tenant's restricted-case viewers."""
    tenant = db.session.get(Tenant, user.tenant_id)
    return bool(viewer_roles(tenant) & user.roles)


def clause(user: User) -> sa.ColumnElement[bool]:
    """The SQL condition on :class:`Case` "not restricted, or restricted and ``user`` is one
    of the managers who see it (and not the member of staff it is about)"."""
    if not is_viewer(user):
        return Case.restricted.is_(False)
    return sa.or_(
        Case.restricted.is_(False),
        Case.subject_user_id.is_(None),
        Case.subject_user_id != user.id,
    )


def may_see(user: User, case: Case) -> bool:
    """The restriction alone for one person and one case: True unless it keeps them out."""
    if not case.restricted:
        return True
    return is_viewer(user) and case.subject_user_id != user.id


def viewers(case: Case) -> list[User]:
    """The active staff who may see this restricted case, for notices nobody else may read."""
    roles = viewer_roles(case.tenant)
    people = db.session.scalars(
        sa.select(User).where(User.active.is_(True), User.holding(*roles)).order_by(User.id)
    )
    return [u for u in people if may_see(u, case)]


def staff() -> list[User]:
    """The bound tenant's active staff, by name: whom intake may name as complained about."""
    return list(
        db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.name))
    )


def managers() -> list[User]:
    """The active staff intake may name as the manager a complaint was made to (PROP-4)."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.active.is_(True), User.holding(*MANAGER_ROLES))
            .order_by(User.name)
        )
    )


def set_viewers(tenant: Tenant, actor: User | None, roles: list[str]) -> bool:
    """Name the roles that see restricted cases; False when nothing changed. Audited."""
    if not roles:
        raise InvalidInput("viewers", _l("Name at least one role, or nobody could read them."))
    before = list(tenant.config.restricted_case_viewers)
    after = [r.value for r in Role if r.value in roles]  # in the roles' order, each once
    if after == before:
        return False
    tenant.update_config(restricted_case_viewers=after)
    event = audit.record(
        actor, "sight.restricted", "restricted_case_viewers", {"before": before, "after": after}
    )
    event.tenant_id = tenant.id
    return True
