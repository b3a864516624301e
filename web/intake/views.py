"""The intake view: staff file a complaint through the same verb as the public portal."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from casework import access, matching, restricted, routing
from casework.models import Case
from casework.operations import answered, intake
from casework.states import Channel
from tenants.models import Role

from ..cases.repeat_forms import RepeatContactForm, offer_form
from ..forms import query_id
from ..htmx import render
from ..tenancy import staff_required
from ..transaction import attempt
from . import bp
from .forms import AnsweredAtOnceFields, StaffIntakeForm

INTAKE_ROLES = (Role.INTAKE, Role.DEPT_HEAD, Role.SUPERVISOR, Role.ADMIN)


@bp.route("/", methods=["GET", "POST"])
@staff_required(*INTAKE_ROLES)
def new():
    """Take a complaint at the desk or on the phone; the receipt is issued the same way."""
    form = StaffIntakeForm()
    form.set_categories(routing.active_categories(g.tenant))
    form.set_channels(g.tenant.config.channels)
    form.set_staff(restricted.staff(), restricted.managers())
    if form.validate_on_submit():
        complaint = form.to_complaint(Channel(form.channel.data), g.tenant.timezone)
        complaint.subject_user_id = form.subject_user_id.data or None
        complaint.direct_manager_id = form.direct_manager_id.data or None
        complaint.forwarded_by = form.forwarded_by.data or ""
        complaint.forwarded_ref = form.forwarded_ref.data or ""
        case = attempt(form, lambda: take(form, complaint))
        if case is not None:
            return accepted(case)
    found = []
    if form.is_submitted():  # back with an error: the matches stay offered beside the form
        found = matching.find_matches(
            g.tenant,
            current_user._get_current_object(),
            phone=form.phone.data or "",
            location=form.location.data or "",
            category_id=form.category_id.data or None,
        )
    prefill = {
        "said": form.description.data or "",
        "channel": form.channel.data or "",
        "caller_name": form.name.data or "",
        "caller_phone": form.phone.data or "",
    }
    return render_template("intake/new.html", form=form, matches=found, prefill=prefill)


def take(form: AnsweredAtOnceFields, complaint: intake.Complaint) -> Case:
    """Open the case, or record it answered at once (CITY-3) when the form says so."""
    if form.answered.data:
        return answered.answer_at_once(
            g.tenant,
            complaint,
            form.answer.data or "",
            current_user._get_current_object(),
            receipt=bool(form.send_receipt.data),
        )
    return intake.open_case(g.tenant, complaint, actor=current_user)


def accepted(case: Case) -> Response:
    """Say the case is taken and show it, or the queue when it is out of the clerk's sight."""
    if case.answered_at_once:
        flash(_("Case %(number)s recorded as answered at once.", number=case.number), "success")
    else:
        flash(_("Case %(number)s accepted.", number=case.number), "success")
    if not access.in_sight(current_user, [case.id]):
        # A clerk who sees only their unit's cases, filing for another unit, or
        # anyone filing a case restricted to managers they are not among (PROP-3).
        if case.restricted:
            flash(
                _("The case is restricted: only the managers named for it can see it."),
                "info",
            )
        return redirect(url_for("cases.queue"), 303)
    return redirect(url_for("cases.show", case_id=case.id), 303)


@bp.get("/matches")
@staff_required(*INTAKE_ROLES)
def matches():
    """The cases the contact being typed may repeat (CITY-6), each with "add as repeat
    contact": fetched by the intake form (htmx) as the phone, place and category are entered."""
    args = request.args
    found = matching.find_matches(
        g.tenant,
        current_user._get_current_object(),
        phone=args.get("phone", ""),
        location=args.get("location", ""),
        category_id=query_id(args.get("category_id")),
    )
    prefill = {
        "said": args.get("description", "")[:2000],
        "channel": args.get("channel", ""),
        "caller_name": args.get("name", "")[:100],
        "caller_phone": args.get("phone", "")[:40],
    }
    return render("intake/matches.html", "intake/_matches.html", matches=found, prefill=prefill)


@bp.app_template_global()
def repeat_offer_form(case: Case, prefill: dict | None = None) -> RepeatContactForm:
    """The "add as repeat contact" form of one case, for ``intake/_repeat_button.html``."""
    return offer_form(case, **(prefill or {}))
