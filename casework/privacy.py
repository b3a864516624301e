"""The complainant's personal data as staff without the right to it see it: masked (CO-8).

A phone number reads 138****5678, an email z***@example.com, an address keeps its first
part (the district, not the door) and an ID number its first six and last four characters.
The masks are pure functions of the text, so the desk, exports and the dossier mask alike;
letters and emails to the complainant are never masked.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers

from tenants.db import db
from tenants.models import Tenant, User

MASK = "****"
# How much of an address stays readable: enough to tell the district, not the door, and
# never more than half of it.
ADDRESS_KEPT = 6


def mask_phone(phone: str) -> str:
    """138****5678: the first three and the last four digits of a number long enough.

    Numbers are stored in international form (+8613812345678); the mask is of the number
    as people read it at home, so a Chinese number loses its +86 first.
    """
    digits = phone.strip()
    if not digits:
        return ""
    try:
        parsed = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and parsed.country_code == 86:
        digits = phonenumbers.national_significant_number(parsed)
    if len(digits) <= 7:
        return digits[:1] + MASK if len(digits) > 1 else MASK
    return digits[:3] + MASK + digits[-4:]


def mask_email(email: str) -> str:
    """z***@example.com: the first character of the name and the whole domain."""
    email = email.strip()
    if not email:
        return ""
    name, at, domain = email.partition("@")
    if not at:
        return name[:1] + "***"
    return f"{name[:1]}***@{domain}"


def mask_address(address: str) -> str:
    """At most the first ``ADDRESS_KEPT`` characters and at most half, then the mask."""
    address = address.strip()
    if not address:
        return ""
    return address[: min(ADDRESS_KEPT, len(address) // 2)] + MASK


def mask_id_number(number: str) -> str:
    """110101********1234: the first six and last four characters of an ID number."""
    number = number.strip()
    if not number:
        return ""
    if len(number) <= 10:
        return number[:2] + MASK
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def may_see(user: User | None) -> bool:
    """True when ``user`` holds the personal-data right through one of their roles.

    None is the system (a job writing to the complainant), which always may.
    """
    if user is None:
        return True
    held = db.session.get(Tenant, user.tenant_id).config.personal_data_roles
    return any(role.value in held for role in user.roles)


@dataclass(frozen=True)
class Contact:
    """A complainant's contact details as one reader may see them."""

    name: str
    phone: str
    email: str
    address: str
    id_number: str
    masked: bool


def contact(
    name: str, phone: str, email: str, address: str = "", id_number: str = "", *, masked: bool
) -> Contact:
    """The details, masked when ``masked``; the name is never masked (staff address people)."""
    if not masked:
        return Contact(name, phone, email, address, id_number, False)
    return Contact(
        name,
        mask_phone(phone),
        mask_email(email),
        mask_address(address),
        mask_id_number(id_number),
        True,
    )
