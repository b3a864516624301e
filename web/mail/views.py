"""The mail log page, fifty messages at a time, newest first."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l

from jobs import notify
from tenants.db import utcnow
from tenants.models import Role

from ..forms import query_id
from ..tenancy import staff_required
from . import bp

# Each delivery state's label and Bulma tag colour.
MAIL_STATES = {
    "logged": (_l("Kept here (no SMTP server)"), "is-light"),
    "sending": (_l("Sending"), "is-info is-light"),
    "sent": (_l("Sent"), "is-success is-light"),
    "failed": (_l("Failed"), "is-danger is-light"),
    "unknown": (_l("Delivery unknown: the sender stopped mid-send"), "is-warning"),
}


@bp.get("")
@staff_required(Role.INTAKE, Role.SUPERVISOR, Role.ADMIN)
def log():
    """Outgoing mail, including what was only logged because no SMTP server is set."""
    messages = notify.mail_log(50, query_id(request.args.get("before")))
    now = utcnow()
    states = {m.id: notify.delivery_state(m, now) for m in messages}
    return render_template("mail/log.html", messages=messages, states=states, labels=MAIL_STATES)
