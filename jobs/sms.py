"""Text messages (短信): a sender interface, its two providers, and the jobs that text.

A tenant's texts leave through one :class:`Sender`: the built-in :class:`LogSender` keeps
them in the desk's message log (as mail is kept when no SMTP server is set), and
:class:`HttpGateway` posts them to the tenant's own gateway (机构设置 → 短信). Every text is
a :class:`~casework.models.Message` row with ``channel="sms"`` and a dedupe key unique per
tenant, claimed and committed before anything is sent, so a duplicated or retried job sends
nothing twice.

A gateway that could not be reached, or answered 5xx or 429, did not take the text: the row
is marked ``retry`` and the job fails, so the job rules (RQ's retries, then the redrive)
run it again, and the next run claims the row back and sends. A 4xx is the gateway refusing
this text (a bad key, a number it will not serve): it is logged with the gateway's reason
and not tried again. A gateway that took the request but never answered may have sent it:
at most once wins, and the log says delivery is unknown.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa
from flask import current_app
from flask_babel import LazyString, force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from casework import access, texting
from casework.letters import status_url
from casework.models import Case, CaseEvent, Message
from casework.operations import complainant, referrals
from casework.states import EventKind
from tenants.db import current_tenant_id, db, utcnow
from tenants.models import Tenant

from . import letters
from .runtime import job

log = logging.getLogger(__name__)

# How long the gateway has to answer; the job is retried, so a slow gateway costs little.
TIMEOUT = 10
# The most of a note a text carries; the rest is on the status page its link opens.
NOTE_CHARS = 24
# The most of a referral's reason a text carries (CITY-5): the body to turn to goes in full,
# the whole reason is on the status page and in the letter.
REFERRAL_CHARS = 30
# The most of a gateway's answer kept as the reason of a refusal.
REASON_CHARS = 300

# Each kind of text's name in the message log.
KINDS: dict[str, LazyString] = {
    "receipt": _l("Receipt"),
    "progress": _l("Progress note"),
    "dispatched": _l("Dispatch notice"),
    "result": _l("Result notice"),
    "revisit": _l("Revisit link"),
    "referral": _l("Referral notice"),
    "test": _l("Test text"),
}


@dataclass(frozen=True)
class Text:
    """One text to send: the number in E.164 form, the words, and the key it is sent once by."""

    to: str
    body: str
    key: str


class GatewayError(Exception):
    """The text did not go. ``retry`` when it surely was not taken and may be tried again;
    ``unknown`` when the gateway may have taken it (then it is never tried again)."""

    def __init__(self, reason: str, *, retry: bool = False, unknown: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry
        self.unknown = unknown


class Sender(Protocol):
    """A way out for texts. ``send`` returns the message's status ("logged" or "sent") or
    raises :class:`GatewayError`."""

    def send(self, text: Text) -> str: ...


class LogSender:
    """The built-in provider: the text stays in the desk's message log, nothing leaves."""

    def send(self, text: Text) -> str:
        return "logged"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A gateway that redirects a POST is misconfigured: urllib would resend it as a GET."""

    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


class HttpGateway:
    """A text gateway over HTTP(S), configured per tenant.

    It POSTs JSON ``{"account", "sign_name", "to", "text", "reference"}`` to the URL, with the
    API key as a bearer token and the dedupe key as ``Idempotency-Key`` (so a gateway that
    honours it drops a duplicate too); any 2xx answer means the gateway took the text.
    """

    def __init__(self, url: str, account: str, api_key: str, sign_name: str) -> None:
        if not url.startswith(("http://", "https://")):  # never file: or ftp: (urllib's)
            raise GatewayError(f"not an http(s) address: {url!r}")
        self.url = url
        self.account = account
        self.api_key = api_key
        self.sign_name = sign_name
        self._opener = urllib.request.build_opener(_NoRedirect)

    def send(self, text: Text) -> str:
        payload = {
            "account": self.account,
            "sign_name": self.sign_name,
            "to": text.to,
            "text": text.body,
            "reference": text.key,
        }
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "Idempotency-Key": text.key,
            "User-Agent": "Closeloop",
        }
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(  # noqa: S310  (http(s) only: checked above)
            self.url,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            headers=headers,
            method="POST",
        )
        try:
            with self._opener.open(request, timeout=TIMEOUT) as response:
                response.read(4096)
        except urllib.error.HTTPError as exc:
            reason = f"HTTP {exc.code}: {_reason(exc)}"
            # Busy or broken at the gateway's end: it did not take the text.
            raise GatewayError(reason, retry=exc.code >= 500 or exc.code == 429) from exc
        except urllib.error.URLError as exc:
            # Raised while connecting or sending the request: the gateway never had it whole.
            raise GatewayError(f"not reached: {exc.reason}", retry=True) from exc
        except (OSError, ValueError) as exc:
            # The request went and no answer came back: it may have been sent.
            raise GatewayError(f"no answer: {exc}", unknown=True) from exc
        return "sent"


def _reason(exc: urllib.error.HTTPError) -> str:
    """The gateway's own words for a refusal: its JSON message, its text, or the status."""
    try:
        raw = exc.read(4096).decode("utf-8", "replace").strip()
    except OSError:
        raw = ""
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if isinstance(data, dict):
        for name in ("message", "error", "reason", "detail", "msg"):
            if isinstance(data.get(name), str) and data[name].strip():
                return data[name].strip()[:REASON_CHARS]
    return (raw or str(exc.reason or "")).replace("\n", " ")[:REASON_CHARS]


def sender_for(tenant: Tenant) -> Sender:
    """The tenant's provider, as its settings say (机构设置 → 短信)."""
    sms = tenant.config.sms
    if sms.provider == "http":
        return HttpGateway(
            sms.url, sms.account, texting.gateway_key(tenant) or "", texting.sign_name(tenant)
        )
    return LogSender()


def _claim(message: Message) -> Message | None:
    """Insert the message's row, or take back one left to retry; None if it is taken."""
    try:
        with db.session.begin_nested():
            db.session.add(message)
        return message
    except IntegrityError:  # sent, being sent, or waiting to be tried again
        pass
    taken = db.session.execute(
        sa.update(Message)
        .where(Message.dedupe_key == message.dedupe_key, Message.status == "retry")
        .values(status="sending")
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # already sent, or another run has it now
        return None
    return db.session.scalars(
        sa.select(Message)
        .where(Message.dedupe_key == message.dedupe_key)
        .execution_options(populate_existing=True)
    ).one()


def send_text(
    tenant: Tenant,
    dedupe_key: str,
    to: str,
    body: str,
    *,
    subject: str = "",
    case_id: int | None = None,
    sender: Sender | None = None,
) -> Message | None:
    """Send one text at most once per dedupe key; None if it was sent (or is being sent).

    Raises :class:`GatewayError` after marking the row ``retry`` when the text may be tried
    again: the job fails, and its next run sends it.
    """
    message = _claim(
        Message(
            dedupe_key=dedupe_key,
            channel="sms",
            to=to,
            subject=subject,
            body=body,
            case_id=case_id,
            status="sending",
        )
    )
    if message is None:
        return None
    message.to, message.body, message.subject = to, body, subject  # as sent, if taken back
    db.session.commit()  # the claim is durable before anything leaves the building
    try:
        message.status = (sender or sender_for(tenant)).send(Text(to, body, dedupe_key))
        message.error = ""
    except GatewayError as exc:
        message.error = exc.reason[:2000]
        if exc.retry:
            log.warning("text %s to the gateway failed, to be retried: %s", dedupe_key, exc.reason)
            message.status = "retry"
            db.session.commit()
            raise
        log.warning("text %s refused or lost by the gateway: %s", dedupe_key, exc.reason)
        message.status = "unknown" if exc.unknown else "failed"
    message.sent_at = utcnow()
    db.session.commit()
    return message


def _signed(tenant: Tenant, words: str) -> str:
    """The text as it goes out: the tenant's sign name first (【签名】), then the words."""
    return _("[%(sign)s] ", sign=texting.sign_name(tenant)) + words


def _shorten(note: str, most: int = NOTE_CHARS) -> str:
    note = " ".join(note.split())
    return note if len(note) <= most else note[: most - 1] + "…"


def text_complainant(case: Case, kind: str, key: str, words) -> Message | None:
    """Text the complainant of ``case`` once per ``key``, in the tenant's language.

    ``words`` is called with the tenant's locale in force. A number that cannot take a text
    (a landline) is recorded as not sent, with where the news went instead.
    """
    tenant = case.tenant
    to = texting.mobile(case.complainant_phone)
    with force_locale(tenant.locale):
        body = _signed(tenant, words())
        subject = f"{KINDS[kind]} {case.number}"
        if to is None:
            fallback = (
                _("A landline cannot receive a text: the complainant is told by email.")
                if case.complainant_email
                else _("A landline cannot receive a text, and there is no email: nothing sent.")
            )
    if to is None:
        return _record_skipped(case, key, subject, body, fallback)
    return send_text(tenant, key, to, body, subject=subject, case_id=case.id)


def _record_skipped(case: Case, key: str, subject: str, body: str, why: str) -> Message | None:
    """Keep in the log, once, that a text could not go and why."""
    message = Message(
        dedupe_key=key,
        channel="sms",
        to=case.complainant_phone,
        subject=subject,
        body=body,
        case_id=case.id,
        status="skipped",
        error=why,
        sent_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        return None
    db.session.commit()
    return message


def _link(case: Case) -> str:
    return status_url(current_app.config["PUBLIC_URL"], case.tenant, case)


@job("sms.receipt")
def receipt(case_id: int) -> None:
    """Text the case number and the status page's lookup link at intake (受理回执)."""
    case = access.get_case(case_id)
    text_complainant(
        case,
        "receipt",
        f"sms:receipt:{case.id}",
        lambda: _(
            "Your complaint is accepted, number %(number)s. Follow it at %(link)s",
            number=case.number,
            link=_link(case),
        ),
    )


@job("sms.progress")
def progress(case_id: int, event_id: int) -> None:
    """Text a note staff wrote for the complainant (进展告知), shortened, once per note."""
    case = access.get_case(case_id)
    event = db.session.get(CaseEvent, event_id)
    if event is None or event.case_id != case.id or not event.public_text:
        return  # only text written for the complainant ever leaves
    text_complainant(
        case,
        "progress",
        f"sms:progress:{event.id}",
        lambda: _(
            "News on %(number)s: %(note)s More at %(link)s",
            number=case.number,
            note=_shorten(event.public_text),
            link=_link(case),
        ),
    )


@job("sms.dispatched")
def dispatched(case_id: int, event_id: int) -> None:
    """Text which unit handles the complaint (HOSP-4), in the tenant's words, once per unit."""
    case = access.get_case(case_id)
    event = db.session.get(CaseEvent, event_id)
    if event is None or event.case_id != case.id or event.kind is not EventKind.DISPATCHED:
        return
    unit = complainant.units_told(case).get(event.id)
    if not unit:
        return  # the same unit as told before: nothing new to tell
    text_complainant(
        case,
        "dispatched",
        f"sms:dispatched:{event.id}",
        lambda: _(
            "%(notice)s (%(number)s)",
            notice=complainant.unit_notice(case.tenant, unit),
            number=case.number,
        ),
    )


@job("sms.result")
def result(case_id: int, round: int = 0) -> None:
    """Text that the result is out, with the link to the status page where its letter is.

    The letter is rendered first (once, shared with the mail job), so the link finds it.
    """
    case = access.get_case(case_id)
    if round != case.result_round:
        return  # a round since superseded
    letters.ensure_letter(case, "result")
    text_complainant(
        case,
        "result",
        f"sms:result:{case.id}:{round}",
        lambda: _(
            "The result of %(number)s is out; read the letter at %(link)s",
            number=case.number,
            link=_link(case),
        ),
    )


@job("sms.referral")
def referral(case_id: int) -> None:
    """Text why the case is outside the remit and the body to turn to (告知转办, CITY-5),
    once per case, beside the referral letter; the link opens the status page's full text."""
    case = access.get_case(case_id)
    entry = referrals.referral(case)
    if entry is None:  # not referred out (a stray row): nothing to tell
        return
    body, contact = entry.changes.get("referred_to", ""), entry.changes.get("referred_contact")

    def words() -> str:
        where = _("%(body)s (%(contact)s)", body=body, contact=contact) if contact else body
        return _(
            "%(number)s is outside our remit: %(reason)s Please turn to %(where)s. More at "
            "%(link)s",
            number=case.number,
            reason=_shorten(entry.body, REFERRAL_CHARS),
            where=where,
            link=_link(case),
        )

    text_complainant(case, "referral", f"sms:referral:{case.id}", words)


@job("sms.revisit")
def revisit(case_id: int, link: str, key: str) -> None:
    """Text the revisit link (回访), once per revisit (see casework.texting.text_revisit)."""
    case = access.get_case(case_id)
    text_complainant(
        case,
        "revisit",
        f"sms:revisit:{case.id}:{key}",
        lambda: _(
            "How did we handle %(number)s? Tell us at %(link)s", number=case.number, link=link
        ),
    )


@job("sms.test")
def send_test(to: str, key: str) -> None:
    """The admin's test text, through the tenant's provider as every other text goes.

    A failure is final (not retried): the admin reads the reason on the page and tries again.
    """
    tenant = db.session.get(Tenant, current_tenant_id())
    with force_locale(tenant.locale):
        body = _signed(tenant, _("This is a test text. Texts from us will look like this."))
        subject = str(KINDS["test"])
    try:
        send_text(tenant, key, to, body, subject=subject)
    except GatewayError:
        db.session.execute(
            sa.update(Message).where(Message.dedupe_key == key).values(status="failed")
        )
        db.session.commit()


def last_test() -> Message | None:
    """The bound tenant's latest test text, for the admin page to show how it went."""
    return db.session.scalars(
        sa.select(Message)
        .where(Message.channel == "sms", Message.dedupe_key.startswith(texting.TEST_PREFIX))
        .order_by(Message.id.desc())
        .limit(1)
    ).first()
