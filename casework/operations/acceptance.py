"""Acceptance (受理, CO-2) of a complaint that arrived by mail and waits for staff (待受理).

A mail read from the tenant's mailbox is registered, not accepted: anything can reach a
public address (spam, a newsletter, a question for another body), and CO-2's acknowledgement
letter promises what only a person can promise: the time of acceptance, the accepting staff
member's name and contact details, and a case number to follow. So the case is numbered on
arrival (a reply can find it), its acceptance clock runs from the mail's arrival (24 hours in
the presets), and nothing goes to the sender until a clerk has read it and either

- **accepts** it (:func:`accept_case`): the case is accepted at that moment by that person,
  the acknowledgement goes out then (by mail, by text if chosen) and the clocks ahead (dispatch,
  the reply date) start, as for a complaint accepted at the desk; or
- **declines** it (:func:`decline_case`, 不予受理): no complaint at all, closed with the
  staff's reason. Nothing is sent: an answer to spam confirms the address to its sender, and
  the reason is staff text. A real complaint outside the remit is **referred out** instead
  (:func:`casework.operations.referrals.refer_out`, open while it waits), which tells the
  person why and where to turn (CITY-5).

Who may: the intake clerks and the dispatchers (the transition table); a department head for
a mail routed to their unit (the guards).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tenants.db import utcnow
from tenants.models import User

from .. import history, stages
from ..errors import InvalidInput
from ..models import Case
from ..states import Action, Closure, EventKind, Stage, Status
from . import closing, intake
from .guards import check

REASON_MAX = 500


def accept_case(case: Case, actor: User) -> Case:
    """Accept a case waiting for acceptance (受理): the acceptance clock is met now, the
    dispatch and result clocks start, and the acknowledgement goes to the complainant."""
    check(case, actor, Action.ACCEPT)
    tenant = case.tenant
    now = utcnow()
    case.status = Status.ACCEPTED
    case.accepted_at = now
    case.accepted_by_id = actor.id
    case.accepted_by_label = actor.name
    case.accepted_by_contact = actor.phone or tenant.duty_contact_phone
    stages.finish(case, now, Stage.ACCEPTANCE)
    for stage in intake.AHEAD:
        deadline = stages.start(tenant, case, stage, now)
        if deadline is not None and stage is Stage.RESULT:
            case.reply_due_at = deadline.due_at  # the reply date the receipt promises
    history.record(
        case,
        EventKind.ACCEPTED,
        actor,
        public=True,
        changes={
            "status": [Status.RECEIVED.value, Status.ACCEPTED.value],
            "received": [None, case.received_at.isoformat(" ", "minutes")],
        },
    )
    intake.send_receipt(case)
    return case


def decline_case(case: Case, actor: User, reason: str) -> Case:
    """Close a mail that is no complaint as not accepted (不予受理), with the staff's reason;
    every clock stops and nothing is sent to the sender."""
    check(case, actor, Action.DECLINE)
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("reason", _l("Say why this mail is not a complaint."))
    if len(reason) > REASON_MAX:
        raise InvalidInput(
            "reason", _l("Please keep it to %(count)d characters or fewer.", count=REASON_MAX)
        )
    now = utcnow()
    stages.finish(case, now, *Stage)
    before = closing.close(case, Closure.NOT_ACCEPTED, now)
    history.record(
        case,
        EventKind.DECLINED,
        actor,
        body=reason,
        changes={
            "status": [before.value, Status.CLOSED.value],
            "closure": Closure.NOT_ACCEPTED.value,
        },
    )
    return case
