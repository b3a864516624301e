"""Platform operators (平台运维) and what they do to whole tenants: suspend and resume.

An operator belongs to no tenant and is never a tenant's user: their account lives in its
own table, their session under its own key (web/platform), and every change they make to a
tenant is written to that tenant's audit log under the name ``platform: <name>``, so the
organisation sees who paused it and when.
"""

from __future__ import annotations

import sqlalchemy as sa
from werkzeug.security import check_password_hash

from . import audit, passwords
from .accounts import dummy_hash
from .db import db, tenant_bound, utcnow
from .models import Operator, Tenant

USERNAME_MAX = 80
NAME_MAX = 100


class OperatorError(ValueError):
    """An operator account that cannot be made as asked; the message says why."""


def password_problem(password: str, known: tuple[str, ...] = ()) -> str | None:
    """Why ``password`` is not good enough for an operator, or None when it is.

    The staff rules (:mod:`tenants.passwords`: a minimum length, not a common password, not
    built from ``known``, the operator's own user name and name).
    """
    reason = passwords.problem(password, known)
    return None if reason is None else str(reason)


def create_operator(
    username: str, name: str, password: str, hash_method: str = "scrypt"
) -> Operator:
    """Add an operator account; the caller commits.

    :class:`OperatorError` when the name is empty, too long or taken, or the password is
    too weak.
    """
    username, name = username.strip(), name.strip()
    if not username or len(username) > USERNAME_MAX:
        raise OperatorError(f"a user name has 1 to {USERNAME_MAX} characters")
    if not name or len(name) > NAME_MAX:
        raise OperatorError(f"a name has 1 to {NAME_MAX} characters")
    problem = password_problem(password, (username, name))
    if problem:
        raise OperatorError(problem)
    taken = db.session.scalar(sa.select(Operator.id).where(Operator.username == username))
    if taken is not None:
        raise OperatorError(f"an operator called {username!r} exists already")
    operator = Operator(username=username, name=name)
    operator.set_password(password, method=hash_method)
    db.session.add(operator)
    db.session.flush()
    return operator


def authenticate_operator(username: str, password: str, hash_method: str) -> Operator | None:
    """The active operator with this name and password, or None.

    As for staff (:func:`tenants.accounts.authenticate`), an unknown name costs one password
    check against a dummy hash, so the time taken tells nothing about which names exist; an
    inactive account is checked too, and refused after.
    """
    operator = db.session.scalars(
        sa.select(Operator).where(Operator.username == username.strip())
    ).one_or_none()
    if operator is None:
        check_password_hash(dummy_hash(hash_method), password)
        return None
    return operator if operator.check_password(password) and operator.active else None


def session_token(operator: Operator) -> str:
    """What an operator's session carries: their id and session version."""
    return f"{operator.id}:{operator.session_version}"


def operator_for_session(token: object) -> Operator | None:
    """The operator a session's token names, while it is current (active, same version)."""
    if not isinstance(token, str):
        return None
    parts = token.split(":")
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() and len(p) < 19 for p in parts):
        return None
    operator_id, version = (int(p) for p in parts)
    operator = db.session.get(Operator, operator_id)
    if operator is None or not operator.active or operator.session_version != version:
        return None
    return operator


def log_out(operator: Operator) -> None:
    """End the operator's sessions everywhere, this one included; the caller commits."""
    operator.session_version = (operator.session_version or 0) + 1


def suspend_tenant(operator: Operator, tenant: Tenant) -> bool:
    """Pause a tenant: its portal and desk answer that the service is paused.

    Nothing is deleted and staff sessions are kept (they find nothing while it lasts).
    Jobs go on: letters, reminders and mail already owed to complainants keep going out,
    since a complainant's rights (a reply date, an acknowledgement) do not pause with the
    service. Audited in the tenant's own log; False when it was suspended already. The
    caller commits.
    """
    if tenant.suspended_at is not None:
        return False
    tenant.suspended_at = utcnow()
    _audit(operator, tenant, "tenant.suspended", None, tenant.suspended_at.isoformat())
    return True


def resume_tenant(operator: Operator, tenant: Tenant) -> bool:
    """Lift a suspension: everything works again as before. False when it was not suspended."""
    if tenant.suspended_at is None:
        return False
    before = tenant.suspended_at.isoformat()
    tenant.suspended_at = None
    _audit(operator, tenant, "tenant.resumed", before, None)
    return True


def record_creation(operator: Operator, tenant: Tenant, admin_username: str) -> None:
    """Write in a new tenant's audit log that the platform created it, and with which admin."""
    _audit(
        operator, tenant, "tenant.created", None, {"preset": tenant.preset, "admin": admin_username}
    )


def actor_label(operator: Operator) -> str:
    """How a tenant's audit log names an operator."""
    return f"platform: {operator.name}"[:100]


def _audit(operator: Operator, tenant: Tenant, kind: str, before: object, after: object) -> None:
    with tenant_bound(tenant.id):
        row = audit.record(
            None,
            kind,
            tenant.slug,
            {"before": before, "after": after},
            label=actor_label(operator),
        )
        # Stamped now: the flush that would stamp it may come after the binding is gone.
        row.tenant_id = tenant.id
        db.session.flush()
