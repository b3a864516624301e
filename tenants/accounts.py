"""Staff accounts: adding one, checking a log-in, passwords and their one-time links, role,
department, deactivation and reactivation.

Ending a user's sessions is one move, :meth:`User.end_sessions`; every verb here that
changes who may act as the user makes it, and every change but a log-in or log-out leaves
an audit event (never a hash or a link), so a tenant can see who locked whom out and when.

A new account, and an account whose password an admin reset, has an unusable password and
gets a link to set one. The link carries a signed, timed token naming the user, their
session version and a fingerprint of their password hash: setting a password changes both,
and every newer link or reset bumps the version, so a link works once and only until a newer
one is issued. Tokens are never stored; whoever needs one makes it from the user's row.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from . import audit, passwords
from .db import current_tenant_id, db, tenant_bound
from .models import Department, Role, Tenant, User

_dummy_hashes: dict[str, str] = {}
_dummy_lock = threading.Lock()

# A stored hash starting with this is no hash at all: no password matches it.
UNUSABLE = "!"
_LINK_SALT = "closeloop.password-link"


class Refused(ValueError):
    """A change to an account refused for its input; ``field`` names the form field it
    concerns (None: the change as a whole), ``message`` says why in the user's language."""

    def __init__(self, field: str | None, message: object) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


_LAST_ADMIN = _l(
    "This is the last active admin of the organisation: make someone else admin first."
)
# Handlers and department heads work for a department; the others need none.
_NEEDS_DEPARTMENT = (Role.HANDLER, Role.DEPT_HEAD)


def authenticate(username: str, password: str, hash_method: str) -> User | None:
    """The bound tenant's active user with this name and password, or None.

    An unknown name costs the same as a wrong password: the password is checked against a
    hash made once per process with ``hash_method`` (the method new passwords get), so the
    time taken tells nothing about which names exist. An inactive account is checked too,
    and refused after; so is an account waiting for its password to be set.
    """
    user = db.session.scalars(
        sa.select(User).where(User.username == username.strip())
    ).one_or_none()
    if user is None or not has_password(user):
        check_password_hash(dummy_hash(hash_method), password)
        return None
    return user if user.check_password(password) and user.active else None


def dummy_hash(hash_method: str) -> str:
    """A hash made with ``hash_method`` that no password typed into a form matches.

    Made once per process and method; the app makes it at start, so not even the first
    unknown name of a process takes longer than a wrong password.
    """
    with _dummy_lock:
        if hash_method not in _dummy_hashes:
            _dummy_hashes[hash_method] = generate_password_hash("\0", method=hash_method)
        return _dummy_hashes[hash_method]


def unusable_password() -> str:
    """A stored value no password matches, different every time (so links made for the
    previous one stop working)."""
    return UNUSABLE + secrets.token_urlsafe(32)


def has_password(user: User) -> bool:
    """Whether the user has set a password (or still waits for their link)."""
    return not user.password_hash.startswith(UNUSABLE)


def log_out(user: User) -> None:
    """End the user's sessions, this one included; the caller commits."""
    user.end_sessions()


def _personal_words(user: User) -> list[str]:
    """What a guesser knows of the user, for the password check."""
    return [user.username, user.name, user.email, user.email.partition("@")[0], user.phone]


def check_password_rules(user: User, password: str) -> None:
    """Refused (on the ``password`` field) unless ``password`` meets the password rules."""
    try:
        passwords.check(password, _personal_words(user))
    except passwords.WeakPassword as exc:
        raise Refused("password", exc.message) from exc


def change_password(actor: User | None, user: User, password: str, hash_method: str) -> None:
    """Give ``user`` a new password and end their sessions; audited, the caller commits.

    Refused (on the ``password`` field) when the password breaks the rules
    (:mod:`tenants.passwords`).
    """
    check_password_rules(user, password)
    user.set_password(password, method=hash_method)
    user.end_sessions()
    # The audit names the change, never the hash.
    audit.record(actor, "user.password", user.username, {"before": None, "after": None})


def change_own_password(user: User, current: str, password: str, hash_method: str) -> None:
    """The user changes their own password, giving the current one; the caller commits.

    Refused on ``current_password`` when it is wrong, on ``password`` when the new one
    breaks the rules. Every session of the user ends, this one included: the caller logs
    them in again.
    """
    if not has_password(user) or not user.check_password(current):
        raise Refused("current_password", _l("This is not your current password."))
    if hmac.compare_digest(current, password):
        raise Refused("password", _l("Choose a password different from the current one."))
    change_password(user, user, password, hash_method)


# --- adding staff, and changing them ----------------------------------------------------


def create_account(
    tenant: Tenant,
    actor: User | None,
    *,
    username: str,
    name: str,
    role: Role,
    department_id: int | None = None,
    email: str = "",
    phone: str = "",
    label: str | None = None,
    extra_roles: Iterable[Role] = (),
) -> User:
    """Add a staff member to ``tenant`` with an unusable password; audited, the caller commits.

    They set their password through a link (web/auth/links.py delivers it). Works with or
    without the tenant bound: ``actor`` None is the system, or the platform operator named
    by ``label``. Refused (:class:`Refused`, naming the field) for a user name the tenant
    has already, an empty name, or a department that is not the tenant's or not active.
    """
    username = username.strip()
    name = name.strip()
    with tenant_bound(tenant.id):
        if not username:
            raise Refused("username", _l("Give a user name."))
        if not name:
            raise Refused("name", _l("Give a name."))
        taken = db.session.scalar(sa.select(User.id).where(User.username == username))
        if taken is not None:
            raise Refused("username", _l("This user name is taken already."))
        department = _department(department_id, tenant.id)
        roles = [Role(role), *(Role(r) for r in extra_roles)]
        _needs_department(roles, department)
        user = User(
            tenant_id=tenant.id,
            username=username,
            name=name,
            department_id=department.id if department else None,
            email=email.strip(),
            phone=phone.strip(),
            password_hash=unusable_password(),
            active=True,
        )
        user.set_roles(roles[0], roles[1:])
        try:
            # Two admins adding one name at once: the second meets the unique constraint.
            with db.session.begin_nested():
                db.session.add(user)
        except sa.exc.IntegrityError:
            raise Refused("username", _l("This user name is taken already.")) from None
        audit.record(
            actor,
            "user.add",
            user.username,
            {
                "before": None,
                "after": {
                    "name": user.name,
                    "role": _roles_record(user),
                    "department": department.name if department else None,
                    "email": user.email,
                    "phone": user.phone,
                },
            },
            label=label,
        ).tenant_id = tenant.id
    return user


def update_member(
    actor: User,
    user: User,
    *,
    name: str,
    email: str,
    phone: str,
    role: Role,
    department_id: int | None,
    extra_roles: Iterable[Role] | None = None,
) -> list[str]:
    """Change a staff member's details, role and department at once; each change audited.

    Returns the audit kinds recorded (empty: nothing changed). All or nothing: refused
    before anything changes when the name is empty, the department is not an active one of
    the tenant's, a handler or department head would have none, or the last active admin
    would stop being admin. The caller commits.
    """
    role = Role(role)
    name = name.strip()
    if not name:
        raise Refused("name", _l("Give a name."))
    department = (
        _department(department_id, user.tenant_id)
        if department_id != user.department_id
        else _current_department(user)
    )
    extra = _extra(user, extra_roles)
    _needs_department([role, *extra], department)
    kinds = []
    # First: refused for the last admin, it leaves nothing else changed.
    if set_role(actor, user, role, extra):
        kinds.append("user.role")
    if set_department(actor, user, department_id):
        kinds.append("user.department")
    for field, value in (("name", name), ("email", email.strip()), ("phone", phone.strip())):
        before = getattr(user, field)
        if value != before:
            setattr(user, field, value)
            audit.record(actor, f"user.{field}", user.username, {"before": before, "after": value})
            kinds.append(f"user.{field}")
    return kinds


def set_role(
    actor: User, user: User, role: Role, extra_roles: Iterable[Role] | None = None
) -> bool:
    """Give ``user`` another main role and, when given, other further roles; audited.

    Returns whether anything changed; the caller commits. Refused when it would leave the
    tenant without an active admin.
    """
    role, extra = Role(role), _extra(user, extra_roles)
    after = {role, *extra}
    if role == user.role and after == user.roles:
        return False
    if user.has_role(Role.ADMIN) and Role.ADMIN not in after and user.active:
        _keep_an_admin(user, _LAST_ADMIN)
    before = _roles_record(user)
    user.set_roles(role, extra)
    audit.record(
        actor, "user.role", user.username, {"before": before, "after": _roles_record(user)}
    )
    return True


def _extra(user: User, extra_roles: Iterable[Role] | None) -> list[Role]:
    """The further roles asked for, or the user's own when none were given."""
    if extra_roles is None:
        return user.role_list[1:]
    return [Role(r) for r in extra_roles]


def _roles_record(user: User) -> str | list[str]:
    """The roles as the audit log keeps them: the word of one role, or the list of several."""
    words = [r.value for r in user.role_list]
    return words[0] if len(words) == 1 else words


def set_department(actor: User, user: User, department_id: int | None) -> bool:
    """Move ``user`` to another department (or none); audited. Returns whether it changed.

    Refused for a department that is not the tenant's or not active. Cases already named to
    the user stay theirs. The caller commits.
    """
    if department_id == user.department_id:
        return False
    department = _department(department_id, user.tenant_id)
    before = _department_name(user.department_id)
    user.department_id = department.id if department else None
    audit.record(
        actor,
        "user.department",
        user.username,
        {"before": before, "after": department.name if department else None},
    )
    return True


def deactivate(actor: User | None, user: User) -> None:
    """Stop ``user`` from logging in and end their sessions; audited, the caller commits.

    Their cases stay as they are, still naming them. Refused for the last active admin.
    """
    if not user.active:
        return
    if user.has_role(Role.ADMIN):
        _keep_an_admin(user, _LAST_ADMIN)
    if actor is not None and actor.id == user.id:
        raise Refused(None, _l("You cannot deactivate your own account; ask another admin."))
    user.active = False
    user.end_sessions()
    audit.record(actor, "user.active", user.username, {"before": True, "after": False})


def reactivate(actor: User | None, user: User) -> None:
    """Let a deactivated user log in again (with the password they had); audited."""
    if user.active:
        return
    user.active = True
    audit.record(actor, "user.active", user.username, {"before": False, "after": True})


def reset_password(actor: User | None, user: User, *, label: str | None = None) -> None:
    """Make the user's password unusable and end their sessions, so a new set-password link
    (delivered by the caller) is the only way back in; every older link stops working.

    Audited as ``user.password_link``; the caller commits. Refused for a deactivated user
    (reactivate them first) and for the actor's own account (their own password is changed
    on their account page: a reset would log them out before they saw the link).
    """
    if not user.active:
        raise Refused(None, _l("This account is deactivated: reactivate it first."))
    if actor is not None and actor.id == user.id:
        raise Refused(None, _l("Change your own password on your account page."))
    user.password_hash = unusable_password()
    user.end_sessions()
    audit.record(
        actor, "user.password_link", user.username, {"before": None, "after": None}, label=label
    ).tenant_id = user.tenant_id


def _needs_department(roles: Iterable[Role], department: Department | None) -> None:
    """Handlers and department heads work for a department: refuse one without."""
    if any(Role(r) in _NEEDS_DEPARTMENT for r in roles) and department is None:
        raise Refused("department_id", _l("A handler or department head needs a department."))


def _current_department(user: User) -> Department | None:
    if user.department_id is None:
        return None
    return db.session.scalar(sa.select(Department).where(Department.id == user.department_id))


def _keep_an_admin(user: User, message: object) -> None:
    """Refuse unless an active admin other than ``user`` remains.

    The other admins' rows are locked (PostgreSQL), so two admins demoting each other at
    once cannot both succeed: the second waits, then counts again.
    """
    others = db.session.scalars(
        sa.select(User.id)
        .where(User.holding(Role.ADMIN), User.active.is_(True), User.id != user.id)
        .with_for_update()
    ).all()
    if not others:
        raise Refused(None, message)


def _department(department_id: int | None, tenant_id: int) -> Department | None:
    if department_id is None:
        return None
    department = db.session.scalar(
        sa.select(Department).where(
            Department.id == department_id, Department.tenant_id == tenant_id
        )
    )
    if department is None or not department.active:
        raise Refused("department_id", _l("Choose one of the active departments."))
    return department


def _department_name(department_id: int | None) -> str | None:
    if department_id is None:
        return None
    return db.session.scalar(sa.select(Department.name).where(Department.id == department_id))


def staff(include_inactive: bool = True) -> list[User]:
    """The bound tenant's staff, active first, then by name."""
    stmt = sa.select(User).order_by(User.active.desc(), User.username)
    if not include_inactive:
        stmt = stmt.where(User.active.is_(True))
    return list(db.session.scalars(stmt))


# --- one-time links to set a password ---------------------------------------------------


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=_LINK_SALT)


def _fingerprint(user: User, secret_key: str) -> str:
    # Keyed, so the token (readable by whoever holds it) tells nothing about the hash.
    digest = hmac.new(secret_key.encode(), user.password_hash.encode(), hashlib.sha256)
    return digest.hexdigest()[:24]


def password_token(user: User, secret_key: str) -> str:
    """A token that lets ``user`` set a password once, while their password and session
    version stay as they are now. Never stored: make it when it is sent or shown."""
    payload = [user.tenant_id, user.id, user.session_version, _fingerprint(user, secret_key)]
    return _serializer(secret_key).dumps(payload)


def user_for_token(token: str, secret_key: str, max_age: int) -> User | None:
    """The bound tenant's active user ``token`` was made for, while it is still good.

    None when it is forged, older than ``max_age`` seconds, for another tenant, or spent:
    used, or overtaken by a newer link, a reset or a password change.
    """
    try:
        payload = _serializer(secret_key).loads(token, max_age=max_age)
    except BadSignature:  # SignatureExpired included
        return None
    if not (isinstance(payload, list) and len(payload) == 4):
        return None
    tenant_id, user_id, version, fingerprint = payload
    if tenant_id != current_tenant_id() or not isinstance(user_id, int):
        return None
    user = db.session.scalar(sa.select(User).where(User.id == user_id))
    if (
        user is None
        or user.tenant_id != tenant_id
        or not user.active
        or user.session_version != version
        or not isinstance(fingerprint, str)
        or not hmac.compare_digest(_fingerprint(user, secret_key), fingerprint)
    ):
        return None
    return user


def set_password_from_link(user: User, password: str, hash_method: str) -> bool:
    """Set the password of a user found by :func:`user_for_token`; audited, the caller commits.

    Refused (``password``) when it breaks the rules. False when the link was spent meanwhile
    (a second request with the same link, racing this one): the row is changed only if its
    version and hash are still those the token was checked against, so one link sets one
    password, however many requests carry it at once.
    """
    check_password_rules(user, password)
    version, old_hash = user.session_version, user.password_hash
    new_hash = generate_password_hash(password, method=hash_method)
    done = db.session.execute(
        sa.update(User)
        .where(User.id == user.id, User.session_version == version, User.password_hash == old_hash)
        .values(session_version=version + 1, password_hash=new_hash)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        return False
    db.session.expire(user, ["session_version", "password_hash"])
    audit.record(user, "user.password", user.username, {"before": None, "after": None})
    return True
