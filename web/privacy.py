"""Personal data on the desk's pages (CO-8): every template reads a complainant's details
through ``contact(case)`` and free text about a case through ``|redact(case)``, both fed by
one :class:`casework.privacy.Reader` per request for the signed-in member of staff.

So a new page cannot forget the mask: it has no other way to the details (a test reads the
templates for the raw columns), and what it shows without the right is the mask.
"""

from __future__ import annotations

from flask import Flask, g
from flask_login import current_user

from casework import privacy
from casework.models import Case
from tenants.models import User


def reader() -> privacy.Reader:
    """This request's reader: the signed-in member of staff, else one who sees masks."""
    found = g.get("privacy_reader")
    if found is None:
        user = current_user._get_current_object() if current_user else None
        if isinstance(user, User) and user.is_authenticated:
            found = privacy.Reader(user)
        else:
            found = privacy.Reader.nobody()
        g.privacy_reader = found
    return found


def forget() -> None:
    """Read the windows afresh (after a reveal in this request)."""
    g.pop("privacy_reader", None)


def contact(case: Case) -> privacy.Contact:
    """The complainant's details of ``case`` as the signed-in reader may see them."""
    return reader().contact(case)


def redact(text: object, case: Case | None) -> str:
    """Free text about ``case`` as the signed-in reader may see it."""
    return reader().redact("" if text is None else str(text), case)


def phone_of(phone: object, case: Case | None) -> str:
    """A phone number written down about ``case`` (a repeat caller's), as the reader may see
    it: in full with the right or a reveal, else 138****5678."""
    phone = "" if phone is None else str(phone)
    if reader().sees(case):
        return privacy.national(phone)
    return privacy.mask_phone(phone)


def init_app(app: Flask) -> None:
    """Offer ``contact()``, ``|redact`` and ``|phone_of`` to every template."""
    app.jinja_env.globals.update(contact=contact)
    app.jinja_env.filters.update(redact=redact, phone_of=phone_of)
