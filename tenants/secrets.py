"""Secrets a tenant stores with us (a mailbox password, an SMS gateway key), encrypted at rest.

A tenant's credentials for its own mailbox or text-message gateway must not sit readable in
the database or in a backup of it. They are sealed with Fernet (AES-128-CBC with an HMAC,
from the ``cryptography`` package) under a key kept outside the database: ``SECRETS_KEY``
when set (one key, or several separated by commas, the first sealing and all opening, so a
key can be rotated), else one derived from ``SECRET_KEY`` by HKDF, so embedded mode needs no
extra setting. A value that no key opens reads as missing, never as garbage.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


def _derived(secret_key: str) -> bytes:
    raw = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"closeloop tenant secrets"
    ).derive(secret_key.encode())
    return base64.urlsafe_b64encode(raw)


def _box() -> MultiFernet:
    configured = current_app.config.get("SECRETS_KEY") or ""
    keys = [k.strip().encode() for k in configured.split(",") if k.strip()]
    if not keys:
        keys = [_derived(current_app.config["SECRET_KEY"])]
    return MultiFernet([Fernet(k) for k in keys])


def seal(plain: str) -> str:
    """Encrypt ``plain`` for storage; the result is ASCII text."""
    return _box().encrypt(plain.encode()).decode("ascii")


def unseal(token: str | None) -> str | None:
    """Decrypt what :func:`seal` made; ``None`` when empty or when no key opens it."""
    if not token:
        return None
    try:
        return _box().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        return None
