"""Staff accounts after they exist: checking a log-in, changing a password, deactivating.

Ending a user's sessions is one move, :meth:`User.end_sessions`; every verb here that
changes who may act as the user makes it, and every change but a log-in or log-out leaves
an audit event, so a tenant can see who locked whom out and when.
"""

from __future__ import annotations

import threading

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from . import audit
from .db import db
from .models import User

_dummy_hashes: dict[str, str] = {}
_dummy_lock = threading.Lock()


def authenticate(username: str, password: str, hash_method: str) -> User | None:
    """The bound tenant's active user with this name and password, or None.

    An unknown name costs the same as a wrong password: the password is checked against a
    hash made once per process with ``hash_method`` (the method new passwords get), so the
    time taken tells nothing about which names exist. An inactive account is checked too,
    and refused after.
    """
    user = db.session.scalars(
        sa.select(User).where(User.username == username.strip())
    ).one_or_none()
    if user is None:
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


def log_out(user: User) -> None:
    """End the user's sessions, this one included; the caller commits."""
    user.end_sessions()


def change_password(actor: User | None, user: User, password: str, hash_method: str) -> None:
    """Give ``user`` a new password and end their sessions; audited, the caller commits."""
    user.set_password(password, method=hash_method)
    user.end_sessions()
    # The audit names the change, never the hash.
    audit.record(actor, "user.password", user.username, {"before": None, "after": None})


def deactivate(actor: User | None, user: User) -> None:
    """Stop ``user`` from logging in and end their sessions; audited, the caller commits."""
    before = user.active
    user.active = False
    user.end_sessions()
    audit.record(actor, "user.active", user.username, {"before": before, "after": False})
