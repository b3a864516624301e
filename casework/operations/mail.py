"""A complaint that came by mail (邮件): a new case, or an addition to the case it answers.

The mailbox job (:mod:`jobs.inbound`) reads the mail and hands over a :class:`Mail` of plain
values. A mail that carries one of the tenant's case numbers, from the address that case was
filed with, is the complainant adding to it (补充材料, as on the status page); any other mail
opens a case through :func:`intake.open_case` with the channel email and its arrival as
``received_at``, waiting for acceptance (待受理): the acceptance limit (CO-2) runs from when it
reached the mailbox, and a clerk accepts it, or declines it as no complaint, on the desk
(:mod:`.acceptance`); the receipt goes out at acceptance.

Attachments follow the upload rules (type from the bytes against the tenant's list, the
size limit), at most :data:`MAX_FILES` per mail; a file refused or beyond the count is named
in a staff-only entry of the case's history, never fatal to the mail.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from tenants.db import db
from tenants.models import Tenant

from .. import history, plaintext
from ..errors import InvalidInput, InvalidTransition
from ..models import Case
from ..models.inbound import MailOutcome
from ..states import AttachmentSource, Channel, ContactMethod, EventKind, Status
from . import complainant, intake

MAX_FILES = 10  # attachments kept from one mail; the rest are named in the history
MAX_DESCRIPTION = 20000  # characters of subject and text kept as the description
NAME_LENGTH = 100  # the complainant_name column
# What a case number looks like whatever the tenant's pattern was when it was issued:
# capital letters, an optional date part, a dash and the sequence (casework.numbering).
NUMBER = re.compile(r"(?<![A-Z0-9])[A-Z]{1,10}[0-9]{0,8}-[0-9]{3,}(?![0-9])")
MAX_NUMBERS = 20  # candidates looked up from one mail


@dataclass
class Mail:
    """One mail as the job read it: plain values only."""

    sender: str  # the address, empty when the mail had none usable
    sender_name: str
    subject: str
    text: str  # the body as text (an HTML-only mail already turned into text)
    received_at: dt.datetime
    files: list[tuple[str, bytes]] = field(default_factory=list)


def take(tenant: Tenant, mail: Mail) -> tuple[MailOutcome, Case]:
    """Open a case for the mail, or add it to the case it answers. InvalidInput when the mail
    can become neither (no sender, nothing in it): the job records it as skipped."""
    sender = mail.sender.strip()
    if not sender:
        raise InvalidInput("sender", _("The mail has no sender address to reply to."))
    answered = replied_case(tenant, mail)
    if answered is not None:
        try:
            return MailOutcome.ADDED, _add(answered, mail)
        except InvalidTransition:
            pass  # closed in the meantime: the reply raises the matter anew
    return MailOutcome.OPENED, _open(tenant, mail)


def replied_case(tenant: Tenant, mail: Mail) -> Case | None:
    """The open case whose number the mail carries in its subject or text, filed from the
    same address; None otherwise (a number quoted by someone else opens a case of its own)."""
    numbers = list(dict.fromkeys(NUMBER.findall(f"{mail.subject}\n{mail.text}")))[:MAX_NUMBERS]
    if not numbers:
        return None
    sender = mail.sender.strip().lower()
    candidates = db.session.scalars(
        sa.select(Case).where(Case.tenant_id == tenant.id, Case.number.in_(numbers))
    )
    for case in sorted(candidates, key=lambda c: numbers.index(c.number)):
        if case.complainant_email.strip().lower() == sender and case.status is not Status.CLOSED:
            return case
    return None


def _open(tenant: Tenant, mail: Mail) -> Case:
    subject = plaintext.printable(mail.subject, multiline=False).strip()
    text = plaintext.printable(mail.text).strip()
    description = "\n\n".join(part for part in (subject, text) if part)
    if not description:
        if not mail.files:
            raise InvalidInput("description", _("The mail has neither a subject nor any text."))
        description = _("(The mail had no text; see its attachments.)")
    if len(description) > MAX_DESCRIPTION:
        description = description[:MAX_DESCRIPTION] + "\n" + _("(The rest was cut off.)")
    case = intake.open_case(
        tenant,
        intake.Complaint(
            channel=Channel.EMAIL,
            category_id=None,
            description=description,
            name=_name(mail),
            email=mail.sender.strip(),
            preferred_contact=ContactMethod.EMAIL,
            received_at=mail.received_at,
        ),
        awaiting_acceptance=True,
    )
    refused = []
    for name, data in _kept(mail.files, refused):
        try:
            checked = intake.check_file(tenant, name, data)
        except InvalidInput as exc:
            refused.append(_refusal(name, str(exc.message)))
            continue
        intake.attach(case, checked, data, AttachmentSource.INTAKE, None)
    _note_refused(case, refused)
    return case


def _add(case: Case, mail: Mail) -> Case:
    text = _reply_text(mail)
    refused: list[str] = []
    files = _kept(mail.files, refused)
    first = True
    for name, data in files:
        try:
            complainant.add_information(case, text if first else "", name, data)
        except InvalidInput as exc:
            if exc.field != "attachment":
                raise
            refused.append(_refusal(name, str(exc.message)))
            continue
        first = False
    if first:  # no file was kept: the text alone
        complainant.add_information(case, text)
    _note_refused(case, refused)
    return case


def _reply_text(mail: Mail) -> str:
    # The text the complainant wrote, without the quoted mail it answers.
    lines = [line for line in mail.text.splitlines() if not line.lstrip().startswith(">")]
    text = plaintext.printable("\n".join(lines)).strip()
    if not text:
        text = plaintext.printable(mail.subject, multiline=False).strip() or _("(No text.)")
    limit = complainant.MAX_TEXT
    if len(text) > limit:
        cut = _("(The rest was cut off.)")
        text = text[: limit - len(cut) - 1] + "\n" + cut
    return text


def _name(mail: Mail) -> str:
    name = plaintext.printable(mail.sender_name, multiline=False).strip().strip('"').strip()
    if not name:
        name = mail.sender.strip().split("@", 1)[0]
    return name[:NAME_LENGTH] or mail.sender.strip()[:NAME_LENGTH]


def _kept(files: list[tuple[str, bytes]], refused: list[str]) -> list[tuple[str, bytes]]:
    for name, _data in files[MAX_FILES:]:
        refused.append(
            _refusal(name, _("more than %(count)d attachments in one mail", count=MAX_FILES))
        )
    return files[:MAX_FILES]


def _refusal(name: str, reason: str) -> str:
    return f"{plaintext.file_name(name) or _('(no name)')}: {reason}"


def _note_refused(case: Case, refused: list[str]) -> None:
    if refused:
        history.record(
            case,
            EventKind.NOTE,
            None,
            actor_label=_("Mailbox"),
            body=_("Attachments of the mail not kept:") + "\n" + "\n".join(refused),
        )
