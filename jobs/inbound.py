"""Inbound channels: complaints that arrive by mailbox, SMS or an upstream hotline.

Each channel gets one adapter here that turns an arriving message into the domain's intake
record, :class:`casework.operations.Complaint` (with its channel, and the time it arrived as
``received_at`` so the acceptance clock runs from then), and calls ``open_case`` with it,
exactly as the portal and staff intake do. An adapter runs as a job with its tenant bound
(:func:`jobs.runtime.job`), polled by the schedule or fed by a webhook, and takes ids or the
raw message, never ORM objects, and recognises a message it has already taken, so a
redelivery opens no second case.

The mailbox (邮箱收件) is the first: :func:`poll` runs on the schedule and reads each enabled
mailbox by UID. Every mail read leaves one ``inbound_mails`` row under two unique keys, its
(UIDVALIDITY, UID) and its Message-ID (else a digest), committed with the case it opened or
joined; the mailbox's last UID moves on only after that commit. So a job that dies mid-way
resumes at the mail it had not finished, a second run or a second clock finds the rows and
opens nothing twice, and a folder the server renumbered (a new UIDVALIDITY) is read again
from the start with every mail already taken recognised by its Message-ID. A mail that
cannot become a case (too large, no sender, nothing in it, unreadable) is recorded as
skipped with its reason, shown on the mailbox page, and the reading moves past it: no mail
is lost silently, and none is fetched again and again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from casework import mailboxes
from casework.errors import InvalidInput
from casework.models import InboundMail, Mailbox, MailOutcome
from casework.operations import mail as mail_ops
from tenants.db import db, tenant_bound, unscoped, utcnow
from tenants.models import Tenant

from . import imap, mailparse
from .runtime import job

log = logging.getLogger(__name__)

MAX_MAIL_BYTES = 25 * 1024 * 1024  # a larger mail is skipped unread (its header only)
BATCH = 50  # mails read per mailbox per run; the rest wait for the next run


def poll() -> int:
    """Read every enabled mailbox once (the schedule calls this); the mails read."""
    with unscoped():
        boxes = db.session.execute(
            sa.select(Mailbox.id, Mailbox.tenant_id)
            .where(Mailbox.enabled.is_(True))
            .order_by(Mailbox.id)
        ).all()
    read = 0
    for box_id, tenant_id in boxes:
        with tenant_bound(tenant_id):
            try:
                read += fetch_mailbox(mailbox_id=box_id)
            except Exception:
                db.session.rollback()
                log.exception("mailbox %s of tenant %s failed", box_id, tenant_id)
    return read


@job("inbound.mailbox")
def fetch_mailbox(mailbox_id: int) -> int:
    """Read the new mail of one mailbox (its tenant bound); the number of mails read."""
    box = db.session.get(Mailbox, mailbox_id)
    if box is None or not box.enabled:
        return 0
    tenant = db.session.get(Tenant, box.tenant_id)
    password = mailboxes.password(box)
    if password is None:
        with force_locale(tenant.locale):
            return _failed(box, _("The stored password cannot be read: enter it again."))
    account = imap.Account(box.host, box.port, box.tls, box.username, password, box.folder)
    try:
        with imap.Session(account) as session:
            if box.uidvalidity != session.uidvalidity:
                if box.uidvalidity is not None:
                    log.warning(
                        "mailbox %s: UIDVALIDITY %s → %s, reading the folder again",
                        box.id,
                        box.uidvalidity,
                        session.uidvalidity,
                    )
                box.uidvalidity, box.last_uid = session.uidvalidity, 0
                db.session.commit()
            uids = session.uids_after(box.last_uid, box.since)[:BATCH]
            for uid in uids:
                _read_one(session, tenant, box, uid)
    except imap.MailboxError as exc:
        db.session.rollback()
        with force_locale(tenant.locale):
            return _failed(box, str(exc))
    box.polled_at, box.last_error = utcnow(), ""
    db.session.commit()
    return len(uids)


def _failed(box: Mailbox, message: str) -> int:
    log.warning("mailbox %s: %s", box.id, message)
    box.polled_at, box.last_error = utcnow(), message[:500]
    db.session.commit()
    return 0


def _read_one(session: imap.Session, tenant: Tenant, box: Mailbox, uid: int) -> None:
    """Take one mail, or record why not, then move the mailbox past it."""
    place = (InboundMail.mailbox_id == box.id, InboundMail.uidvalidity == box.uidvalidity)
    if db.session.scalar(sa.select(InboundMail.id).where(*place, InboundMail.uid == uid)):
        _advance(box, uid)  # taken before a run died between its commit and this one
        return
    meta = session.meta(uid)
    if meta is None:
        _advance(box, uid)  # deleted from the mailbox meanwhile: nothing to take
        return
    size, arrived = meta
    received = _arrival(arrived)
    if size > MAX_MAIL_BYTES:
        header = session.fetch(uid, header_only=True) or b""
        key = _key(header)
        with force_locale(tenant.locale):
            reason = _(
                "The mail is %(size)s MB, above the limit of %(limit)s MB: it was not read. "
                "Open it in the mailbox itself.",
                size=round(size / (1024 * 1024), 1),
                limit=MAX_MAIL_BYTES // (1024 * 1024),
            )
        _skip(box, uid, key, size, reason, header)
        _advance(box, uid)
        return
    raw = session.fetch(uid)
    if raw is None:
        _advance(box, uid)
        return
    key = _key(raw)
    if db.session.scalar(
        sa.select(InboundMail.id).where(
            InboundMail.mailbox_id == box.id, InboundMail.message_key == key
        )
    ):
        log.info("mailbox %s: UID %s is %s, taken already", box.id, uid, key)
        _advance(box, uid)
        return
    with force_locale(tenant.locale):
        try:
            mail = mailparse.parse(raw, received)
            outcome, case = mail_ops.take(tenant, mail)
            db.session.add(
                InboundMail(
                    tenant_id=tenant.id,
                    mailbox_id=box.id,
                    uidvalidity=box.uidvalidity,
                    uid=uid,
                    message_key=key,
                    outcome=outcome,
                    case_id=case.id,
                    sender=mail.sender[:200],
                    subject=mail.subject[:300],
                    size=size,
                )
            )
            db.session.commit()  # the case and its "taken" row together
        except sa.exc.IntegrityError:
            db.session.rollback()  # another run took it in the meantime
            log.info("mailbox %s: UID %s taken by another run", box.id, uid)
        except sa.exc.OperationalError:
            db.session.rollback()
            raise  # the database is away: try again next run, nothing recorded
        except InvalidInput as exc:
            db.session.rollback()
            _skip(box, uid, key, size, str(exc.message), raw)
        except Exception as exc:
            db.session.rollback()
            log.exception("mailbox %s: UID %s could not be taken", box.id, uid)
            reason = _("The mail could not be read (%(error)s).", error=type(exc).__name__)
            _skip(box, uid, key, size, reason, raw)
    _advance(box, uid)


def _skip(box: Mailbox, uid: int, key: str, size: int, reason: str, raw: bytes) -> None:
    """Record a mail kept out of the cases, with its reason, and log it."""
    log.warning("mailbox %s: UID %s skipped: %s", box.id, uid, reason)
    sender, subject = _headline(raw)
    db.session.add(
        InboundMail(
            tenant_id=box.tenant_id,
            mailbox_id=box.id,
            uidvalidity=box.uidvalidity,
            uid=uid,
            message_key=key,
            outcome=MailOutcome.SKIPPED,
            sender=sender[:200],
            subject=subject[:300],
            size=size,
            reason=reason[:500],
        )
    )
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()  # recorded already, by another run


def _headline(raw: bytes) -> tuple[str, str]:
    try:
        mail = mailparse.parse(raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n", utcnow())
    except Exception:  # a header too broken even to list: the UID still names it
        return "", ""
    return mail.sender, mail.subject


def _advance(box: Mailbox, uid: int) -> None:
    """Move the mailbox past ``uid``, only after the mail's own commit."""
    if uid > (box.last_uid or 0):
        box.last_uid = uid
    db.session.commit()


def _key(raw: bytes) -> str:
    found = mailparse.message_id(raw)
    return found or "sha256:" + hashlib.sha256(raw).hexdigest()


def _arrival(arrived: dt.datetime | None) -> dt.datetime:
    """When the mail reached the server, within what intake accepts (not ahead of now, not
    over a year back)."""
    now = utcnow()
    if arrived is None or arrived > now:
        return now
    return max(arrived, now - dt.timedelta(days=365))
