"""The questionnaire sent by mail or text (邮件/短信回访问卷, CS-2): sending its link, and the
answers that come back through it.

A revisit whose method is email or text gets its link once it is due (``due_from``): the
periodic sender (``jobs.revisit_links``) finds those, and staff may send it again from the
revisit page; staff may also send it for a phone revisit or a home visit whose person they
cannot reach, to the address or mobile the case holds. Each send is one second stamped in
``link_sent_at``, one REVISIT_LINK_SENT entry and one outbox job keyed by the send, so a
retried job or a second clock mails it once; a newer send supersedes the older link (see
:mod:`casework.survey_links`). The person answers without logging in, and the answers
close the loop like a phone call's (:func:`casework.operations.revisits.record_answers`
with ``online``).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from tenants.db import db, utcnow
from tenants.models import User

from .. import history, outbox, questionnaire, texting
from ..errors import InvalidInput, InvalidTransition
from ..models import Revisit
from ..states import Action, ContactMethod, EventKind, RevisitStatus
from ..survey_links import send_stamp
from . import revisits
from .guards import check

JOB = "revisits.send_link"
LINK_METHODS = (ContactMethod.EMAIL, ContactMethod.SMS)
# How many due links one run of the periodic sender takes per tenant; the rest wait a run.
BATCH = 100


def channel(revisit: Revisit, *, staff: bool = False) -> ContactMethod | None:
    """How the link goes: by mail, or by text where the tenant has a gateway and the number
    takes texts (else by mail when there is an address); None when it cannot go at all.

    The periodic sender (``staff`` False) sends only for revisits whose method is mail or
    text. Staff may send it for any revisit: a revisitor who cannot reach someone by phone,
    or finds nobody at home, mails the questionnaire instead (or texts it, where a gateway
    is configured and there is no address to mail).
    """
    case = revisit.case
    if revisit.method not in LINK_METHODS and not staff:
        return None
    gateway = case.tenant.config.sms.provider == "http"
    texts = gateway and texting.mobile(case.complainant_phone) is not None
    if revisit.method is ContactMethod.SMS and texts:
        return ContactMethod.SMS
    if case.complainant_email:
        return ContactMethod.EMAIL
    return ContactMethod.SMS if staff and texts else None


def send_link(
    revisit: Revisit,
    actor: User | None,
    *,
    seen: int | None = None,
    now: dt.datetime | None = None,
) -> Revisit:
    """Send the questionnaire's link (again, when staff press "send again"); ``actor`` None
    is the periodic sender, which sends a revisit's first link only.

    ``seen`` is the send the staff's page showed (0: none yet): a press made on a page that
    is out of date, a double click or a replayed form, sends nothing a second time.
    """
    case = revisit.case
    if actor is not None:
        check(case, actor, Action.REVISIT)
    if not revisit.is_open:
        raise InvalidTransition(_l("This revisit is over; it takes no more answers."))
    how = channel(revisit, staff=actor is not None)
    if how is None:
        raise InvalidTransition(
            _l("There is no email address or mobile number to send the link to: call instead.")
        )
    before = revisit.link_sent_at
    current = send_stamp(before) if before is not None else 0
    if (actor is None and before is not None) or (seen is not None and seen != current):
        raise InvalidTransition(_l("The link was sent a moment ago; it is not sent twice."))
    sent = (now or utcnow()).replace(microsecond=0)
    if before is not None and sent <= before:
        sent = before + dt.timedelta(seconds=1)  # every send its own second, so its own key
    # Compare and set: of two requests or clocks sending at once, one sends.
    unchanged = Revisit.link_sent_at.is_(None) if before is None else Revisit.link_sent_at == before
    done = db.session.execute(
        sa.update(Revisit)
        .where(Revisit.id == revisit.id, unchanged)
        .values(link_sent_at=sent)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise InvalidTransition(_l("The link was sent a moment ago; it is not sent twice."))
    set_committed_value(revisit, "link_sent_at", sent)
    history.record(
        case,
        EventKind.REVISIT_LINK_SENT,
        actor,
        changes={"method": how.value, **({"resent": True} if before is not None else {})},
    )
    outbox.after_commit(JOB, revisit_id=revisit.id, sent=send_stamp(sent), channel=how.value)
    return revisit


def due(now: dt.datetime, limit: int = BATCH) -> list[Revisit]:
    """The bound tenant's open revisits by mail or text that are due and have had no link
    yet, soonest due first (the open revisits through their index, so a few rows)."""
    stmt = (
        sa.select(Revisit)
        .where(
            Revisit.status == RevisitStatus.PLANNED,
            Revisit.method.in_(LINK_METHODS),
            Revisit.link_sent_at.is_(None),
            Revisit.due_from <= now,
        )
        .order_by(Revisit.due_at, Revisit.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def answer_online(revisit: Revisit, given: dict[str, str]) -> Revisit:
    """The person's answers through the link (no login): whatever they gave is kept, but
    something must be given, "solved" or a score at least (one tap is enough)."""
    # Two taps at once (two tabs, a double submit): the second waits for the first here and
    # then finds the revisit answered (PostgreSQL; SQLite runs one writer at a time anyway).
    db.session.execute(sa.select(Revisit.id).where(Revisit.id == revisit.id).with_for_update())
    db.session.refresh(revisit)
    answers = questionnaire.check_answers(revisit.case.tenant, given, complete=False)
    if answers.solved is None and answers.satisfaction is None:
        raise InvalidInput("solved", _l("Tell us at least whether the problem is solved."))
    return revisits.record_answers(revisit, None, answers, online=True)
