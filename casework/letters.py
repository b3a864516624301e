"""What goes on a letter, as plain, printable values: the renderer never sees an ORM object.

Also the wording a tenant gives each kind of letter (title, opening, closing; audited), and
the sample case the letters page previews that wording on, which is never saved.
"""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from flask_babel import lazy_gettext as _l

from tenants import audit
from tenants.db import utcnow
from tenants.models import Tenant, User
from tenants.wording import LETTER_LIMITS, LETTER_PARTS, Wording

from . import calendar, deadlines, labels, numbering, plaintext, policy, routing
from .errors import InvalidInput
from .models import Case
from .states import Channel, Finding, Priority, RemedyType, Stage, Status


def status_url(base_url: str, tenant: Tenant, case: Case) -> str:
    """The public status page of the case, with its number filled in (for the QR code)."""
    return f"{base_url.rstrip('/')}/t/{tenant.slug}/status?number={quote(case.number)}"


# The most of the complaint a letter prints; the layout keeps it to one A4 page.
SUMMARY_LENGTH = 500


def summary(description: str) -> str:
    """The complaint as a letter prints it: one paragraph, at most SUMMARY_LENGTH characters.

    Line breaks are folded into spaces: a description of many short lines would otherwise
    push the letter onto a second page. The full text stays on the case.
    """
    text = " ".join(description.split())
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"


def acknowledgement_context(
    tenant: Tenant, case: Case, base_url: str, wording: Wording | None = None
) -> dict[str, Any]:
    """Everything the acknowledgement letter (受理确认函, CO-2, HOSP-3) prints.

    ``wording`` stands in for the tenant's saved wording (the letters page's preview).
    """
    wording = wording or tenant.config.letter.wording("ack")
    # From the catalogue by id rather than the relationship: a sample case is never in a
    # session, and its relationship would read as empty.
    category = routing.category(tenant, case.category_id)
    accepted = deadlines.to_local(case.accepted_at, tenant.timezone)
    due = deadlines.to_local(case.reply_due_at, tenant.timezone) if case.reply_due_at else None
    context = {
        "tenant_name": tenant.name,
        "letterhead": tenant.letterhead,
        "logo_svg": tenant.logo_svg,
        "primary_color": tenant.primary_color,
        "title": wording.title,
        "opening": wording.opening,
        "closing": wording.closing,
        "number": case.number,
        "access_code": case.access_code,
        "accepted_at": accepted.replace(tzinfo=None),
        "accepted_by": case.accepted_by_label,
        "accepted_contact": case.accepted_by_contact,
        "complainant": case.complainant_name,
        "category": category.name if category else "",
        "channel": case.channel.value,
        "location": case.location,
        "summary": summary(case.description),
        "reply_due": due.date() if due else None,
        "status_url": status_url(base_url, tenant, case),
        "locale": tenant.locale,
    }
    # Whatever reaches paper is printable: no control characters, no bidi overrides that
    # would make a name or a summary read differently from what was typed.
    return {k: plaintext.printable(v) if isinstance(v, str) else v for k, v in context.items()}


# The result letter's wording where the tenant set none, in the letter's language; the
# tenant rewords it on the letters page (keys result_title, result_opening, result_closing).
RESULT_DEFAULTS = {
    "zh_CN": Wording(
        title="处理结果告知书",
        opening="您反映的问题我单位已调查处理完毕，现将调查结论和处理结果告知如下：",
        closing=(
            "如您对处理结果不满意，可自收到本告知书之日起十五日内凭受理编号向我单位申请复核，"
            "或向有关主管部门反映。感谢您的监督。"
        ),
    ),
    "en": Wording(
        title="Result of your complaint",
        opening="We have investigated and handled your complaint. What we found and did:",
        closing=(
            "Not satisfied? Ask us to review it within 15 days, quoting your case number, "
            "or turn to the authority over us."
        ),
    ),
}
# The most of the complaint a result letter repeats: it is about the answer, not the question.
RESULT_SUMMARY_LENGTH = 150


def amount_text(amount: Decimal | None, locale: str) -> str:
    """A remedy's amount as the letter prints it: "1,234.50 元", or "¥1,234.50"."""
    if amount is None:
        return ""
    figure = f"{amount:,.2f}"
    return f"{figure} 元" if locale == "zh_CN" else f"¥{figure}"


def result_wording(tenant: Tenant, wording: Wording | None = None) -> Wording:
    """The result letter's wording: the tenant's, each empty part from the defaults."""
    wording = wording or tenant.config.letter.wording("result")
    default = RESULT_DEFAULTS.get(tenant.locale, RESULT_DEFAULTS["en"])
    return Wording(**{p: getattr(wording, p) or getattr(default, p) for p in LETTER_PARTS})


def _notice_head(tenant: Tenant, case: Case, wording: Wording) -> dict[str, Any]:
    """What every notice after the acknowledgement prints first (the result and the referral
    letters): the letterhead, the wording, the case's number and the complaint in short."""
    category = routing.category(tenant, case.category_id)
    accepted = deadlines.to_local(case.accepted_at, tenant.timezone)
    text = " ".join(case.description.split())
    if len(text) > RESULT_SUMMARY_LENGTH:
        text = text[: RESULT_SUMMARY_LENGTH - 1] + "…"
    return {
        "tenant_name": tenant.name,
        "letterhead": tenant.letterhead,
        "primary_color": tenant.primary_color,
        "title": wording.title,
        "opening": wording.opening,
        "closing": wording.closing,
        "number": case.number,
        "access_code": case.access_code,
        "accepted_at": accepted.replace(tzinfo=None),
        "complainant": case.complainant_name,
        "category": category.name if category else "",
        "summary": text,
    }


def result_context(
    tenant: Tenant, case: Case, base_url: str, wording: Wording | None = None
) -> dict[str, Any]:
    """Everything the result notice letter (处理结果告知书, CO-4, HOSP-6) prints.

    Only text written for the complainant: the finding in words, the result and the remedy
    as the handler wrote them for the complainant. The cause analysis, the cause, notes and
    who approved the remedy stay on the desk.
    """
    wording = result_wording(tenant, wording)
    answered = case.result_sent_at or case.result_at or utcnow()
    answered_local = deadlines.to_local(answered, tenant.timezone)
    context = {
        **_notice_head(tenant, case, wording),
        "finding": labels.label(case.finding) if case.finding else "",
        "result": case.result_text,
        "remedy_type": labels.label(case.remedy_type) if case.remedy_type else "",
        "remedy_amount": amount_text(case.remedy_amount, tenant.locale),
        "remedy": case.remedy_text,
        "contact": " ".join(p for p in (tenant.duty_contact_name, tenant.duty_contact_phone) if p),
        "signed_at": answered_local.date(),
        "status_url": status_url(base_url, tenant, case),
        "locale": tenant.locale,
    }
    return {k: plaintext.printable(v) if isinstance(v, str) else v for k, v in context.items()}


def logo_data_uri(tenant: Tenant) -> str:
    """The tenant's logo as a letter embeds it: the uploaded PNG if any, else the SVG."""
    if tenant.logo_etag:
        png = tenant.logo_png
        if png:
            return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    if tenant.logo_svg:
        svg = base64.b64encode(tenant.logo_svg.encode("utf-8")).decode("ascii")
        return "data:image/svg+xml;base64," + svg
    return ""


def wording_from(title: str, opening: str, closing: str) -> Wording:
    """Wording as typed into the letters page, checked: InvalidInput names a part at fault.

    Each part is one paragraph, as the letter prints it (line breaks typed in a box fold
    into spaces), within its length limit, without control characters.
    """
    parts = {}
    for part, typed in zip(LETTER_PARTS, (title, opening, closing), strict=True):
        text = " ".join((typed or "").split())
        if plaintext.printable(text, multiline=False) != text:
            raise InvalidInput(part, _l("Remove the control characters from this text."))
        if len(text) > LETTER_LIMITS[part]:
            raise InvalidInput(
                part,
                _l(
                    "At most %(limit)s characters (now %(length)s): the letter keeps to one page.",
                    limit=LETTER_LIMITS[part],
                    length=len(text),
                ),
            )
        parts[part] = text
    return Wording(**parts)


def set_wording(tenant: Tenant, actor: User | None, kind: str, wording: Wording) -> bool:
    """Give letters of ``kind`` new wording (from :func:`wording_from`); False if unchanged.

    Audited as "letter.<kind>" with the wording before and after.
    """
    before = tenant.config.letter.wording(kind)
    if wording == before:
        return False
    tenant.update_config(letter=tenant.config.letter.with_wording(kind, wording))
    audit.record(
        actor,
        f"letter.{kind}",
        kind,
        {"before": before.model_dump(), "after": wording.model_dump()},
    )
    return True


SAMPLE_ACCESS_CODE = "SAMPLE00"


def sample_case(tenant: Tenant, now: dt.datetime | None = None) -> Case:
    """A case for previews: the tenant's next number, its first category, its reply date.

    Never added to a session and never saved; nothing is taken (the number is only
    peeked at, see :func:`numbering.preview`). Call it in the tenant's locale: the
    complainant's words are sample text in the letter's language.
    """
    now = now or utcnow()
    categories = routing.categories(tenant)
    day = deadlines.local_today(now, tenant.timezone)
    case = Case(
        tenant_id=tenant.id,
        number=numbering.preview(tenant.case_prefix, tenant.config.case_number, tenant.id, day),
        access_code=SAMPLE_ACCESS_CODE,
        status=Status.ACCEPTED,
        channel=Channel.WEB,
        priority=Priority.NORMAL,
        category_id=categories[0].id if categories else None,
        description=str(
            _l(
                "Sample complaint: the receipt for my purchase on the second floor was "
                "charged twice, and I ask for the difference to be refunded."
            )
        ),
        location=str(_l("Second floor, service desk")),
        complainant_name=str(_l("Sample Complainant")),
        accepted_at=now,
        accepted_by_label=tenant.duty_contact_name,
        accepted_by_contact=tenant.duty_contact_phone,
        created_at=now,
        # What the result letter's preview prints.
        finding=Finding.PARTLY_VALID,
        result_text=str(
            _l(
                "Sample result: the till charged the purchase twice; the cashier has been "
                "retrained and the double charge reversed."
            )
        ),
        remedy_type=RemedyType.REFUND,
        remedy_amount=Decimal("128.50"),
        remedy_text=str(_l("Sample remedy: the difference refunded to your card.")),
        result_at=now,
    )
    target = policy.target_for(tenant, Stage.RESULT, case)
    if target is not None:
        case.reply_due_at = deadlines.compute(
            now, target, tenant.timezone, calendar.for_tenant(tenant)
        ).at
    return case


# The referral notice's wording where the tenant set none (keys referral_title, _opening,
# _closing on the letters page): a case outside the remit (告知转办, CITY-5).
REFERRAL_DEFAULTS = {
    "zh_CN": Wording(
        title="转办告知书",
        opening="您反映的问题经审查不属于我单位职责范围，现将有关情况和建议受理的单位告知如下：",
        closing="请您向上述单位反映，该单位将依法依规予以处理。感谢您的理解与支持。",
    ),
    "en": Wording(
        title="Referral notice",
        opening=(
            "We have looked at your complaint and it is outside what our organisation handles. "
            "Why, and the body that can help you:"
        ),
        closing="Please contact the body named above, which can deal with it. Thank you.",
    ),
}


def referral_wording(tenant: Tenant, wording: Wording | None = None) -> Wording:
    """The referral notice's wording: the tenant's, each empty part from the defaults."""
    wording = wording or tenant.config.letter.wording("referral")
    default = REFERRAL_DEFAULTS.get(tenant.locale, REFERRAL_DEFAULTS["en"])
    return Wording(**{p: getattr(wording, p) or getattr(default, p) for p in LETTER_PARTS})


def referral_context(
    tenant: Tenant, case: Case, base_url: str, wording: Wording | None = None
) -> dict[str, Any]:
    """Everything the referral notice letter (转办告知书, CITY-5) prints: the complaint in
    short, why it is outside the remit and the body to turn to with its contact, all as
    staff wrote them for the complainant (the referral entry). A sample case (the letters
    page's preview, never saved) prints sample words."""
    from .operations import referrals  # operations build on this package's modules

    wording = referral_wording(tenant, wording)
    entry = referrals.referral(case) if case.id is not None else None
    if entry is not None:
        reason = entry.body
        body = str(entry.changes.get("referred_to") or "")
        contact = str(entry.changes.get("referred_contact") or "")
        signed = entry.at
    else:
        reason = str(_l("Sample reason: disputes over a tenancy are for the housing authority."))
        body, contact, signed = str(_l("Sample housing authority")), "12345", utcnow()
    context = {
        **_notice_head(tenant, case, wording),
        "reason": reason,
        "referred_to": body,
        "referred_contact": contact,
        "contact": " ".join(p for p in (tenant.duty_contact_name, tenant.duty_contact_phone) if p),
        "signed_at": deadlines.to_local(signed, tenant.timezone).date(),
        "status_url": status_url(base_url, tenant, case),
        "locale": tenant.locale,
    }
    return {k: plaintext.printable(v) if isinstance(v, str) else v for k, v in context.items()}
