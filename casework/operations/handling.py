"""Handling (办理): investigating, talking to the complainant, recording and sending the result."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from tenants.db import db, utcnow
from tenants.models import User

from .. import catalog, history, outbox, stages, texting
from ..errors import InvalidInput
from ..models import Case, Cause
from ..states import (
    FINDINGS_WITH_CAUSE,
    REMEDIES_WITH_AMOUNT,
    Action,
    ContactMethod,
    EventKind,
    Finding,
    RemedyType,
    Stage,
    Status,
)
from . import complainant, investigation, revisits
from .guards import check


def add_note(case: Case, actor: User, body: str, public: bool = False) -> Case:
    """An investigation note (调查记录), internal or visible to the complainant (CO-3)."""
    check(case, actor, Action.NOTE)
    if not body.strip():
        raise InvalidInput("body", _l("The note is empty."))
    start_work(case, actor)
    note = history.record(case, EventKind.NOTE, actor, body=body.strip(), public=public)
    complainant.tell(note)  # a note for the complainant is also mailed to them
    return case


def record_contact(case: Case, actor: User, method: str, body: str) -> Case:
    """A contact with the complainant, e.g. to verify facts (CO-3, ESTATE-3)."""
    check(case, actor, Action.CONTACT)
    if method not in ContactMethod.__members__.values():
        raise InvalidInput("method", _l("Choose how you contacted the complainant."))
    if not body.strip():
        raise InvalidInput("body", _l("Say what was discussed."))
    start_work(case, actor)
    stages.finish(case, utcnow(), Stage.FIRST_CONTACT)
    history.record(
        case,
        EventKind.CONTACT,
        actor,
        body=body.strip(),
        public=False,
        changes={"method": ContactMethod(method).value},
    )
    return case


# The largest amount a remedy may name: what Numeric(12, 2) holds.
MAX_REMEDY_AMOUNT = Decimal("9999999999.99")
CAUSE_ANALYSIS_LENGTH = 2000
APPROVER_LENGTH = 100


def record_result(
    case: Case,
    actor: User,
    result: str,
    remedy: str = "",
    *,
    finding: Finding | str | None = None,
    cause_id: int | None = None,
    cause_analysis: str = "",
    remedy_type: RemedyType | str | None = None,
    remedy_amount: Decimal | str | int | None = None,
    remedy_approved_by: str = "",
    not_waiting_reason: str = "",
) -> Case:
    """The handling result and any remedy or compensation (处理结果, CO-4, CO-5, POWER-1).

    The finding (属实/部分属实/不属实) names a cause from the tenant's active causes when the
    complaint was valid or partly valid. A remedy has a type; a refund or compensation its
    amount. Where the case has an approved handling plan (:mod:`.plans`), the remedy's type
    and amount are the plan's and its approver is recorded by name; elsewhere who approved
    the remedy is a name as typed, or the actor recording it. Where the policy wants an
    approved plan for the remedy and there is none, the result is refused.

    The desk's form always sends a finding; callers from before findings existed pass none
    and record the result alone. Everything is checked before anything changes.

    The result waits for every assisting unit (协办) to answer, or says why not
    (``not_waiting_reason``): the open assists are then closed unanswered, each recorded.
    """
    check(case, actor, Action.RESULT)
    if not result.strip():
        raise InvalidInput("result", _l("Say how the complaint was resolved."))
    found = _finding(finding)
    cause = _cause(case, found, cause_id)
    analysis = " ".join(cause_analysis.split()) if cause_analysis else ""
    if len(analysis) > CAUSE_ANALYSIS_LENGTH:
        raise InvalidInput("cause_analysis", _l("The cause analysis is too long."))
    kind = _remedy_type(remedy_type)
    amount = _amount(kind, remedy_amount)
    approver = " ".join((remedy_approved_by or "").split())
    if len(approver) > APPROVER_LENGTH:
        raise InvalidInput("remedy_approved_by", _l("The name is too long."))
    if found is None and (cause or analysis or kind or approver):
        # A cause or remedy belongs to a finding: none is recorded without one.
        raise InvalidInput("finding", _l("Choose what the investigation found."))
    from . import plans  # plans builds on this module's checks

    plan = plans.plan_for_result(case, amount) if found is not None else None
    if plan is not None:  # the remedy is the approved plan's, its approver named
        kind, amount = plan.remedy_type, plan.remedy_amount
        if plan.decided_by is not None:
            approver = plan.decided_by.name
    if kind is None:
        approver = ""
    elif not approver:
        approver = actor.name

    investigation.close_open_assists(case, actor, not_waiting_reason, utcnow())
    before = _result_fields(case)
    case.result_text = result.strip()
    case.remedy_text = remedy.strip()
    if found is not None:
        case.finding = found
        case.cause_id = cause.id if cause is not None else None
        case.cause_analysis = analysis
        case.remedy_type = kind
        case.remedy_amount = amount
        case.remedy_approved_by_label = approver
    case.result_at = utcnow()
    stages.finish(case, case.result_at, Stage.URGE_RESPONSE)
    case.status = Status.RESOLVED
    after = _result_fields(case, cause.name if cause is not None else None)
    history.record(
        case,
        EventKind.RESULT,
        actor,
        body=case.result_text,
        changes=history.diff(before, after),
    )
    return case


def _result_fields(case: Case, cause_name: str | None = None) -> dict[str, object]:
    """What a RESULT event's before/after compares (the cause by its name)."""
    if cause_name is None and case.cause_id is not None:
        cause = db.session.get(Cause, case.cause_id)
        cause_name = cause.name if cause is not None else None
    return {
        "status": case.status.value,
        "remedy": case.remedy_text,
        "finding": case.finding.value if case.finding else None,
        "cause": cause_name,
        "cause_analysis": case.cause_analysis or None,
        "remedy_type": case.remedy_type.value if case.remedy_type else None,
        "remedy_amount": str(case.remedy_amount) if case.remedy_amount is not None else None,
        "remedy_approved_by": case.remedy_approved_by_label or None,
    }


def _finding(value: Finding | str | None) -> Finding | None:
    if value is None:
        return None
    try:
        return Finding(value)
    except ValueError:
        raise InvalidInput("finding", _l("Choose what the investigation found.")) from None


def _cause(case: Case, found: Finding | None, cause_id: int | None) -> Cause | None:
    """The tenant's active cause named, required for a valid or partly valid complaint."""
    if not cause_id:
        if found in FINDINGS_WITH_CAUSE:
            raise InvalidInput("cause_id", _l("Choose the cause from the list."))
        return None
    cause = next((c for c in catalog.causes(case.tenant) if c.id == cause_id and c.active), None)
    if cause is None:
        raise InvalidInput("cause_id", _l("Choose the cause from the list."))
    return cause


def _remedy_type(value: RemedyType | str | None) -> RemedyType | None:
    if value is None or value == "":
        return None
    try:
        return RemedyType(value)
    except ValueError:
        raise InvalidInput("remedy_type", _l("Choose the kind of remedy.")) from None


def _amount(kind: RemedyType | None, value: Decimal | str | int | None) -> Decimal | None:
    """The remedy's amount in yuan: two decimals at most, 0 to MAX_REMEDY_AMOUNT."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if kind in REMEDIES_WITH_AMOUNT:
            raise InvalidInput(
                "remedy_amount", _l("Give the amount of the refund or compensation.")
            )
        return None
    if kind is None:
        raise InvalidInput("remedy_amount", _l("Choose the kind of remedy the amount is for."))
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise InvalidInput("remedy_amount", _l("Give the amount as a number.")) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_REMEDY_AMOUNT:
        raise InvalidInput(
            "remedy_amount",
            _l("Give an amount from 0 to %(most)s.", most=f"{MAX_REMEDY_AMOUNT:,}"),
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput("remedy_amount", _l("Give the amount to the fen: two decimals at most."))
    return amount.quantize(Decimal("0.01"))


def send_result(case: Case, actor: User) -> Case:
    """Tell the complainant the result (反馈); the case then waits for its revisit."""
    check(case, actor, Action.SEND_RESULT)
    case.status = Status.AWAITING_REVISIT
    case.result_sent_at = now = utcnow()
    # The result reached the complainant: first contact is made too.
    stages.finish(case, now, Stage.RESULT, Stage.SUPERVISION, Stage.FIRST_CONTACT)
    revisit_due = stages.start(case.tenant, case, Stage.REVISIT, now)
    body = case.result_text + (f"\n{case.remedy_text}" if case.remedy_text else "")
    history.record(
        case,
        EventKind.RESULT_SENT,
        actor,
        body=body,
        public=True,
        changes={"status": [Status.RESOLVED.value, Status.AWAITING_REVISIT.value]},
    )
    revisits.plan_after_handling(case, revisit_due, actor)  # told first, then planned
    # The result letter is rendered for the status page whether or not there is an address
    # to mail it to; the job mails it where there is.
    outbox.after_commit("letters.result", case_id=case.id, round=case.result_round)
    texting.ask(case, "sms.result", round=case.result_round)  # the link to the letter, by text
    return case


def start_work(case: Case, actor: User) -> None:
    """Any work by the handler answers an urging notice (催办回复) and starts handling."""
    stages.finish(case, utcnow(), Stage.URGE_RESPONSE)
    if case.status is Status.DISPATCHED:
        case.status = Status.IN_PROGRESS
        history.record(
            case,
            EventKind.STARTED,
            actor,
            public=True,
            changes={"status": [Status.DISPATCHED.value, Status.IN_PROGRESS.value]},
        )


# The remedy's checks, shared with the handling plan (operations/plans.py).
remedy_type = _remedy_type
remedy_amount = _amount
