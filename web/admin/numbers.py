"""Tenant administration: how case numbers (受理编号) read, with the next number previewed.

The page posts to itself to save; as the admin types, htmx asks :func:`numbers_preview` for
the preview alone. Without JavaScript the form's "Preview" button posts the values back and
the page shows their preview without saving them.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, NumberRange, Regexp

from casework import deadlines, numbering
from tenants.db import utcnow
from tenants.models import Role
from tenants.settings import NumberPattern

from ..htmx import render
from ..tenancy import staff_required
from ..transaction import attempt
from . import bp, section

section("admin.numbers", _l("Case numbers"))

# What each date part is called; the example beside it is today's date written that way.
DATE_PART_NAMES = {
    "%Y%m%d": _l("year, month and day"),
    "%y%m%d": _l("two-digit year, month and day"),
    "%Y%m": _l("year and month"),
    "%Y": _l("year"),
    "": _l("none: one sequence for ever"),
}


def _upper(value: str | None) -> str | None:
    return value.strip().upper() if isinstance(value, str) else value


class NumberForm(FlaskForm):
    """Prefix, date part and sequence width of the tenant's case numbers."""

    prefix = StringField(
        _l("Prefix"),
        filters=[_upper],
        validators=[
            InputRequired(),
            Regexp(r"^[A-Z]{1,10}$", message=_l("Use 1 to 10 capital letters A to Z.")),
        ],
    )
    date_part = SelectField(_l("Date part"), choices=[])
    width = IntegerField(
        _l("Sequence digits"),
        validators=[
            InputRequired(),
            NumberRange(
                min=numbering.WIDTHS.start,
                max=numbering.WIDTHS.stop - 1,
                message=_l(
                    "Use %(low)s to %(high)s digits.",
                    low=numbering.WIDTHS.start,
                    high=numbering.WIDTHS.stop - 1,
                ),
            ),
        ],
    )

    def fill(self, today) -> NumberForm:
        """Offer the date parts, each with today's date written that way."""
        self.date_part.choices = [
            (code, f"{today.strftime(code)} ({name})" if code else str(name))
            for code, name in DATE_PART_NAMES.items()
        ]
        return self


def _today():
    return deadlines.local_today(utcnow(), g.tenant.timezone)


def _current(form: NumberForm) -> None:
    pattern = g.tenant.config.case_number
    form.prefix.data = g.tenant.case_prefix
    form.date_part.data = pattern.date_part
    form.width.data = pattern.width


def _preview(form: NumberForm, today, valid: bool) -> dict[str, str | None]:
    """The next number under the current pattern, and under the form's values if valid."""
    current = numbering.preview(
        g.tenant.case_prefix, g.tenant.config.case_number, g.tenant.id, today
    )
    new = None
    if valid:
        pattern = NumberPattern(date_part=form.date_part.data, width=form.width.data)
        new = numbering.preview(form.prefix.data, pattern, g.tenant.id, today)
    return {"current": current, "new": new}


@bp.route("/numbers", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def numbers():
    """The case-number pattern: prefix, date part and sequence width."""
    today = _today()
    form = NumberForm().fill(today)
    if request.method == "GET":
        _current(form)
        valid = True
    else:
        valid = form.validate_on_submit()
        if valid and "preview" not in request.form:
            changed = attempt(
                form,
                lambda: numbering.set_pattern(
                    g.tenant,
                    current_user._get_current_object(),
                    form.prefix.data,
                    form.date_part.data,
                    form.width.data,
                ),
            )
            if changed is not None:
                flash(
                    _("Saved. Numbers already issued stay as they are.")
                    if changed
                    else _("Nothing changed."),
                    "success",
                )
                return redirect(url_for("admin.numbers"), 303)
            valid = False
    preview = _preview(form, today, valid)
    return render_template("admin/numbers.html", form=form, preview=preview), (
        200 if valid else 422
    )


@bp.get("/numbers/preview")
@staff_required(Role.ADMIN)
def numbers_preview():
    """The next number under the values typed so far: the fragment for htmx, else the page."""
    today = _today()
    form = NumberForm(request.args, meta={"csrf": False}).fill(today)
    return render(
        "admin/numbers.html",
        "admin/_numbers_preview.html",
        form=form,
        preview=_preview(form, today, form.validate()),
    )
