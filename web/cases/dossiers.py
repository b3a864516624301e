"""The case dossier (案卷) on the desk: ask for it, watch it being built, download it.

Every URL loads the case in the user's sight first (404 outside it, as another tenant's),
then the dossier among that case's own; an unmasked dossier downloads only for whoever
asked for it or holds the personal-data right (CO-8), anyone else gets the same 404.
"""

from __future__ import annotations

from flask import abort, make_response, redirect, url_for
from flask_login import current_user

from casework.models import Case, Dossier
from casework.operations import dossiers

from ..htmx import is_htmx, render
from ..tenancy import staff_required
from . import bp
from .views import STAFF, _case


def _dossier(case: Case, dossier_id: int) -> Dossier:
    row = dossiers.get_dossier(case, dossier_id)
    if row is None:
        abort(404)
    return row


def _fragment(case: Case, row: Dossier | None, status: int = 200):
    user = current_user._get_current_object()
    downloadable = row is not None and dossiers.may_download(row, user)
    return render(
        "cases/dossier.html",
        "cases/_dossier.html",
        status,
        case=case,
        dossier=row,
        downloadable=downloadable,
    )


@bp.post("/cases/<int:case_id>/dossiers")
@staff_required(*STAFF)
def request_dossier(case_id: int):
    """Ask for the case's dossier; the fragment that follows its progress comes back."""
    case = _case(case_id)
    row = dossiers.request_dossier(case, current_user._get_current_object())
    if is_htmx():
        return _fragment(case, row)
    return redirect(url_for("cases.dossier", case_id=case.id, dossier_id=row.id), 303)


@bp.get("/cases/<int:case_id>/dossiers/<int:dossier_id>")
@staff_required(*STAFF)
def dossier(case_id: int, dossier_id: int):
    """How far the dossier has come (polled by htmx every 2 s until it is done or failed)."""
    case = _case(case_id)
    return _fragment(case, _dossier(case, dossier_id))


@bp.get("/cases/<int:case_id>/dossiers/<int:dossier_id>.pdf")
@staff_required(*STAFF)
def dossier_pdf(case_id: int, dossier_id: int):
    """The dossier's PDF once built (202 and its progress until then)."""
    case = _case(case_id)
    row = _dossier(case, dossier_id)
    if not dossiers.may_download(row, current_user._get_current_object()):
        abort(404)
    if not row.is_done:
        return _fragment(case, row, 202)
    response = make_response(row.pdf)
    response.headers["Content-Type"] = "application/pdf"
    suffix = "-masked" if row.masked else ""
    name = f"{case.number}-dossier{suffix}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
