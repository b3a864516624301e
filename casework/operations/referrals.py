"""Out of scope (CITY-5): a case outside the organisation's remit.

Two ways out, both before a result, both closing the case with their own closure kind:

- **Refer out** (告知转办): staff record why the matter is outside the remit and the body the
  person should turn to (its name, and a contact if known). The complainant is told: the
  referral notice letter (转办告知书) is rendered for the status page and mailed, a
  complainant who chose texts (短信) is texted the reason and the body as well, and the
  entry's text (the reason and the body) is theirs to read.
- **Return to the forwarding office** (退回上级): a case that came down from a higher office
  (the city's 12345 hotline, a petition office; ``Case.forwarded_by``, recorded at intake) goes
  back to it with the reason and a suggested destination. The higher office answers the
  person, so no letter is sent; the reason is staff text, the status page shows the entry
  only by its label.

Who may: intake clerks and the dispatchers (the transition table), a department head for a
case of their own unit (the guards).
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l

from tenants.db import utcnow
from tenants.models import User

from .. import history, outbox, queries, stages, texting
from ..errors import InvalidInput, InvalidTransition
from ..models import Case, CaseEvent
from ..states import Action, Closure, EventKind, Stage, Status
from . import closing, investigation
from .guards import Facts, check, precondition

REASON_MAX = 500
BODY_MAX = 100
CONTACT_MAX = 100
# The job that renders the referral notice letter and mails it (jobs/letters.py).
LETTER_JOB = "letters.referral"
# The job that texts the reason and the body where the complainant chose texts (jobs/sms.py).
TEXT_JOB = "sms.referral"


def _text(field: str, value: str, most: int) -> str:
    """One line of typed text, folded; InvalidInput when too long."""
    text = " ".join((value or "").split())
    if len(text) > most:
        raise InvalidInput(
            field, _l("Please keep it to %(count)d characters or fewer.", count=most)
        )
    return text


def _required(field: str, value: str, most: int) -> str:
    """As :func:`_text`, and InvalidInput saying what is missing when empty."""
    return _text(field, value, most) or _missing(field)


def _missing(field: str) -> str:
    messages = {
        "reason": _l("Say why the case is outside your organisation's remit."),
        "body": _l("Name the body the person should turn to."),
        "destination": _l("Suggest where the higher office should send it."),
    }
    raise InvalidInput(field, messages[field])


def _close(case: Case, actor: User, closure: Closure, reason: str, now: dt.datetime) -> Status:
    """Close the case as ``closure``: every running clock stops (rectification, supervised
    beyond the archive, apart), open assists are closed for the same reason."""
    investigation.close_open_assists(case, actor, reason, now)
    stages.finish(case, now, *(s for s in Stage if s is not Stage.RECTIFICATION))
    before = closing.close(case, closure, now)
    case.paused_at = None
    return before


def refer_out(case: Case, actor: User, reason: str, body: str, contact: str = "") -> Case:
    """Close a case outside the remit and tell the person which body to turn to (告知转办).

    The reason and the body are written for the complainant: they read them on the status
    page and in the referral notice letter, which is also mailed where there is an address.
    """
    check(case, actor, Action.REFER_OUT)
    reason = _required("reason", reason, REASON_MAX)
    body = _required("body", body, BODY_MAX)
    contact = _text("contact", contact, CONTACT_MAX)
    now = utcnow()
    before = _close(case, actor, Closure.REFERRED_OUT, reason, now)
    history.record(
        case,
        EventKind.REFERRED_OUT,
        actor,
        body=reason,
        public=True,
        changes={
            "status": [before.value, Status.CLOSED.value],
            "closure": Closure.REFERRED_OUT.value,
            "referred_to": body,
            "referred_contact": contact,
        },
    )
    # Rendered for the status page whether or not there is an address; mailed where there is.
    outbox.after_commit(LETTER_JOB, case_id=case.id)
    # A complainant who chose texts is told by text too: the reason and the body (CITY-5).
    texting.ask(case, TEXT_JOB)
    return case


@precondition(Action.RETURN_UPSTREAM)
def _forwarded(facts: Facts, _actor: User) -> None:
    if not facts.case.forwarded_by:
        raise InvalidTransition(
            _l("Only a case forwarded by a higher office can be returned to it.")
        )


def return_upstream(case: Case, actor: User, reason: str, destination: str) -> Case:
    """Return a forwarded case to the higher office with the reason and a suggested
    destination (退回上级); the office answers the person, so no letter goes out."""
    check(case, actor, Action.RETURN_UPSTREAM)
    reason = _required("reason", reason, REASON_MAX)
    destination = _required("destination", destination, BODY_MAX)
    now = utcnow()
    before = _close(case, actor, Closure.RETURNED_UPSTREAM, reason, now)
    history.record(
        case,
        EventKind.RETURNED_UPSTREAM,
        actor,
        body=reason,
        public=True,  # the complainant sees that it went back, never the staff's reason
        changes={
            "status": [before.value, Status.CLOSED.value],
            "closure": Closure.RETURNED_UPSTREAM.value,
            "forwarded_by": case.forwarded_by,
            "forwarded_ref": case.forwarded_ref,
            "suggested_destination": destination,
        },
    )
    return case


def referral(case: Case) -> CaseEvent | None:
    """The case's referral-out entry (the reason, the body and its contact), if referred."""
    return next(
        (e for e in reversed(queries.events(case)) if e.kind is EventKind.REFERRED_OUT), None
    )
