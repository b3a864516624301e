"""Tenant administration: handling rules (办理规则) — what follows a complainant's "not
satisfied" (MALL-6) and the words that tell them which unit handles their case (HOSP-4).
The rules themselves are :mod:`casework.handling_rules`."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional

from casework.handling_rules import NOT_SATISFIED, set_rules
from casework.operations.complainant import unit_notice
from tenants.models import Role

from ..forms import choices
from ..tenancy import staff_required
from ..transaction import attempt
from . import bp, section

section("admin.rules", _l("Handling rules"))

NOT_SATISFIED_LABELS = {
    "choose": _l("Staff choose, case by case"),
    "reopen": _l("Always back to handling for a new result"),
    "close": _l("Always closed as explained"),
}


class RulesForm(FlaskForm):
    not_satisfied = RadioField(
        _l("When the complainant is not satisfied with the result, after the explanation"),
        choices=choices((k, NOT_SATISFIED_LABELS[k]) for k in NOT_SATISFIED),
        validators=[InputRequired()],
    )
    dispatch_notice = StringField(_l("What the complainant is told when a unit takes the case"))
    repeat_window = IntegerField(
        _l("Offer a case as repeated by a new contact for (days)"),
        # Left out of a post, it stays as it is.
        validators=[Optional(), NumberRange(min=1, max=366)],
    )


@bp.route("/rules", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def rules():
    """The handling rules, with the dispatch notice as the complainant will read it."""
    config = g.tenant.config
    form = RulesForm(
        data={
            "not_satisfied": config.not_satisfied,
            "dispatch_notice": config.dispatch_notice,
            "repeat_window": config.repeat_window,
        }
    )
    if form.validate_on_submit():
        user = current_user._get_current_object()
        changed = attempt(
            form,
            lambda: set_rules(
                g.tenant,
                user,
                form.not_satisfied.data,
                form.dispatch_notice.data or "",
                form.repeat_window.data,
            ),
        )
        if changed is not None:
            flash(_("Saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("admin.rules"), 303)
    status = 422 if form.is_submitted() else 200
    example = unit_notice(g.tenant, _("Customer Service"))
    return render_template("admin/rules.html", form=form, example=example), status
