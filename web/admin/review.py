"""Tenant administration: who signs the daily review of the last three days' intake (CITY-7)."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField

from casework import labels, review
from tenants.models import Role

from ..forms import choices
from ..tenancy import staff_required
from ..transaction import attempt
from . import bp, section

section("admin.review", _l("Daily review"))


class ReviewersForm(FlaskForm):
    """The roles that sign the daily review."""

    reviewers = SelectMultipleField(
        _l("Who signs the daily review"),
        choices=choices((r.value, labels.BOOK[Role][r]) for r in Role),
    )


@bp.route("/review", methods=["GET", "POST"], endpoint="review")
@staff_required(Role.ADMIN)
def review_settings():
    """Which roles sign each day of intake "reviewed"; they see the review in the menu."""
    form = ReviewersForm()
    if not form.is_submitted():  # an empty submission names nobody, not the saved roles
        form.reviewers.data = list(g.tenant.config.day_reviewers)
    if form.validate_on_submit():
        wanted = list(form.reviewers.data or [])
        changed = attempt(
            form,
            lambda: review.set_reviewers(g.tenant, current_user._get_current_object(), wanted),
        )
        if changed is not None:
            flash(_("Saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("admin.review"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("admin/review.html", form=form), status
