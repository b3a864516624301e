"""Tenant administration: the floors the dashboard's figures are shown against (目标值),
e.g. satisfaction 85%, replies on time 92%; and who is mailed last month's summary report
(统计报告) early each month."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField, ValidationError
from wtforms.validators import NumberRange, Optional

from casework import stats
from casework.operations import summary_reports
from tenants.models import Role
from tenants.settings import ADDRESS, MOST_RECIPIENTS
from tenants.targets import FLOORS

from ..tenancy import staff_required
from ..transaction import attempt
from . import bp, section

section("admin.targets", _l("Targets"))

LABELS = {
    "satisfaction": _l("Satisfied revisits (%)"),
    "on_time_acceptance": _l("Accepted in time (%)"),
    "on_time_dispatch": _l("Dispatched in time (%)"),
    "on_time_reply": _l("Answered in time (%)"),
    "on_time_revisit": _l("Revisited in time (%)"),
    "first_contact": _l("First-contact resolution (%)"),
}


def _floor(name: str) -> IntegerField:
    return IntegerField(
        LABELS[name],
        validators=[Optional(), NumberRange(0, 100, _l("Give a percentage from 0 to 100."))],
        render_kw={"inputmode": "numeric"},
    )


def _addresses(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _valid_addresses(_form: FlaskForm, field: TextAreaField) -> None:
    addresses = _addresses(field.data)
    wrong = [a for a in addresses if not ADDRESS.fullmatch(a) or len(a) > 200]
    if wrong:
        raise ValidationError(_("Not a mail address: %(address)s", address=wrong[0]))
    if len(set(addresses)) > MOST_RECIPIENTS:
        raise ValidationError(_("At most %(n)s addresses.", n=MOST_RECIPIENTS))


class TargetsForm(FlaskForm):
    """One optional percentage per figure; empty for none."""

    satisfaction = _floor("satisfaction")
    on_time_acceptance = _floor("on_time_acceptance")
    on_time_dispatch = _floor("on_time_dispatch")
    on_time_reply = _floor("on_time_reply")
    on_time_revisit = _floor("on_time_revisit")
    first_contact = _floor("first_contact")
    recipients = TextAreaField(
        _l("Monthly report recipients"),
        validators=[_valid_addresses],
        render_kw={"rows": 3},
    )


@bp.route("/targets", methods=["GET", "POST"], endpoint="targets")
@staff_required(Role.ADMIN)
def targets():
    """The floors; a figure without one shows no met/below."""
    form = TargetsForm()
    if not form.is_submitted():
        for name in FLOORS:
            form[name].data = g.tenant.config.targets.floor(name)
        form.recipients.data = "\n".join(g.tenant.config.report_recipients)
    if form.validate_on_submit():
        floors = {name: form[name].data for name in FLOORS}
        user = current_user._get_current_object()
        addresses = _addresses(form.recipients.data)

        def save() -> bool:
            changed = stats.set_targets(g.tenant, user, floors)
            return summary_reports.set_recipients(g.tenant, user, addresses) or changed

        changed = attempt(form, save)
        if changed is not None:
            flash(_("Saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("admin.targets"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("admin/targets.html", form=form, floors=FLOORS), status
