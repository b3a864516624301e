"""Text messages (短信) to complainants: who can receive one, which texts a change asks for,
and the tenant's gateway settings (机构设置 → 短信).

A complainant who chose 短信 as their contact channel and left a mobile number is texted the
receipt, the notes written for them, the unit that handles their case (HOSP-4) and the
result; the revisit work texts its link through :func:`text_revisit`. Each text is a job of
the outbox (``jobs.sms``), sent at most once per key through the same message table as mail.
A landline cannot receive a text: the job records that instead, and the complainant is
reached by email when they left an address (the mails go out whatever the channel). The
sending itself, HTTP included, is the jobs layer's; the domain only asks.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import phonenumbers
from flask_babel import lazy_gettext as _l

from tenants import audit, secrets
from tenants.models import Tenant, User
from tenants.settings import SMS_PROVIDERS, SMS_SIGN_LENGTH, Sms

from . import outbox
from .errors import InvalidInput
from .models import Case, PendingJob
from .states import ContactMethod

# The kinds of number that can receive a text. China's numbering tells mobiles apart; some
# countries' plans cannot, and such a number is given the benefit of the doubt.
# A gateway's address: http or https, a host, no spaces; at most 300 characters.
_URL = re.compile(r"https?://[^\s/?#]+[^\s]{0,280}")
# The dedupe keys of the admin's test texts start so.
TEST_PREFIX = "sms:test:"
_TEXTABLE = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def mobile(phone: str) -> str | None:
    """The number in E.164 form when it can receive a text, else None (a landline, junk)."""
    if not phone or not phone.strip():
        return None
    try:
        number = phonenumbers.parse(phone, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) not in _TEXTABLE:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def wants_texts(case: Case) -> bool:
    """True when the complainant asked to be reached by text and left a number.

    Whether that number can take a text is the job's to find out and record.
    """
    return case.preferred_contact is ContactMethod.SMS and bool(case.complainant_phone)


def ask(case: Case, name: str, **args: Any) -> PendingJob | None:
    """After commit, run the text job ``name`` for ``case`` if the complainant wants texts."""
    if not wants_texts(case):
        return None
    return outbox.after_commit(name, case_id=case.id, **args)


def text_revisit(case: Case, link: str, key: str | int) -> PendingJob | None:
    """Text the complainant the revisit link (回访), once per ``key`` (the revisit's id).

    For the revisit work (issue 12), which decides that a revisit goes by text: it is sent
    whatever contact channel the complainant chose, as long as they left a phone number;
    a landline is recorded as not textable, like every other text. None without a number.
    """
    if not case.complainant_phone:
        return None
    if not link.startswith(("http://", "https://")):
        raise ValueError(f"a revisit link must be an address, not {link!r}")
    return outbox.after_commit("sms.revisit", case_id=case.id, link=link, key=str(key))


def ask_test(number: str) -> PendingJob:
    """After commit, send the admin's test text to ``number`` through the tenant's provider.

    Each press is its own text (a fresh key); the admin page shows how the latest went.
    """
    to = mobile(number)
    if to is None:
        raise InvalidInput(
            "number", _l("Enter a mobile number that can receive a text, e.g. 138 1234 5678.")
        )
    return outbox.after_commit("sms.test", to=to, key=f"{TEST_PREFIX}{uuid.uuid4().hex}")


def sign_name(tenant: Tenant) -> str:
    """The 签名 every text of the tenant carries: its own setting, else its name."""
    return tenant.config.sms.sign_name or tenant.name[:SMS_SIGN_LENGTH]


def gateway_key(tenant: Tenant) -> str | None:
    """The gateway's API key, unsealed; None when none is stored or no key opens it."""
    return secrets.unseal(tenant.config.sms.api_key)


def _described(sms: Sms) -> dict[str, str]:
    """The settings as the audit log keeps them: whether a key is stored, never the key."""
    return {
        "provider": sms.provider,
        "url": sms.url,
        "sign_name": sms.sign_name,
        "account": sms.account,
        "api_key": "stored" if sms.api_key else "",
    }


def set_gateway(
    tenant: Tenant,
    actor: User | None,
    provider: str,
    url: str = "",
    sign: str = "",
    account: str = "",
    api_key: str = "",
    *,
    forget_key: bool = False,
) -> bool:
    """Save how the tenant's texts leave; False when nothing changed. Audited as "sms.set".

    An empty ``api_key`` keeps the stored one (the form never shows it back); ``forget_key``
    removes it. The key is sealed before it is stored (tenants.secrets).
    """
    if provider not in SMS_PROVIDERS:
        raise InvalidInput("provider", _l("Choose how texts are sent from the list."))
    url, sign, account, api_key = url.strip(), sign.strip(), account.strip(), api_key.strip()
    if url and not _URL.fullmatch(url):
        raise InvalidInput(
            "url", _l("Enter the gateway's address, starting with https:// or http://.")
        )
    if provider == "http" and not url:
        raise InvalidInput("url", _l("Enter the gateway's address to send texts through it."))
    for field, value, most in (
        ("sign_name", sign, SMS_SIGN_LENGTH),
        ("account", account, 100),
        ("api_key", api_key, 500),
    ):
        if len(value) > most:
            raise InvalidInput(
                field, _l("Please keep it to %(count)d characters or fewer.", count=most)
            )
    before = tenant.config.sms
    same = (provider, url, sign, account) == (
        before.provider,
        before.url,
        before.sign_name,
        before.account,
    )
    replaced = bool(api_key) and gateway_key(tenant) != api_key
    forgotten = forget_key and not api_key and bool(before.api_key)
    if same and not replaced and not forgotten:
        return False
    if replaced:
        sealed = secrets.seal(api_key)
    elif forgotten:
        sealed = ""
    else:
        sealed = before.api_key
    after = Sms(provider=provider, url=url, sign_name=sign, account=account, api_key=sealed)
    tenant.update_config(sms=after)
    changes = {"before": _described(before), "after": _described(after)}
    if replaced and before.api_key:
        changes["after"]["api_key"] = "replaced"
    event = audit.record(actor, "sms.set", "sms", changes)
    event.tenant_id = tenant.id
    return True
