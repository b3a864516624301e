"""Handling (办理): investigating, talking to the complainant, recording and sending the result."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tenants.db import utcnow
from tenants.models import User

from .. import history, outbox, stages
from ..errors import InvalidInput
from ..models import Case
from ..states import Action, ContactMethod, EventKind, Stage, Status
from .guards import check


def add_note(case: Case, actor: User, body: str, public: bool = False) -> Case:
    """An investigation note (调查记录), internal or visible to the complainant (CO-3)."""
    check(case, actor, Action.NOTE)
    if not body.strip():
        raise InvalidInput("body", _l("The note is empty."))
    start_work(case, actor)
    history.record(case, EventKind.NOTE, actor, body=body.strip(), public=public)
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


def record_result(case: Case, actor: User, result: str, remedy: str = "") -> Case:
    """The handling result and any remedy or compensation (处理结果, CO-4, CO-5)."""
    check(case, actor, Action.RESULT)
    if not result.strip():
        raise InvalidInput("result", _l("Say how the complaint was resolved."))
    before = {"status": case.status.value, "remedy": case.remedy_text}
    case.result_text = result.strip()
    case.remedy_text = remedy.strip()
    case.result_at = utcnow()
    stages.finish(case, case.result_at, Stage.URGE_RESPONSE)
    case.status = Status.RESOLVED
    history.record(
        case,
        EventKind.RESULT,
        actor,
        body=case.result_text,
        changes=history.diff(before, {"status": case.status.value, "remedy": case.remedy_text}),
    )
    return case


def send_result(case: Case, actor: User) -> Case:
    """Tell the complainant the result (反馈); the case then waits for its revisit."""
    check(case, actor, Action.SEND_RESULT)
    case.status = Status.AWAITING_REVISIT
    case.result_sent_at = now = utcnow()
    # The result reached the complainant: first contact is made too.
    stages.finish(case, now, Stage.RESULT, Stage.SUPERVISION, Stage.FIRST_CONTACT)
    stages.start(case.tenant, case, Stage.REVISIT, now)
    body = case.result_text + (f"\n{case.remedy_text}" if case.remedy_text else "")
    history.record(
        case,
        EventKind.RESULT_SENT,
        actor,
        body=body,
        public=True,
        changes={"status": [Status.RESOLVED.value, Status.AWAITING_REVISIT.value]},
    )
    if case.complainant_email:
        outbox.after_commit("notify.result", case_id=case.id)
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
