"""Email: sent through SMTP when configured, otherwise kept in the mail log.

Every message has a dedupe key, unique per tenant. The row is committed before anything is
sent, so a retried or duplicated job finds it and sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import LazyString, force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from casework import access, privacy
from casework.letters import status_url
from casework.models import (
    Alert,
    Case,
    CaseEvent,
    Extension,
    ImprovementAction,
    Letter,
    Message,
    Notification,
    Oversight,
)
from casework.operations import complainant
from casework.states import EventKind
from tenants.db import db, utcnow
from tenants.models import Tenant, User

from .runtime import job

log = logging.getLogger(__name__)


def send_mail(
    dedupe_key: str,
    to: str,
    subject: str,
    body: str,
    *,
    case_id: int | None = None,
    letter: Letter | None = None,
    filename: str = "",
    attachment: bytes | None = None,
) -> Message | None:
    """Send one email at most once per dedupe key; returns None if it was sent before.

    A letter's PDF goes with it as ``filename``; so does ``attachment``, a PDF that is no
    letter (a summary report)."""
    message = Message(
        dedupe_key=dedupe_key,
        to=to,
        subject=subject,
        body=body,
        case_id=case_id,
        letter_id=letter.id if letter else None,
        status="sending",
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:  # sent (or being sent) by an earlier run of this job
        return None
    db.session.commit()  # the claim is durable before anything leaves the building

    config = current_app.config
    if not config.get("MAIL_SERVER"):
        message.status = "logged"
    else:
        try:
            pdf = letter.pdf if letter is not None else attachment
            _deliver(config, message, pdf, filename)
            message.status = "sent"
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("mail %s to %s failed: %s", dedupe_key, to, exc)
            message.status = "failed"
            message.error = str(exc)[:2000]
    message.sent_at = utcnow()
    db.session.commit()
    return message


def _deliver(config, message: Message, pdf: bytes | None, filename: str) -> None:
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.to
    email["Subject"] = message.subject
    email.set_content(message.body)
    if pdf is not None:
        email.add_attachment(
            pdf, maintype="application", subtype="pdf", filename=filename or "letter.pdf"
        )
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


# A claim older than this with no outcome means the sender died mid-send. At most once wins:
# it is not sent again, but the mail log says delivery is unknown so staff can follow up.
STUCK_AFTER = dt.timedelta(minutes=10)


def delivery_state(message: Message, now: dt.datetime) -> str:
    """logged / sent / failed / sending, or "unknown" for a send that never finished."""
    if message.status == "sending" and message.created_at < now - STUCK_AFTER:
        return "unknown"
    return message.status


def mail_log(limit: int = 50, before_id: int | None = None) -> list[Message]:
    """The bound tenant's newest messages, for the desk's mail log."""
    stmt = sa.select(Message).order_by(Message.id.desc()).limit(limit)
    if before_id is not None:
        stmt = stmt.where(Message.id < before_id)
    return list(db.session.scalars(stmt))


def email_complainant(
    case: Case,
    dedupe_key: str,
    subject: object,
    template: str,
    *,
    letter: Letter | None = None,
    filename: str = "",
    **ctx: object,
) -> Message | None:
    """Email the complainant, if they left an address, in their language (the tenant's when
    they gave none), once per key.

    ``subject`` is a lazy string, read in that language.
    """
    if not case.complainant_email:
        return None
    tenant = case.tenant
    with force_locale(case.complainant_locale or tenant.locale):
        body = render_template(template, tenant=tenant, case=case, **ctx)
        title = str(subject)
    return send_mail(
        dedupe_key,
        case.complainant_email,
        title,
        body,
        case_id=case.id,
        letter=letter,
        filename=filename,
    )


@job("notify.result")
def result(case_id: int) -> None:
    """Email the handling result to the complainant (处理结果告知), without the letter.

    Results are sent by ``letters.result`` now, with the result letter; this job stays for
    outbox rows queued before, so none of them is lost on an upgrade.
    """
    case = access.get_case(case_id)
    subject = _l("The result of your complaint %(number)s", number=case.number)
    email_complainant(case, f"result:{case.id}", subject, "emails/result.txt")


@job("notify.progress")
def progress(case_id: int, event_id: int) -> None:
    """Email a note staff wrote for the complainant (进展告知, ESTATE-3), once per note.

    A complainant who chose texts is also texted the note (``sms.progress``, jobs.sms). The
    note is on the status page whichever way the complainant prefers to be reached.
    """
    case = access.get_case(case_id)
    event = db.session.get(CaseEvent, event_id)
    if event is None or event.case_id != case.id or not event.public_text:
        return  # only text written for the complainant ever leaves
    subject = _l("News on your complaint %(number)s", number=case.number)
    email_complainant(
        case,
        f"progress:{event.id}",
        subject,
        "emails/progress.txt",
        note=event.public_text,
        status_link=status_url(current_app.config["PUBLIC_URL"], case.tenant, case),
    )


@job("notify.dispatched")
def dispatched(case_id: int, event_id: int) -> None:
    """Tell the complainant which unit handles their complaint (HOSP-4), once per dispatch."""
    case = access.get_case(case_id)
    event = db.session.get(CaseEvent, event_id)
    if event is None or event.case_id != case.id or event.kind is not EventKind.DISPATCHED:
        return
    unit = complainant.units_told(case).get(event.id)
    if not unit:
        return  # the same unit as told before: nothing new to tell
    subject = _l("Your complaint %(number)s has been passed on", number=case.number)
    email_complainant(
        case,
        f"dispatched:{event.id}",
        subject,
        "emails/dispatched.txt",
        notice=LazyString(complainant.unit_notice, case.tenant, unit),  # in the tenant's language
        status_link=status_url(current_app.config["PUBLIC_URL"], case.tenant, case),
    )


def _email_notified(which, case: Case, dedupe: str, template: str, subject, **ctx) -> None:
    """Email each staff member with a notification matching ``which``, once each."""
    tenant = case.tenant
    users = db.session.scalars(
        sa.select(User).join(Notification, Notification.user_id == User.id).where(which)
    ).all()
    for user in users:
        if not user.email:
            continue
        with force_locale(tenant.locale):
            body = render_template(template, tenant=tenant, case=case, user=user, **ctx)
            title = subject() if callable(subject) else subject
        if not privacy.may_see(user):  # staff mail obeys the mask like the desk (CO-8)
            body = privacy.redact(body, case)
        send_mail(f"{dedupe}:{user.id}", user.email, str(title), body, case_id=case.id)


@job("notify.alert")
def alert(alert_id: int) -> None:
    """Email a reminder or escalation to each staff member it concerns, once each."""
    record = db.session.get(Alert, alert_id)
    if record is None:
        return
    case = db.session.get(Case, record.case_id)
    _email_notified(
        Notification.alert_id == alert_id,
        case,
        f"alert:{alert_id}",
        "emails/alert.txt",
        lambda: render_template("emails/alert_subject.txt", alert=record, case=case).strip(),
        alert=record,
    )


@job("notify.improvement")
def improvement(action_id: int, kind: str) -> None:
    """Email an improvement action's reminder or overdue notice (PROP-8) to each staff member
    told of it in the bell, once each."""
    action = db.session.get(ImprovementAction, action_id)
    if action is None:
        return
    tenant = db.session.get(Tenant, action.tenant_id)
    users = db.session.scalars(
        sa.select(User)
        .join(Notification, Notification.user_id == User.id)
        .where(Notification.improvement_id == action_id, Notification.kind == kind)
    ).all()
    for user in users:
        if not user.email:
            continue
        with force_locale(tenant.locale):
            body = render_template(
                "emails/improvement.txt", tenant=tenant, action=action, user=user, kind=kind
            )
            if kind == "reminder":
                title = _("Reminder: improvement action due %(day)s", day=action.due_on)
            else:
                title = _("Overdue: improvement action due %(day)s", day=action.due_on)
        send_mail(f"improvement:{action_id}:{kind}:{user.id}", user.email, str(title), body)


@job("notify.extension")
def extension(case_id: int, extension_id: int) -> None:
    """Tell the complainant the reply will come later, and when (延期告知)."""
    case = access.get_case(case_id)
    record = db.session.get(Extension, extension_id)
    if record is None:
        return
    subject = _l("New reply date for your complaint %(number)s", number=case.number)
    email_complainant(
        case, f"extension:{extension_id}", subject, "emails/extension.txt", ext=record
    )


@job("notify.oversight")
def oversight(oversight_id: int) -> None:
    """Email an urging notice or supervision order to the staff it concerns, once each."""
    record = db.session.get(Oversight, oversight_id)
    if record is None:
        return
    case = db.session.get(Case, record.case_id)

    def subject() -> str:
        if record.kind == "urge":
            return _("Urging notice: case %(number)s", number=case.number)
        return _("Under supervision: case %(number)s", number=case.number)

    _email_notified(
        Notification.oversight_id == oversight_id,
        case,
        f"oversight:{oversight_id}",
        "emails/oversight.txt",
        subject,
        record=record,
    )
