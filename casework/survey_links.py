"""The questionnaire's signed link (回访问卷链接, CS-2): made when it is sent, read when opened.

The link carries a token naming the tenant, the revisit and the send (the second the link
was sent, as kept in ``Revisit.link_sent_at``), signed with the app's secret and stamped
with the time it was made. Nothing is stored: the token is made again from the row.

A token answers one of:

* ``ok``: the revisit is open and this is its latest send;
* ``invalid``: forged, cut short, for another tenant, or for a revisit that is gone; the
  page says the same "no such link" for all of them, so nothing can be enumerated;
* ``expired``: older than the tenant's ``revisiting.link_days`` (14 days by default);
* ``superseded``: staff sent a newer link since (a corrected address, a lost mail), so a
  link that may have reached the wrong inbox answers nothing;
* ``answered``: the questionnaire was answered (a link answers once);
* ``closed``: the revisit ended otherwise (unreachable by phone, cancelled).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from tenants.db import db
from tenants.models import Tenant

from .models import Revisit
from .states import RevisitStatus

_SALT = "closeloop.revisit-link"
DAY = 86400


def send_stamp(sent_at: dt.datetime) -> int:
    """A send's number: the whole second (UTC) its link was sent."""
    return int(sent_at.replace(tzinfo=dt.UTC).timestamp())


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=_SALT)


def make_token(revisit: Revisit, secret_key: str) -> str:
    """The token of the revisit's latest send (``link_sent_at`` must be set)."""
    if revisit.link_sent_at is None:
        raise ValueError("a revisit link is made for a send: set link_sent_at first")
    payload = [revisit.tenant_id, revisit.id, send_stamp(revisit.link_sent_at)]
    return _serializer(secret_key).dumps(payload)


@dataclass(frozen=True)
class Opened:
    """What a token opened: its state (see the module's list) and, unless ``invalid``, the
    revisit it names."""

    state: str
    revisit: Revisit | None = None

    @property
    def ok(self) -> bool:
        return self.state == "ok"


def open_token(token: str, tenant: Tenant, secret_key: str) -> Opened:
    """Read ``token`` for the bound ``tenant``: the revisit it names and whether it answers.

    A token of another tenant is ``invalid`` here, the same as a forged one: the page is
    reached under the tenant's own portal path, and the two must agree.
    """
    serializer = _serializer(secret_key)
    max_age = tenant.config.revisiting.link_days * DAY
    expired = False
    try:
        payload = serializer.loads(token, max_age=max_age)
    except SignatureExpired as exc:  # signed by us, only too old: say so, not "no such link"
        payload, expired = exc.payload, True
        try:
            payload = serializer.load_payload(payload)
        except BadSignature:
            return Opened("invalid")
    except BadSignature:
        return Opened("invalid")
    if not (
        isinstance(payload, list)
        and len(payload) == 3
        and all(isinstance(p, int) and not isinstance(p, bool) for p in payload)
    ):
        return Opened("invalid")
    tenant_id, revisit_id, stamp = payload
    if tenant_id != tenant.id:
        return Opened("invalid")
    revisit = db.session.scalar(sa.select(Revisit).where(Revisit.id == revisit_id))
    if revisit is None or revisit.link_sent_at is None:
        return Opened("invalid")
    if revisit.status is RevisitStatus.DONE:
        return Opened("answered", revisit)
    if not revisit.is_open:
        return Opened("closed", revisit)
    if expired:
        return Opened("expired", revisit)
    if stamp != send_stamp(revisit.link_sent_at):
        return Opened("superseded", revisit)
    return Opened("ok", revisit)
