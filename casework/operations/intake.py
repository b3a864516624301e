"""Intake (受理): turning a complaint from any channel into a numbered, dated case."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

import email_validator
import phonenumbers
from flask_babel import lazy_gettext as _l

from tenants.db import db, utcnow
from tenants.models import Tenant, User

from .. import (
    calendar,
    deadlines,
    history,
    labels,
    numbering,
    outbox,
    restricted,
    routing,
    stages,
    texting,
    uploads,
)
from ..errors import InvalidInput
from ..models import Attachment, Case
from ..states import AttachmentSource, Channel, ContactMethod, EventKind, Priority, Stage, Status

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone
# The largest file a complaint may carry; forms, the request limit and messages follow it.
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ADDRESS = 300
# A resident ID number (居民身份证号码): 18 characters, the last a check digit or X, or the
# older 15 digits.
ID_NUMBER = re.compile(r"\d{15}|\d{17}[\dX]")


@dataclass
class Complaint:
    """What intake collects, from any channel: the domain's intake record."""

    channel: Channel
    category_id: int | None
    description: str
    name: str
    phone: str = ""
    email: str = ""
    location: str = ""
    occurred_at: dt.datetime | None = None
    preferred_contact: ContactMethod = ContactMethod.PHONE
    # None when the complainant or clerk asked for none: the category's default applies.
    priority: Priority | None = None
    # When a letter, mail or message reached the organisation, if before it was registered.
    received_at: dt.datetime | None = None
    # The file as sent; its type is read from the bytes (casework.uploads), never taken
    # from the name or what the browser claimed.
    attachment_name: str = ""
    attachment_data: bytes = b""
    # Staff intake only: the member of staff the complaint is about, which restricts the
    # case to the managers the policy names (PROP-3), and the manager it was made to
    # directly, who then handles it (PROP-4).
    subject_user_id: int | None = None
    direct_manager_id: int | None = None
    # Optional personal data, masked for staff without the right (casework.privacy).
    address: str = ""
    id_number: str = ""
    # A case forwarded by a higher office (CITY-5): the office's name and its reference.
    forwarded_by: str = ""
    forwarded_ref: str = ""
    # The language the complainant wrote in (the portal's page), so what goes back to them
    # speaks it; empty for a clerk's intake: the tenant's language.
    locale: str = ""


def normalise_phone(raw: str) -> str:
    """E.164 form of a Chinese mobile or landline number, or InvalidInput."""
    raw = raw.strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        # Short service numbers such as 96310 are fine for staff, never for a complainant.
        raise InvalidInput("phone", _l("Enter a valid phone number, e.g. 138 1234 5678."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# The longest address a case keeps (Case.complainant_email), as the intake form allows.
EMAIL_MAX = 200


def check_email(raw: str) -> str:
    """The address as given (trimmed), or InvalidInput: the check the intake form makes
    (WTForms' ``Email``, which is email_validator without a DNS look-up), for addresses that
    come in without a form, such as an import's column."""
    email = raw.strip()
    if not email:
        return ""
    try:
        email_validator.validate_email(email, check_deliverability=False)
    except email_validator.EmailNotValidError:
        raise InvalidInput("email", _l("Enter a valid email address.")) from None
    if len(email) > EMAIL_MAX:
        raise InvalidInput("email", _l("Enter a valid email address."))
    return email


def normalise_id_number(raw: str) -> str:
    """An ID number (证件号码) without spaces, a final x as X, or InvalidInput."""
    number = "".join(raw.split()).upper()
    if number and not ID_NUMBER.fullmatch(number):
        raise InvalidInput(
            "id_number",
            _l("An ID number has 18 characters (the last may be X) or 15 digits."),
        )
    return number


FORWARDED_BY_MAX, FORWARDED_REF_MAX = 100, 60


def forwarding(office: str, reference: str) -> tuple[str, str]:
    """The higher office that forwarded a case and its reference number, folded; a
    reference needs its office (CITY-5: the case may be returned to it)."""
    office, reference = " ".join(office.split()), " ".join(reference.split())
    if len(office) > FORWARDED_BY_MAX:
        raise InvalidInput(
            "forwarded_by", _l("Keep the name under %(count)s characters.", count=FORWARDED_BY_MAX)
        )
    if len(reference) > FORWARDED_REF_MAX:
        raise InvalidInput(
            "forwarded_ref",
            _l("Keep the reference under %(count)s characters.", count=FORWARDED_REF_MAX),
        )
    if reference and not office:
        raise InvalidInput("forwarded_by", _l("Name the office that forwarded the case."))
    return office, reference


def open_case(
    tenant: Tenant,
    complaint: Complaint,
    actor: User | None = None,
    *,
    receipt: bool = True,
    awaiting_acceptance: bool = False,
) -> Case:
    """Accept a complaint (受理): number it, promise a reply date, ask for the receipt.

    From staff, it may name the member of staff it is about (restricted, PROP-3) and the
    manager it was made to directly, who is then its handler (PROP-4). ``receipt`` False
    leaves the acknowledgement letter out: only a case answered at once, whose complainant
    did not ask for one, goes without it (:func:`answer_at_once`).

    ``awaiting_acceptance`` registers it instead (待受理): a mail nobody has read yet. It is
    numbered (so a reply can find it), its acceptance clock (CO-2) runs from its arrival, and
    everything acceptance brings, the receipt and the clocks ahead, waits for
    :func:`casework.operations.acceptance.accept_case`.
    """
    # Dispatch reaches back into intake through the complainant's module: read at call time.
    from . import confidentiality, dispatch

    description = complaint.description.strip()
    if not description:
        raise InvalidInput("description", _l("Please describe what happened."))
    if not complaint.name.strip():
        raise InvalidInput("name", _l("Please give a name we can address you by."))
    phone = normalise_phone(complaint.phone)
    if not phone and not complaint.email.strip():
        raise InvalidInput("phone", _l("Leave a phone number or an email so we can reply."))
    address = " ".join(complaint.address.split())
    if len(address) > MAX_ADDRESS:
        raise InvalidInput(
            "address", _l("Keep the address under %(count)s characters.", count=MAX_ADDRESS)
        )
    id_number = normalise_id_number(complaint.id_number)
    forwarded_by, forwarded_ref = forwarding(complaint.forwarded_by, complaint.forwarded_ref)
    category = None
    if complaint.category_id is not None:
        category = routing.category(tenant, complaint.category_id)
        if category is None:
            raise InvalidInput("category_id", _l("Choose a category from the list."))
        if not category.active:
            raise InvalidInput(
                "category_id",
                _l("This category is no longer offered: choose another from the list."),
            )
    attachment = None
    if complaint.attachment_data:
        attachment = check_file(tenant, complaint.attachment_name, complaint.attachment_data)

    subject = confidentiality.staff_member(tenant, complaint.subject_user_id, "subject_user_id")
    direct = confidentiality.manager(tenant, complaint.direct_manager_id, "direct_manager_id")
    if direct is not None and actor is None:
        raise InvalidInput("direct_manager_id", _l("Only staff can name a manager."))
    if direct is not None and subject is not None:
        if direct.id == subject.id:
            raise InvalidInput(
                "direct_manager_id",
                _l("A manager cannot handle a complaint about themselves."),
            )
        if not restricted.is_viewer(direct):
            raise InvalidInput(
                "direct_manager_id",
                _l(
                    "A complaint about a member of staff goes only to the managers who see "
                    "restricted cases."
                ),
            )

    location = complaint.location.strip()
    # The first matching routing rule, else the category's department (MALL-4, ESTATE-2).
    _rule, department_id = routing.route(
        tenant, category.id if category else None, complaint.channel, description, location
    )
    if complaint.priority is not None:
        priority = Priority(complaint.priority)
    else:
        priority = category.default_priority if category else Priority.NORMAL

    now = utcnow()
    received = complaint.received_at or now
    if received > now:
        raise InvalidInput("received_at", _l("The complaint cannot have arrived in the future."))
    if received < now - dt.timedelta(days=366):
        raise InvalidInput("received_at", _l("Give an arrival time within the last year."))
    day = deadlines.local_today(now, tenant.timezone)
    if awaiting_acceptance:  # nobody accepted it yet: filled in at acceptance
        accepted_label, accepted_contact = "", ""
    elif actor is not None:
        accepted_label, accepted_contact = actor.name, actor.phone or tenant.duty_contact_phone
    else:
        accepted_label, accepted_contact = tenant.duty_contact_name, tenant.duty_contact_phone
    status = Status.RECEIVED if awaiting_acceptance else Status.ACCEPTED
    case = Case(
        tenant_id=tenant.id,
        access_code="".join(secrets.choice(_CODE_ALPHABET) for _ in range(8)),
        status=status,
        channel=complaint.channel,
        priority=priority,
        category_id=category.id if category else None,
        department_id=department_id,
        description=description,
        location=location,
        occurred_at=complaint.occurred_at,
        complainant_name=complaint.name.strip(),
        complainant_phone=phone,
        complainant_email=complaint.email.strip(),
        complainant_address=address,
        complainant_id_number=id_number,
        preferred_contact=ContactMethod(complaint.preferred_contact),
        complainant_locale=complaint.locale[:10],
        received_at=received,
        # Until a case waiting for acceptance is accepted, this holds its arrival.
        accepted_at=received if awaiting_acceptance else now,
        accepted_by_id=actor.id if actor and not awaiting_acceptance else None,
        accepted_by_label=accepted_label,
        accepted_by_contact=accepted_contact,
        forwarded_by=forwarded_by,
        forwarded_ref=forwarded_ref,
        created_at=now,
    )
    cal = calendar.for_tenant(tenant)
    # Acceptance (受理, CO-2) ran from arrival to now: its deadline is met here, on time or
    # late, and counted either way. The clocks of the stages ahead start now.
    # A case waiting for acceptance keeps that clock running and starts no other yet.
    acceptance = stages.plan(tenant, case, Stage.ACCEPTANCE, received, cal)
    if acceptance is not None and not awaiting_acceptance:
        acceptance.done_at, acceptance.next_alert_at = now, None
    ahead = [] if awaiting_acceptance else [stages.plan(tenant, case, s, now, cal) for s in AHEAD]
    planned = [d for d in (acceptance, *ahead) if d is not None]
    # The reply date promised on the receipt (ESTATE-1) is the result stage's deadline.
    case.reply_due_at = next((d.due_at for d in planned if d.stage is Stage.RESULT), None)
    for deadline in planned:
        stages.track(tenant, case, deadline)  # the badge goes in with the INSERT, not after

    # Everything above only read. The case number's row lock is held from here to commit,
    # so the writes that follow are few and together.
    case.number = numbering.next_number(tenant, day)
    db.session.add(case)
    db.session.flush()  # the case id, for the attachment, the deadlines and the outbox
    for deadline in planned:
        stages.attach(tenant, case, deadline)
    if attachment is not None:  # the clerk at the desk added it, or the complainant
        attach(case, attachment, complaint.attachment_data, AttachmentSource.INTAKE, actor)
    history.record(
        case,
        EventKind.RECEIVED if awaiting_acceptance else EventKind.ACCEPTED,
        actor,
        # A mail waiting for acceptance was registered by its channel, not by a person.
        actor_label=str(labels.label(case.channel)) if awaiting_acceptance else accepted_label,
        # Nothing is said to the complainant before acceptance: the entry is the staff's.
        public=not awaiting_acceptance,
        changes={
            "status": [None, status.value],
            "channel": [None, case.channel.value],
            **(
                {"department": [None, _department_name(tenant, department_id)]}
                if department_id is not None
                else {}
            ),
            **({"received": [None, received.isoformat(" ", "minutes")]} if received < now else {}),
            **({"forwarded_by": [None, forwarded_by]} if forwarded_by else {}),
            **({"forwarded_ref": [None, forwarded_ref]} if forwarded_ref else {}),
        },
    )
    if subject is not None:
        confidentiality.record_subject(case, actor, subject)
    if direct is not None:
        dispatch.dispatch_to_manager(case, actor, direct)
    if receipt and not awaiting_acceptance:
        send_receipt(case)
    return case


# The stages whose clocks start when a complaint is accepted.
AHEAD = (Stage.DISPATCH, Stage.RESULT)


def send_receipt(case: Case) -> None:
    """Ask, after commit, for the acknowledgement (受理确认函, CO-2) by mail and by text if
    the complainant chose texts: the case number and the lookup link, once per case."""
    outbox.after_commit("letters.acknowledge", case_id=case.id)
    texting.ask(case, "sms.receipt")


def _department_name(tenant: Tenant, department_id: int) -> str | None:
    return next((d.name for d in routing.department_entries(tenant) if d.id == department_id), None)


def check_file(tenant: Tenant, name: str, data: bytes) -> tuple[str, str]:
    """A file's stored name and type, or InvalidInput: within the size limit, and of a type
    the tenant takes, read from its bytes (the name and the browser's claim say nothing).
    The one check of every file a case takes, at intake, from the complainant or from staff."""
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise InvalidInput(
            "attachment",
            _l(
                "The attachment is larger than %(size)s MB.",
                size=MAX_ATTACHMENT_BYTES // (1024 * 1024),
            ),
        )
    return uploads.accept(tenant, name, data)


def attach(
    case: Case,
    checked: tuple[str, str],
    data: bytes,
    source: AttachmentSource,
    by: User | None,
) -> Attachment:
    """Store a file :func:`check_file` accepted on the case; flushed, so its id can be named
    in the history entry that brings it."""
    filename, content_type = checked
    stored = Attachment(
        case_id=case.id,
        filename=filename,
        content_type=content_type,
        size=len(data),
        data=data,
        source=source,
        added_by_id=by.id if by is not None else None,
    )
    db.session.add(stored)
    db.session.flush()
    return stored
