"""Tenant administration: who sees which cases (CO-8), role by role.

Each role sees every case of the organisation, or only its department's (the case's unit and
the unit ordered to rectify it) and the cases named to the person; the rule itself is
:func:`casework.access.sight`.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField
from wtforms.validators import InputRequired

from casework import access, labels, restricted
from tenants.models import Role
from tenants.settings import SIGHTS

from ..forms import choices
from ..tenancy import staff_required
from ..transaction import attempt
from . import bp, section

section("admin.sight", _l("Who sees cases"))

SIGHT_LABELS = {
    "all": _l("Every case of the organisation"),
    "department": _l("Their department's cases and the cases named to them"),
}


class SightForm(FlaskForm):
    """One choice of sight per role; the fields are added below, one per role."""


for _role in Role:
    setattr(
        SightForm,
        _role.value,
        SelectField(
            labels.BOOK[Role][_role],  # lazy: read in the admin's language
            choices=choices((s, SIGHT_LABELS[s]) for s in SIGHTS),
            validators=[InputRequired()],
        ),
    )


class ViewersForm(FlaskForm):
    """The roles that see restricted cases (PROP-3)."""

    viewers = SelectMultipleField(
        _l("Who sees restricted cases"),
        choices=choices((r.value, labels.BOOK[Role][r]) for r in Role),
    )


@bp.route("/sight", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def sight():
    """Which cases each role sees; a person with several roles sees what any of them sees."""
    current = g.tenant.config.case_sight
    form = SightForm(data=dict(current))
    if form.validate_on_submit():
        wanted = {r.value: form[r.value].data for r in Role}
        changed = attempt(
            form,
            lambda: access.set_sight(g.tenant, current_user._get_current_object(), wanted),
        )
        if changed is not None:
            flash(_("Saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("admin.sight"), 303)
    status = 422 if form.is_submitted() else 200
    viewers = ViewersForm(
        formdata=None, data={"viewers": list(g.tenant.config.restricted_case_viewers)}
    )
    return _page(form, viewers, status)


@bp.post("/sight/restricted")
@staff_required(Role.ADMIN)
def restricted_viewers():
    """Which roles see restricted cases: a complaint about a named member of staff, or a
    case marked sensitive (PROP-3); never the member of staff it is about."""
    viewers = ViewersForm()
    if viewers.validate_on_submit():
        wanted = list(viewers.viewers.data or [])
        changed = attempt(
            viewers,
            lambda: restricted.set_viewers(g.tenant, current_user._get_current_object(), wanted),
        )
        if changed is not None:
            flash(_("Saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("admin.sight"), 303)
    form = SightForm(data=dict(g.tenant.config.case_sight))
    return _page(form, viewers, 422)


def _page(form: SightForm, viewers: ViewersForm, status: int):
    return render_template("admin/sight.html", form=form, viewers=viewers, roles=list(Role)), status
