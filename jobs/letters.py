"""Letters: the acknowledgement (受理确认函) and the result notice (处理结果告知书), each
rendered once per case and sent once, and the preview of a kind's wording on a sample case,
rendered by the same code and never saved."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import segno
from flask import current_app, render_template
from flask_babel import LazyString, force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from casework import access
from casework.letters import (
    acknowledgement_context,
    logo_data_uri,
    referral_context,
    result_context,
    sample_case,
)
from casework.models import Case, Letter
from casework.operations import referrals
from tenants.db import db
from tenants.models import Tenant
from tenants.wording import Wording

from . import notify, pdf
from .runtime import job


@dataclass(frozen=True)
class LetterKind:
    """A kind of letter: its template, the plain-value context it prints, and its name on
    the letters page, where the tenant admin words its title, opening and closing.

    ``context(tenant, case, base_url, wording)`` takes the wording to print, or None for
    the tenant's saved wording of the kind.
    """

    template: str
    context: Callable[[Tenant, Case, str, Wording | None], dict[str, Any]]
    label: LazyString


# Dossiers and revisit notices join here, one entry each; the letters page
# lists every kind and keeps each kind's wording under its key.
KINDS: dict[str, LetterKind] = {
    "ack": LetterKind(
        "letters/acknowledgement.html", acknowledgement_context, _l("Acknowledgement letter")
    ),
    "result": LetterKind("letters/result.html", result_context, _l("Result notice letter")),
    "referral": LetterKind("letters/referral.html", referral_context, _l("Referral notice letter")),
}


def render_letter(tenant: Tenant, case: Case, kind: str, wording: Wording | None = None) -> bytes:
    """The case's letter of this kind as PDF bytes; ValueError for a kind that does not exist.

    ``wording`` replaces the tenant's saved wording of the kind (the letters page's preview).
    """
    try:
        spec = KINDS[kind]
    except KeyError:
        raise ValueError(f"no letter of kind {kind!r}; choose one of {sorted(KINDS)}") from None
    ctx = spec.context(tenant, case, current_app.config["PUBLIC_URL"], wording)
    qr = segno.make(ctx["status_url"], error="m")
    with force_locale(tenant.locale):
        html = render_template(
            spec.template,
            letter=ctx,
            qr_image=qr.png_data_uri(scale=4, border=1),
            logo_image=logo_data_uri(tenant),
        )
    return pdf.render_pdf(html)


def preview_letter(tenant: Tenant, kind: str, wording: Wording | None = None) -> bytes:
    """The letter of ``kind`` for a sample case, with ``wording`` if given; writes nothing.

    The sample case is built in the tenant's language and never joins the session, and
    autoflush is off while it exists, so a preview cannot save a row even by accident.
    """
    with db.session.no_autoflush, force_locale(tenant.locale):
        case = sample_case(tenant)
        return render_letter(tenant, case, kind, wording)


def ensure_letter(case: Case, kind: str = "ack") -> Letter:
    """The case's letter of this kind, rendering and storing it the first time."""
    letter = access.get_letter(case, kind)
    if letter is not None:
        return letter
    data = render_letter(case.tenant, case, kind)
    round_ = access.letter_round(case, kind)
    try:
        with db.session.begin_nested():
            letter = Letter(case_id=case.id, kind=kind, round=round_, pdf=data, size=len(data))
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


@job("letters.result")
def result(case_id: int, round: int = 0) -> None:
    """Render the result notice letter (处理结果告知书) and email it to the complainant once.

    Once per round of handling: a case sent back to handling (MALL-6) tells its next result
    anew, and a job of a round since superseded sends nothing. The first round's mail keeps
    the key of the plain result mail it replaced, so a case is told once per round.
    """
    case = access.get_case(case_id)
    if round != case.result_round:
        return
    letter = ensure_letter(case, "result")
    notify.email_complainant(
        case,
        f"result:{case.id}" + (f":{round}" if round else ""),
        _l("The result of your complaint %(number)s", number=case.number),
        "emails/result.txt",
        letter=letter,
        filename=f"{case.number}-result.pdf",
    )


@job("letters.referral")
def referral(case_id: int) -> None:
    """Render the referral notice letter (转办告知书, CITY-5) and email it to the complainant
    once: why the case is outside the remit and the body to turn to."""
    case = access.get_case(case_id)
    entry = referrals.referral(case)
    if entry is None:  # not referred out (a stray row): nothing to tell
        return
    letter = ensure_letter(case, "referral")
    notify.email_complainant(
        case,
        f"referral:{case.id}",
        _l("Where to take your complaint %(number)s", number=case.number),
        "emails/referral.txt",
        letter=letter,
        filename=f"{case.number}-referral.pdf",
        referral=entry,
    )
