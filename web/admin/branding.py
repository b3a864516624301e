"""Tenant administration: the logo, the colour, the letterhead line and the duty contact.

The verbs live in :mod:`tenants.branding` and refuse bad input with a reason, worded here in
the user's language: a file that is neither PNG nor SVG (read from its bytes), one over
512 KB, an SVG with a script in it, a colour white text does not read on. As the admin types
a colour, htmx asks :func:`branding_contrast` for its contrast with white text.
"""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import InputRequired

from tenants import branding, logos
from tenants.db import db
from tenants.models import Role

from ..htmx import render
from ..tenancy import staff_required
from . import bp, section

section("admin.branding", _l("Branding"))

# What each refusal of tenants.branding and tenants.logos says, by its reason.
MESSAGES = {
    "too_big": _l(
        "The file is %(size_kb)s KB; a logo may be at most %(limit_kb)s KB. "
        "Save it smaller (a logo needs no more than 512 pixels a side) and try again."
    ),
    "not_a_logo": _l(
        "This file is neither a PNG nor an SVG image, whatever its name says. "
        "Upload the logo as PNG or SVG."
    ),
    "png_broken": _l("This PNG file is damaged or incomplete. Export it again and retry."),
    "png_dimensions": _l(
        "The image is %(width)s × %(height)s pixels; at most %(limit)s pixels a side."
    ),
    "svg_unreadable": _l("This SVG file cannot be read: it is not well-formed XML."),
    "svg_entities": _l(
        "This SVG declares entities or refers to outside files, which a logo may not do. "
        "Export it again as plain SVG."
    ),
    "svg_executable": _l(
        "This SVG contains code that would run in the browser (%(what)s), so it was refused. "
        "Export the logo again without scripts, event handlers or embedded HTML."
    ),
    "svg_too_complex": _l("This SVG has more than %(limit)s elements; a logo needs far fewer."),
    "svg_too_deep": _l(
        "This SVG nests its elements more than %(limit)s deep; a logo needs far fewer levels."
    ),
    "color_format": _l("Give the colour as # and six hexadecimal digits, e.g. #1f6feb."),
    "contrast": _l(
        "White text on %(color)s has a contrast ratio of %(ratio)s:1, below the %(minimum)s:1 "
        "that normal text needs to stay readable (WCAG 2 AA). The bar, the buttons and the "
        "tags print white text on this colour: choose a darker one."
    ),
    "not_one_line": _l("Keep it to one line, without control characters."),
    "too_long": _l("At most %(limit)s characters (now %(length)s)."),
}


def message(reason: str, params: dict[str, Any]) -> str:
    """The user's words for a refusal of the branding verbs."""
    values = dict(params)
    for key in ("size", "limit"):
        if isinstance(values.get(key), int):
            values[f"{key}_kb"] = round(values[key] / 1024)
    return str(MESSAGES.get(reason, _l("This value cannot be used."))) % values


class BrandingForm(FlaskForm):
    """The logo, the colour, the letterhead line and the duty contact."""

    logo = FileField(_l("New logo (PNG or SVG)"))
    primary_color = StringField(
        _l("Primary colour"), validators=[InputRequired(_l("Give a colour, e.g. #1f6feb."))]
    )
    letterhead = StringField(_l("Letterhead line"))
    duty_contact_name = StringField(_l("Duty contact"))
    duty_contact_phone = StringField(_l("Duty phone"))


def _fill(form: BrandingForm) -> None:
    tenant = g.tenant
    form.primary_color.data = tenant.primary_color
    form.letterhead.data = tenant.letterhead
    form.duty_contact_name.data = tenant.duty_contact_name
    form.duty_contact_phone.data = tenant.duty_contact_phone


def contrast(text: str | None) -> dict[str, Any]:
    """What the colour typed so far gives: the colour, its ratio to white text, whether it
    passes, and the message if it does not."""
    try:
        color = branding.check_color(text or "")
    except branding.BrandingRefused as exc:
        return {
            "color": exc.params.get("color") if exc.reason == "contrast" else None,
            "ratio": exc.params.get("ratio"),
            "ok": False,
            "message": message(exc.reason, exc.params),
        }
    ratio = branding.contrast_with_white(color)
    return {"color": color, "ratio": f"{int(ratio * 100) / 100:.2f}", "ok": True, "message": ""}


def _context(form: BrandingForm) -> dict[str, Any]:
    return {
        "form": form,
        "contrast": contrast(form.primary_color.data),
        "uploaded": branding.has_uploaded_logo(g.tenant),
        "minimum": branding.MIN_CONTRAST,
        "limit_kb": logos.MAX_LOGO_BYTES // 1024,
        "limits": branding.LIMITS,
    }


def _page(form: BrandingForm, status: int = 200):
    return render_template("admin/branding.html", **_context(form)), status


@bp.route("/branding", methods=["GET", "POST"], endpoint="branding")
@staff_required(Role.ADMIN)
def branding_page():
    """The tenant's branding; a refused value is shown on its field and nothing is saved."""
    form = BrandingForm()
    if request.method == "GET":
        _fill(form)
        return _page(form)
    if not form.validate_on_submit():
        return _page(form, 422)
    user = current_user._get_current_object()
    upload = form.logo.data
    try:
        recorded = branding.set_branding(
            g.tenant,
            user,
            primary_color=form.primary_color.data,
            letterhead=form.letterhead.data or "",
            duty_contact_name=form.duty_contact_name.data or "",
            duty_contact_phone=form.duty_contact_phone.data or "",
        )
        if upload is not None and getattr(upload, "filename", ""):
            before = branding.describe_logo(g.tenant)
            branding.set_logo(g.tenant, user, upload.filename, upload.read())
            if branding.describe_logo(g.tenant) != before:
                recorded.append("branding.logo")
    except branding.BrandingRefused as exc:
        db.session.rollback()  # the values checked before the refusal are not half-saved
        field = getattr(form, exc.field)
        field.errors = [*field.errors, message(exc.reason, exc.params)]
        return _page(form, 422)
    flash(_("Saved.") if recorded else _("Nothing changed."), "success")
    return redirect(url_for("admin.branding"), 303)


@bp.post("/branding/logo/delete")
@staff_required(Role.ADMIN)
def branding_logo_remove():
    """Remove the uploaded logo: the preset's logo shows again."""
    branding.remove_logo(g.tenant, current_user._get_current_object())
    flash(_("The uploaded logo was removed."), "success")
    return redirect(url_for("admin.branding"), 303)


@bp.get("/branding/contrast")
@staff_required(Role.ADMIN)
def branding_contrast():
    """The contrast of the colour typed so far with white text: the fragment for htmx."""
    form = BrandingForm(request.args, meta={"csrf": False})
    return render("admin/branding.html", "admin/_branding_contrast.html", **_context(form))
