"""The intake view: staff file a complaint through the same verb as the public portal."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casework import access, restricted, routing
from casework.operations import intake
from casework.states import Channel
from tenants.models import Role

from ..tenancy import staff_required
from ..transaction import attempt
from . import bp
from .forms import StaffIntakeForm

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
        case = attempt(form, lambda: intake.open_case(g.tenant, complaint, actor=current_user))
        if case is not None:
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
    return render_template("intake/new.html", form=form)
