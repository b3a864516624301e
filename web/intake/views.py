"""The intake view: staff file a complaint through the same verb as the public portal."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from casework import access, restricted, routing
from casework.models import Case
from casework.operations import answered, intake
from casework.states import Channel
from tenants.models import Role

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
        case = attempt(form, lambda: take(form, complaint))
        if case is not None:
            return accepted(case)
    return render_template("intake/new.html", form=form)


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
