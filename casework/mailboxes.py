"""The tenant's mailbox settings (机构设置 → 邮箱收件): what the admin saves, audited.

The password is sealed (:mod:`tenants.secrets`) as it is saved and never read back to a
page; an empty password field keeps the one stored. Changing the server, account or folder
starts reading afresh from the folder's current state (the taken mails' keys still stop any
mail from opening a second case).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tenants import audit, secrets
from tenants.db import db, utcnow
from tenants.models import Tenant, User

from .errors import InvalidInput
from .models import InboundMail, Mailbox

HOST = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,198}[A-Za-z0-9])?")
# A folder name IMAP takes as a quoted string: printable ASCII (no modified UTF-7 here).
FOLDER = re.compile(r"[\x20-\x7e]{1,200}")
RECENT = 20  # mails listed on the settings page


@dataclass
class MailboxSettings:
    """What the admin enters; ``password`` empty keeps the stored one."""

    host: str
    port: int
    tls: bool
    username: str
    password: str
    folder: str
    enabled: bool


def mailbox(tenant: Tenant) -> Mailbox | None:
    """The tenant's mailbox row, if it has one."""
    return db.session.scalar(sa.select(Mailbox).where(Mailbox.tenant_id == tenant.id))


def password(box: Mailbox) -> str | None:
    """The stored password, unsealed; None when none is stored or no key opens it."""
    return secrets.unseal(box.password_sealed)


def check(values: MailboxSettings, has_password: bool) -> MailboxSettings:
    """The settings cleaned, or InvalidInput naming the field at fault."""
    values.host = values.host.strip()
    values.username = values.username.strip()
    values.folder = values.folder.strip() or "INBOX"
    if not HOST.fullmatch(values.host):
        raise InvalidInput("host", _l("Enter the mail server's name, such as imap.example.com."))
    if not 1 <= values.port <= 65535:
        raise InvalidInput("port", _l("Use a port from 1 to 65535."))
    if not values.username or len(values.username) > 200:
        raise InvalidInput("username", _l("Enter the mailbox's user name."))
    if not FOLDER.fullmatch(values.folder):
        raise InvalidInput("folder", _l("Use a folder name in plain letters, such as INBOX."))
    if not values.password and not has_password:
        raise InvalidInput("password", _l("Enter the mailbox's password."))
    return values


def configure(tenant: Tenant, actor: User | None, values: MailboxSettings) -> bool:
    """Save the tenant's mailbox settings; False when nothing changed. Audited, the password
    only as "changed"."""
    box = mailbox(tenant)
    if box is None:
        box = Mailbox(tenant_id=tenant.id)
        db.session.add(box)
    values = check(values, bool(box.password_sealed))
    before = _values(box)
    after = {
        "host": values.host,
        "port": values.port,
        "tls": values.tls,
        "username": values.username,
        "folder": values.folder,
        "enabled": values.enabled,
    }
    new_password = bool(values.password) and values.password != password(box)
    if before == after and not new_password:
        return False
    moved = any(before.get(k) != after[k] for k in ("host", "port", "username", "folder"))
    for key, value in after.items():
        setattr(box, key, value)
    if new_password:
        box.password_sealed = secrets.seal(values.password)
    if moved:
        # Another folder: its UIDs mean nothing against the old position.
        box.uidvalidity, box.last_uid, box.since = None, 0, None
    if box.enabled and box.since is None:
        box.since = (utcnow() - dt.timedelta(days=1)).date()
    box.last_error = ""
    if new_password:  # the log says that it changed, nothing of it
        before["password_changed"], after["password_changed"] = False, True
    audit.record(actor, "mailbox.set", "mailbox", {"before": before, "after": after})
    return True


def recent(box: Mailbox, limit: int = RECENT) -> list[InboundMail]:
    """The mails read last, newest first."""
    return list(
        db.session.scalars(
            sa.select(InboundMail)
            .where(InboundMail.mailbox_id == box.id)
            .order_by(InboundMail.id.desc())
            .limit(limit)
        )
    )


def _values(box: Mailbox) -> dict[str, object]:
    return {
        "host": box.host or "",
        "port": box.port if box.port is not None else 993,
        "tls": True if box.tls is None else box.tls,
        "username": box.username or "",
        "folder": box.folder or "INBOX",
        "enabled": bool(box.enabled),
    }
