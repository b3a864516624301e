"""The questionnaire's link by mail or text (CS-2): the job that sends one send, and the
periodic sender of the links that became due.

The outbox row names the revisit and the send (``link_sent_at``'s second), never a token:
the job makes the token when it sends, so a send overtaken by a newer one, or a revisit
answered meanwhile, sends nothing. A mail goes through :func:`jobs.notify.email_complainant`
keyed ``revisit-link:<revisit>:<send>``; a text through :func:`casework.texting.text_revisit`
keyed by the same pair, so each send leaves once whichever way it goes. The mail carries the
link and two answer links ("solved" / "not solved") that open the page with that answer
chosen; opening records nothing (a mail scanner follows links), only the form's POST does.
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from casework import survey_links, texting
from casework.errors import DomainError
from casework.models import Revisit
from casework.operations import revisit_links
from casework.states import ContactMethod
from tenants.db import db, tenant_bound, unscoped, utcnow
from tenants.models import Tenant

from . import notify
from .runtime import job

log = logging.getLogger(__name__)


def survey_url(revisit: Revisit, answer: str = "") -> str:
    """The full address of the revisit's latest link under ``PUBLIC_URL``, with ``?solved=``
    (``"1"`` or ``"0"``) for an answer button; made without a request (a job has none)."""
    config = current_app.config
    token = survey_links.make_token(revisit, config["SECRET_KEY"])
    values = {"slug": revisit.case.tenant.slug, "survey_token": token}
    if answer:
        values["solved"] = answer
    if revisit.case.complainant_locale:
        values["lang"] = revisit.case.complainant_locale  # the page opens in their language
    path = current_app.url_map.bind("localhost").build("survey.show", values)
    return config["PUBLIC_URL"].rstrip("/") + path


@job(revisit_links.JOB)
def send_link(revisit_id: int, sent: int, channel: str) -> None:
    """Mail or text one send of the questionnaire's link, once."""
    revisit = db.session.scalar(sa.select(Revisit).where(Revisit.id == revisit_id))
    if revisit is None or not revisit.is_open or revisit.link_sent_at is None:
        return  # gone, answered or ended meanwhile: nothing to ask any more
    if survey_links.send_stamp(revisit.link_sent_at) != sent:
        return  # overtaken by a newer send, which goes instead
    case = revisit.case
    key = f"{revisit.id}:{sent}"
    if channel == ContactMethod.SMS:
        texting.text_revisit(case, survey_url(revisit), key)
        db.session.commit()
        return
    notify.email_complainant(
        case,
        f"revisit-link:{key}",
        _l("How did we do? Your case %(number)s", number=case.number),
        "emails/revisit_link.txt",
        link=survey_url(revisit),
        link_solved=survey_url(revisit, "1"),
        link_not_solved=survey_url(revisit, "0"),
        days=case.tenant.config.revisiting.link_days,
    )


def run(now: dt.datetime | None = None) -> int:
    """Send the first link of every revisit by mail or text that became due (a contract's
    midpoint, say); the sends made. Safe from two clocks: a send is compare-and-set."""
    now = now or utcnow()
    with unscoped():
        tenant_ids = list(
            db.session.scalars(
                sa.select(Tenant.id).where(Tenant.suspended_at.is_(None)).order_by(Tenant.id)
            )
        )
    db.session.rollback()
    made = 0
    for tenant_id in tenant_ids:
        with tenant_bound(tenant_id):
            for revisit in revisit_links.due(now):
                if revisit_links.channel(revisit) is None:
                    continue  # nowhere to send it: the revisitor calls instead
                try:
                    revisit_links.send_link(revisit, None, now=now)
                    db.session.commit()
                except DomainError:  # sent by another clock a moment ago
                    db.session.rollback()
                    continue
                made += 1
    return made
