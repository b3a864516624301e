"""Tenant administration: the wording of each kind of letter, with a live PDF preview.

One page per kind in :data:`jobs.letters.KINDS` (``?kind=ack``; the acknowledgement
受理确认函 first), so result letters appear here by joining the registry. Beside the form
the letter itself, rendered by the same job code on a sample case that is never saved, with
the wording as typed: htmx asks :func:`letter_preview` for a fresh ``<iframe>`` as the admin
types, whose PDF comes from :func:`letter_preview_pdf`. The kind travels as a query
argument, not a path segment: it is a word of the code, not a row of any tenant's.

The wording travels in the preview's query string. Its limits (24 + 120 + 120 characters)
keep that under 2.5 KB percent-encoded, inside the 4 KB request line gunicorn accepts.
"""

from __future__ import annotations

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired

from casework.errors import InvalidInput
from casework.letters import set_wording, wording_from
from jobs.letters import KINDS, preview_letter
from tenants.models import Role
from tenants.wording import LETTER_LIMITS, Wording

from ..htmx import render
from ..security import framed_by_own_pages
from ..tenancy import staff_required
from ..transaction import attempt
from . import bp, section

section("admin.letters", _l("Letters"))


class WordingForm(FlaskForm):
    """A letter's title and the paragraphs before and after the facts of the case."""

    # Empty for the letter's own title, e.g. 受理确认函; a letter always needs its paragraphs.
    title = StringField(_l("Title"))
    opening = TextAreaField(
        _l("Opening"), validators=[InputRequired(_l("Write the paragraph that opens the letter."))]
    )
    closing = TextAreaField(
        _l("Closing"), validators=[InputRequired(_l("Write the paragraph that ends the letter."))]
    )


def _kind(default_first: bool = True) -> str:
    """The kind the request names, or the first kind; 404 for a kind that does not exist."""
    kind = request.args.get("kind") or (next(iter(KINDS)) if default_first else "")
    if kind not in KINDS:
        abort(404)
    return kind


def _wording(form: WordingForm) -> Wording | None:
    """The form's wording, checked; None with the errors on the form's fields."""
    try:
        return wording_from(form.title.data, form.opening.data, form.closing.data)
    except InvalidInput as exc:
        getattr(form, exc.field).errors = [*getattr(form, exc.field).errors, str(exc)]
        return None


def _page_context(kind: str, form: WordingForm, wording: Wording | None) -> dict:
    return {
        "kind": kind,
        "kinds": KINDS,
        "form": form,
        "wording": wording,
        "limits": LETTER_LIMITS,
    }


@bp.route("/letters", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def letters():
    """One kind of letter's wording, with its preview beside; the kinds as tabs above."""
    kind = _kind()
    form = WordingForm()
    if request.method == "GET":
        saved = g.tenant.config.letter.wording(kind)
        form.process(data=saved.model_dump())
        return render_template("admin/letters.html", **_page_context(kind, form, saved))
    wording = _wording(form) if form.validate_on_submit() else None
    if wording is not None and "preview" not in request.form:
        user = current_user._get_current_object()
        changed = attempt(form, lambda: set_wording(g.tenant, user, kind, wording))
        if changed is not None:
            message = _("Saved. Letters from now on use this wording.")
            flash(message if changed else _("Nothing changed."), "success")
            return redirect(url_for("admin.letters", kind=kind), 303)
        wording = None
    status = 200 if wording is not None else 422
    return render_template("admin/letters.html", **_page_context(kind, form, wording)), status


@bp.get("/letters/preview")
@staff_required(Role.ADMIN)
def letter_preview():
    """The preview for the wording typed so far: the fragment for htmx, else the page."""
    kind = _kind(default_first=False)
    form = WordingForm(request.args, meta={"csrf": False})
    wording = _wording(form)
    return render(
        "admin/letters.html", "admin/_letters_preview.html", **_page_context(kind, form, wording)
    )


@bp.get("/letters/preview.pdf")
@staff_required(Role.ADMIN)
def letter_preview_pdf():
    """The letter of ``kind`` for a sample case with the wording given: a PDF, saved nowhere.

    Shown in the letters page's frame, which is the one thing any page of ours may frame
    (see :func:`web.security.framed_by_own_pages`); a wording the checks refuse is a 400.
    """
    kind = _kind(default_first=False)
    form = WordingForm(request.args, meta={"csrf": False})
    wording = _wording(form)
    if wording is None:
        abort(400)
    response = make_response(preview_letter(g.tenant, kind, wording))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="preview-{kind}.pdf"'
    return framed_by_own_pages(response)
