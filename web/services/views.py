"""Entering one service record, and importing an export of them after its preview.

Thin: the checks, the idempotence by order number and the revisit plans are the domain's
(:mod:`casework.operations.services`, :mod:`casework.service_import`). The uploaded file is
kept on the server between the preview and the import; the confirm names only its id.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casework import access, routing, service_import
from casework.errors import DomainError
from casework.models import ServiceImport
from casework.operations import services
from tenants.db import db
from tenants.models import Role

from ..htmx import render
from ..tenancy import staff_required
from ..transaction import Refused, attempt
from . import bp
from .forms import ConfirmForm, ImportForm, ServiceForm

SERVICE_ROLES = (Role.INTAKE, Role.DEPT_HEAD, Role.SUPERVISOR, Role.ADMIN)


@bp.route("/new", methods=["GET", "POST"])
@staff_required(*SERVICE_ROLES)
def new():
    """Record one completed service (a work order done, an event held) at the desk."""
    form = ServiceForm()
    form.set_choices(routing.active_categories(g.tenant))
    if form.validate_on_submit():
        user = current_user._get_current_object()
        service = form.to_service(g.tenant.timezone)
        done = attempt(form, lambda: services.record_service(g.tenant, service, user))
        if done is not None:
            number = done.case.number
            if done.created:
                flash(_("Service %(number)s recorded.", number=number), "success")
            else:
                flash(
                    _(
                        "Order %(ref)s was recorded before, as %(number)s: nothing changed.",
                        ref=done.case.source_ref,
                        number=number,
                    ),
                    "info",
                )
            if access.in_sight(user, [done.case.id]):
                return redirect(url_for("cases.show", case_id=done.case.id), 303)
            return redirect(url_for("services.new"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("services/new.html", form=form), status


@bp.route("/import", methods=["GET", "POST"])
@staff_required(*SERVICE_ROLES)
def upload():
    """Upload an export; it is kept, and its preview shown, before anything is saved."""
    form = ImportForm()
    form.set_choices()
    if form.validate_on_submit():
        storage = form.file.data
        data = storage.read() if storage else b""
        name = storage.filename if storage else ""
        user = current_user._get_current_object()
        stored = attempt(
            form, lambda: service_import.store(g.tenant, name, data, form.kind.data, user)
        )
        if stored is not None:
            return redirect(url_for("services.preview", import_id=stored.id), 303)
    status = 422 if form.is_submitted() else 200
    uploads = service_import.recent()
    return render_template("services/import.html", form=form, uploads=uploads), status


def _upload(import_id: int) -> ServiceImport:
    found = db.session.get(ServiceImport, import_id)  # another tenant's: None, a 404
    if found is None:
        abort(404)
    return found


def _preview_page(stored: ServiceImport, form: ConfirmForm, status: int = 200, refusal=None):
    try:
        result = service_import.preview_upload(g.tenant, stored)
    except DomainError as exc:  # the stored bytes no longer match their digest
        refusal, result = str(exc), None
    return render(
        "services/preview.html",
        "services/_preview.html",
        status,
        upload=stored,
        result=result,
        form=form,
        refusal=refusal,
    )


@bp.get("/import/<int:import_id>")
@staff_required(*SERVICE_ROLES)
def preview(import_id: int):
    """The uploaded file's rows checked: each row's errors, duplicates, rows imported before."""
    return _preview_page(_upload(import_id), ConfirmForm(formdata=None))


@bp.post("/import/<int:import_id>/confirm")
@staff_required(*SERVICE_ROLES)
def confirm(import_id: int):
    """Save the good rows of the previewed file not imported before; report the rest."""
    stored = _upload(import_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _preview_page(stored, form, 422, _("The form expired: please try again."))
    user = current_user._get_current_object()
    try:
        result = attempt(form, lambda: service_import.run_import(g.tenant, stored, user))
    except Refused as exc:
        return _preview_page(stored, form, 409, exc.message)
    if result is None:
        return _preview_page(stored, form, 422, form.form_errors[0] if form.form_errors else None)
    flash(
        _(
            "%(saved)s records imported; %(known)s imported before and skipped; "
            "%(bad)s rows with errors not imported.",
            saved=result.good,
            known=result.known,
            bad=result.bad,
        ),
        "success" if not result.bad else "warning",
    )
    return redirect(url_for("services.preview", import_id=stored.id), 303)
