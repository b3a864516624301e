"""Tenant administration: which figures a handler's assessment score counts and how much
(考核权重, POWER-5), beside the floors of 目标值."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from casework import stats
from tenants.models import Role
from tenants.targets import WEIGHTED

from ..tenancy import staff_required
from ..transaction import attempt
from . import bp, section

section("admin.assessment_weights", _l("Assessment weights"))

LABELS = {
    "cases": _l("Cases handled"),
    "on_time": _l("Answered in time"),
    "handling_time": _l("Median handling time"),
    "satisfaction": _l("Mean revisit score"),
    "reopened": _l("Not reopened"),
    "repeats": _l("Not reported again"),
}


def _weight(name: str) -> IntegerField:
    return IntegerField(
        LABELS[name],
        validators=[
            InputRequired(_l("Give a weight from 0 to 10.")),
            NumberRange(0, 10, _l("Give a weight from 0 to 10.")),
        ],
        render_kw={"inputmode": "numeric"},
    )


class WeightsForm(FlaskForm):
    """One weight per figure, 0 for a figure the score leaves out."""

    cases = _weight("cases")
    on_time = _weight("on_time")
    handling_time = _weight("handling_time")
    satisfaction = _weight("satisfaction")
    reopened = _weight("reopened")
    repeats = _weight("repeats")


@bp.route("/assessment", methods=["GET", "POST"], endpoint="assessment_weights")
@staff_required(Role.ADMIN)
def weights():
    """The weights of the assessment's score; audited like every setting."""
    form = WeightsForm()
    if not form.is_submitted():
        for name in WEIGHTED:
            form[name].data = g.tenant.config.assessment.weight(name)
    if form.validate_on_submit():
        chosen = {name: form[name].data for name in WEIGHTED}
        user = current_user._get_current_object()
        changed = attempt(form, lambda: stats.set_weights(g.tenant, user, chosen))
        if changed is not None:
            flash(_("Saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("admin.assessment_weights"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("admin/assessment.html", form=form, names=WEIGHTED), status
