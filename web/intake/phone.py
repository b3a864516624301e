"""The phone and walk-in intake (CITY-2, CITY-3, ESTATE-1): one fast screen for a person on
the line or at the desk.

Two fragments feed it while the person talks, both read-only: the caller's earlier cases as
the number is typed, and the reply date the policy promises for the category chosen. They
are POSTs (with the page's CSRF header) so the caller's number never lands in a URL or an
access log.
"""

from __future__ import annotations

from typing import Any

from flask import g, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from casework import callers, deadlines, reply_date, routing
from casework.errors import InvalidInput
from casework.states import Channel

from ..forms import query_id
from ..tenancy import staff_required
from ..transaction import attempt
from . import bp
from .forms import PHONE_CHANNELS, PhoneIntakeForm, shortcut
from .views import INTAKE_ROLES, accepted, take


def _form() -> PhoneIntakeForm:
    form = PhoneIntakeForm()
    categories = routing.active_categories(g.tenant)
    form.set_categories(categories)
    form.set_channels(g.tenant.config.channels, request.args.get("channel"))
    return form


@bp.route("/phone", methods=["GET", "POST"])
@staff_required(*INTAKE_ROLES)
def phone():
    """Take a call or a walk-in from the keyboard alone; the case page follows."""
    form = _form()
    if form.validate_on_submit():
        case = attempt(form, lambda: take(form, form.to_complaint()))
        if case is not None:
            return accepted(case)
    return render_template(
        "intake/phone.html",
        form=form,
        shortcut=shortcut,
        reply=_reply(form.channel.data, form.category_id.data),
        **_history(form.phone.data or ""),
    )


@bp.route("/phone/caller", methods=["POST"])
@staff_required(*INTAKE_ROLES)
def caller():
    """The caller's open and recent closed cases (the fragment the phone field asks for);
    422 with the reason for a malformed number."""
    found = _history(request.form.get("phone", ""))
    status = 422 if found["phone_error"] else 200
    return Response(render_template("intake/_caller_cases.html", **found), status)


@bp.route("/phone/reply-date", methods=["POST"])
@staff_required(*INTAKE_ROLES)
def reply():
    """The reply date promised for the category and channel chosen (ESTATE-1)."""
    got = _reply(request.form.get("channel"), query_id(request.form.get("category_id")))
    return Response(render_template("intake/_reply_date.html", reply=got))


def _history(raw: str) -> dict[str, Any]:
    """The template's view of the caller: their cases, or why the number was not looked up."""
    raw = raw[:40]  # a pasted page is not a phone number
    try:
        found = callers.history(current_user, raw)
        error = ""
    except InvalidInput as exc:
        found, error = callers.CallerHistory(), str(exc)
    return {
        "callers": found,
        "phone_error": error,
        "phone_typed": not callers.typing(raw),
        # What the "add as repeat contact" offer of each case starts with (CITY-6).
        "prefill": {"caller_phone": raw, "channel": Channel.PHONE.value},
    }


def _reply(channel: str | None, category_id: int | None) -> deadlines.Due | None:
    offered = {c.value for c in PHONE_CHANNELS}
    chosen = Channel(channel) if channel in offered else Channel.PHONE
    return reply_date.expected_reply(g.tenant, chosen, category_id)
