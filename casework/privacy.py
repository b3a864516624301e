"""The complainant's personal data as staff without the right to it see it: masked (CO-8).

A phone number reads 138****5678, an email z***@example.com, an address keeps its first
part (the district, not the door) and an ID number its first six and last four characters.
The masks are pure functions of the text, so the desk, exports and the dossier mask alike;
letters and emails to the complainant are never masked.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

import phonenumbers
import sqlalchemy as sa

from tenants.db import db, utcnow
from tenants.models import Tenant, User

from .models import Case, PersonalDataAccess

MASK = "****"
# How much of an address stays readable: enough to tell the district, not the door, and
# never more than half of it.
ADDRESS_KEPT = 6
# How long a reveal (查看完整信息) keeps one case's details readable to the person who asked:
# long enough to dial the number and note the call across the page loads that brings
# (CITY-8), short enough that the next look asks again. The log row is the window.
REVEAL_MINUTES = 15
# The fields a reveal shows, in the order the log names them.
FIELDS = ("phone", "email", "address", "id_number")


# Parsing a number costs ~0.1 ms and a case's number is read several times for one row (its
# contact, then the redaction of its text, masked and not): an export of 50,000 rows spent
# most of its time here. The functions are pure, so each keeps its recent answers.
_RECENT = 1024


@functools.lru_cache(maxsize=_RECENT)
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


@functools.lru_cache(maxsize=_RECENT)
def national(phone: str) -> str:
    """+8613812345678 → 13812345678: the digits as people write the number in China."""
    if not phone:
        return ""
    try:
        number = phonenumbers.parse(phone, "CN")
    except phonenumbers.NumberParseException:
        return phone
    text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return re.sub(r"[^0-9]", "", text) or phone


def case_contact(case: Case, *, masked: bool) -> Contact:
    """The complainant's details of ``case``; the phone in national digits."""
    return contact(
        case.complainant_name,
        national(case.complainant_phone),
        case.complainant_email,
        case.complainant_address,
        case.complainant_id_number,
        masked=masked,
    )


def held_fields(case: Case) -> list[str]:
    """The personal-data fields ``case`` holds (not empty), in :data:`FIELDS` order."""
    values = case_contact(case, masked=False)
    return [f for f in FIELDS if getattr(values, f)]


def _digits_pattern(digits: str) -> re.Pattern[str]:
    # The number as typed in free text: "13812345678", "138 1234 5678", "138-1234-5678",
    # with or without +86 in front.
    return re.compile(r"(?:\+?86[ -]?)?" + r"[ -]?".join(re.escape(d) for d in digits))


def redact(text: str, case: Case) -> str:
    """``text`` with the complainant's own phone, email, address and ID number of ``case``
    replaced by their masks: for free text staff read (a description, a mail body, a value
    in the history) that may repeat them."""
    if not text:
        return text
    plain, hidden = case_contact(case, masked=False), case_contact(case, masked=True)
    for value, mask in (
        (plain.id_number, hidden.id_number),
        (plain.address, hidden.address),
        (plain.email, hidden.email),
    ):
        # A value too short to be anyone's (an address of "二楼") would mask common words.
        if len(value) >= 4 and value.lower() in text.lower():
            text = re.sub(re.escape(value), mask, text, flags=re.IGNORECASE)
    if len(plain.phone) >= 5:
        text = _digits_pattern(plain.phone).sub(hidden.phone, text)
    return text


class Reader:
    """What one member of staff reads of complainants' personal data (CO-8): all of it with
    the right (:func:`may_see`), else masks, except on the cases they revealed within the
    last :data:`REVEAL_MINUTES`. One per request; the open windows are read once, lazily.
    """

    def __init__(self, user: User | None, now: dt.datetime | None = None) -> None:
        self.user = user
        self.holds = may_see(user)
        self.now = now or utcnow()
        self._open: set[int] | None = None

    @classmethod
    def nobody(cls) -> Reader:
        """A reader who sees every case masked (no one signed in): failing closed."""
        reader = cls(None)
        reader.holds, reader._open = False, set()
        return reader

    def sees(self, case: Case | None) -> bool:
        """True when the details of ``case`` show unmasked to this reader."""
        if self.holds or case is None:
            return True
        if self._open is None:
            self._open = open_windows(self.user, self.now)
        return case.id in self._open

    def contact(self, case: Case) -> Contact:
        """The complainant's details of ``case`` as this reader may see them."""
        return case_contact(case, masked=not self.sees(case))

    def redact(self, text: str, case: Case | None) -> str:
        """Free text about ``case`` as this reader may see it (unchanged without a case)."""
        if case is None or self.sees(case):
            return text
        return redact(text, case)


def open_windows(user: User, now: dt.datetime | None = None) -> set[int]:
    """The ids of the cases ``user`` revealed within the last :data:`REVEAL_MINUTES`."""
    since = (now or utcnow()) - dt.timedelta(minutes=REVEAL_MINUTES)
    return set(
        db.session.scalars(
            sa.select(PersonalDataAccess.case_id).where(
                PersonalDataAccess.user_id == user.id,
                PersonalDataAccess.at >= since,
                PersonalDataAccess.case_id.is_not(None),
            )
        )
    )
