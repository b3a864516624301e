"""Letters: the acknowledgement (受理确认函) rendered once per case and sent once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import segno
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from casework import access
from casework.letters import acknowledgement_context
from casework.models import Case, Letter
from tenants.db import db
from tenants.models import Tenant

from . import notify, pdf
from .runtime import job


@dataclass(frozen=True)
class LetterKind:
    """A kind of letter: its template and the plain-value context it prints."""

    template: str
    context: Callable[[Tenant, Case, str], dict[str, Any]]


# Result letters, dossiers and revisit notices join here, one entry each.
KINDS: dict[str, LetterKind] = {
    "ack": LetterKind("letters/acknowledgement.html", acknowledgement_context),
}


def render_letter(tenant: Tenant, case: Case, kind: str) -> bytes:
    """The case's letter of this kind as PDF bytes; ValueError for a kind that does not exist."""
    try:
        spec = KINDS[kind]
    except KeyError:
        raise ValueError(f"no letter of kind {kind!r}; choose one of {sorted(KINDS)}") from None
    ctx = spec.context(tenant, case, current_app.config["PUBLIC_URL"])
    qr = segno.make(ctx["status_url"], error="m")
    with force_locale(tenant.locale):
        html = render_template(
            spec.template, letter=ctx, qr_image=qr.png_data_uri(scale=4, border=1)
        )
    return pdf.render_pdf(html)


def ensure_letter(case: Case, kind: str = "ack") -> Letter:
    """The case's letter of this kind, rendering and storing it the first time."""
    letter = access.get_letter(case, kind)
    if letter is not None:
        return letter
    data = render_letter(case.tenant, case, kind)
    try:
        with db.session.begin_nested():
            letter = Letter(case_id=case.id, kind=kind, pdf=data, size=len(data))
            db.session.add(letter)
    except IntegrityError:  # another worker rendered it first; theirs stands
        letter = access.get_letter(case, kind)
    db.session.commit()
    return letter


@job("letters.acknowledge")
def acknowledge(case_id: int) -> None:
    """Render the acknowledgement letter and email it to the complainant if we can."""
    case = access.get_case(case_id)
    letter = ensure_letter(case, "ack")
    notify.email_complainant(
        case,
        f"ack:{case.id}",
        _l("Your complaint %(number)s has been accepted", number=case.number),
        "emails/acknowledgement.txt",
        letter=letter,
        filename=f"{case.number}.pdf",
    )
