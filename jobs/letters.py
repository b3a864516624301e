"""Letters: the acknowledgement (受理确认函) rendered once per case and sent once."""

from __future__ import annotations

import segno
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from casework import access
from casework.letters import acknowledgement_context
from casework.models import Case, Letter
from tenants.db import db
from tenants.models import Tenant

from . import notify, pdf
from .runtime import job


def render_acknowledgement(tenant: Tenant, case: Case) -> bytes:
    """The acknowledgement letter of a case as PDF bytes."""
    ctx = acknowledgement_context(tenant, case, current_app.config["PUBLIC_URL"])
    qr = segno.make(ctx["status_url"], error="m")
    with force_locale(tenant.locale):
        html = render_template(
            "letters/acknowledgement.html", letter=ctx, qr_image=qr.png_data_uri(scale=4, border=1)
        )
    return pdf.render_pdf(html)


def ensure_letter(case: Case, kind: str = "ack") -> Letter:
    """The case's letter of this kind, rendering and storing it the first time."""
    letter = access.get_letter(case, kind)
    if letter is not None:
        return letter
    tenant = db.session.get(Tenant, case.tenant_id)
    data = render_acknowledgement(tenant, case)
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
    if not case.complainant_email:
        return
    tenant = db.session.get(Tenant, case.tenant_id)
    with force_locale(tenant.locale):
        subject = _("Your complaint %(number)s has been accepted", number=case.number)
        body = render_template("emails/acknowledgement.txt", tenant=tenant, case=case)
    notify.send_mail(
        f"ack:{case.id}",
        case.complainant_email,
        subject,
        body,
        case_id=case.id,
        letter=letter,
        filename=f"{case.number}.pdf",
    )
