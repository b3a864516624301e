"""What goes on a letter, as plain, printable values: the renderer never sees an ORM object."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from tenants.models import Tenant

from . import deadlines, plaintext
from .models import Case


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


def acknowledgement_context(tenant: Tenant, case: Case, base_url: str) -> dict[str, Any]:
    """Everything the acknowledgement letter (受理确认函, CO-2, HOSP-3) prints."""
    wording = tenant.config.letter
    accepted = deadlines.to_local(case.accepted_at, tenant.timezone)
    due = deadlines.to_local(case.reply_due_at, tenant.timezone) if case.reply_due_at else None
    context = {
        "tenant_name": tenant.name,
        "letterhead": tenant.letterhead,
        "logo_svg": tenant.logo_svg,
        "primary_color": tenant.primary_color,
        "title": wording.ack_title,
        "opening": wording.ack_opening,
        "closing": wording.ack_closing,
        "number": case.number,
        "access_code": case.access_code,
        "accepted_at": accepted.replace(tzinfo=None),
        "accepted_by": case.accepted_by_label,
        "accepted_contact": case.accepted_by_contact,
        "complainant": case.complainant_name,
        "category": case.category.name if case.category else "",
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
