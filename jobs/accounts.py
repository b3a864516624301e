"""Staff accounts' mail: the one-time link to set a password.

The outbox row names the user and the session version the link was issued for, never a
token; the job makes the token when it sends, from the user's row as it is then. A link
issued for a version the user has moved past (a newer link, a reset, a password set) is not
sent: the newer one is. The message is claimed under the key ``password-link:<user>:<version>``
before the SMTP conversation, so one link is mailed at most once, and the mail log keeps the
message without the link in it.
"""

from __future__ import annotations

import logging
import smtplib
from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from casework.models import Message
from casework.outbox import after_commit
from tenants import accounts
from tenants.db import db, tenant_bound, utcnow
from tenants.models import Tenant, User

from . import notify
from .runtime import job

log = logging.getLogger(__name__)

JOB = "accounts.password_link"
DEFAULT_LINK_HOURS = 72


def link_hours() -> int:
    """How long a set-password link works, in hours (``PASSWORD_LINK_HOURS``)."""
    return int(current_app.config.get("PASSWORD_LINK_HOURS", DEFAULT_LINK_HOURS))


def mail_on() -> bool:
    """Whether mail leaves the building (an SMTP server is configured)."""
    return bool(current_app.config.get("MAIL_SERVER"))


def password_link_url(user: User) -> str:
    """The full address of a fresh set-password link for ``user``, under ``PUBLIC_URL``.

    Made without a request (a job has none): the path comes from the URL map, the host from
    the address people use.
    """
    config = current_app.config
    token = accounts.password_token(user, config["SECRET_KEY"])
    slug = db.session.scalar(sa.select(Tenant.slug).where(Tenant.id == user.tenant_id))
    path = current_app.url_map.bind("localhost").build(
        "auth.set_password", {"slug": slug, "token": token}
    )
    return config["PUBLIC_URL"].rstrip("/") + path


def queue_link(user: User) -> None:
    """Ask for the link to be mailed to ``user`` once this transaction commits."""
    pending = after_commit(JOB, user_id=user.id, version=user.session_version)
    pending.tenant_id = user.tenant_id  # the caller may have no tenant bound (the console)


@job(JOB)
def password_link(user_id: int, version: int) -> None:
    """Email a staff member their link to set a password, once per link."""
    user = db.session.scalar(sa.select(User).where(User.id == user_id))
    if user is None or not user.active or not user.email or user.session_version != version:
        return  # gone, or overtaken by a newer link: that one is mailed instead
    if accounts.has_password(user):
        return  # set meanwhile through a link shown to the admin
    tenant = db.session.get(Tenant, user.tenant_id)
    hours = link_hours()
    with force_locale(tenant.locale):
        subject = str(_l("Set your password for %(tenant)s", tenant=tenant.name))
        kept = render_template(
            "emails/password_link.txt", tenant=tenant, user=user, link=None, hours=hours
        )
    message = Message(
        dedupe_key=f"password-link:{user.id}:{version}",
        to=user.email,
        subject=subject,
        body=kept,
        status="sending",
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:  # mailed (or being mailed) by an earlier run of this job
        return
    db.session.commit()  # the claim is durable before anything leaves the building

    if not mail_on():
        message.status = "logged"  # mail was turned off meanwhile: the admin resets again
    else:
        with force_locale(tenant.locale):
            body = render_template(
                "emails/password_link.txt",
                tenant=tenant,
                user=user,
                link=password_link_url(user),
                hours=hours,
            )
        outgoing = SimpleNamespace(to=message.to, subject=message.subject, body=body)
        try:
            notify._deliver(current_app.config, outgoing, None, "")
            message.status = "sent"
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("password link to user %s failed: %s", user.id, exc)
            message.status = "failed"
            message.error = str(exc)[:2000]
    message.sent_at = utcnow()
    db.session.commit()


def deliver(user: User) -> str | None:
    """Mail ``user`` a link to set their password after commit, or, when mail is off or
    they have no address, return the link's URL for whoever acts to hand over."""
    with tenant_bound(user.tenant_id):
        if mail_on() and user.email:
            queue_link(user)
            return None
        return password_link_url(user)
