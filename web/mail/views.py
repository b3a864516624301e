"""The mail log page, fifty messages at a time, newest first."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from casework import access, labels, queries
from casework.models import Message
from casework.states import ContactMethod
from jobs import notify
from tenants.db import utcnow
from tenants.models import Role

from ..forms import query_id
from ..tenancy import staff_required
from . import bp

PAGE = 50
# Each delivery state's label and Bulma tag colour.
MAIL_STATES = {
    "logged": (_l("Kept here (no SMTP server)"), "is-light"),
    "sending": (_l("Sending"), "is-info is-light"),
    "sent": (_l("Sent"), "is-success is-light"),
    "failed": (_l("Failed"), "is-danger is-light"),
    "unknown": (_l("Delivery unknown: the sender stopped mid-send"), "is-warning"),
    # Text messages (jobs.sms): the gateway failed and the job will try again; a number
    # that cannot take a text (a landline), with the reason beside it.
    "retry": (_l("Failed; it will be tried again"), "is-warning is-light"),
    "skipped": (_l("Not sent"), "is-light"),
}
# A text's states where they differ from a mail's: kept here because no gateway is set.
TEXT_STATES = {**MAIL_STATES, "logged": (_l("Kept here (no text gateway)"), "is-light")}
# Each channel's badge: what reached the person, mail or text message.
CHANNELS = {
    "email": labels.CONTACT_METHOD[ContactMethod.EMAIL],
    "sms": labels.CONTACT_METHOD[ContactMethod.SMS],
}


def _in_sight(messages: list[Message]) -> list[Message]:
    """The messages whose case the user sees (CO-8), and those about no case."""
    seen = access.in_sight(current_user._get_current_object(), (m.case_id for m in messages))
    return [m for m in messages if m.case_id is None or m.case_id in seen]


@bp.get("")
@staff_required(Role.INTAKE, Role.SUPERVISOR, Role.ADMIN)
def log():
    """Outgoing mail and texts, including what was only logged because no SMTP server (or
    no text gateway) is set."""
    page = notify.mail_log(PAGE, query_id(request.args.get("before")))
    older = page[-1].id if len(page) == PAGE else None  # before hiding: the page went on
    messages = _in_sight(page)
    now = utcnow()
    states = {m.id: notify.delivery_state(m, now) for m in messages}
    # Each message's case, so its complainant's address and details read masked (CO-8).
    cases = queries.cases_by_id(m.case_id for m in messages)
    return render_template(
        "mail/log.html",
        messages=messages,
        states=states,
        labels=MAIL_STATES,
        text_labels=TEXT_STATES,
        channels=CHANNELS,
        older=older,
        cases=cases,
    )
