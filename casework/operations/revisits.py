"""Revisits (回访, CO-7, PROP-1..12): planned, attempted, answered, and the loop back.

A revisit is planned when a complaint's result is told (or it was answered at once), when a
service record is entered for a kind revisited every time, and when a sample draw picks a
work order (PROP-10). It is made by phone with the script, by a home visit, or by the
questionnaire's link in a mail or a text (CS-2); "no answer" is tried again, and the last
failed attempt closes it as unreachable. The answers close the loop: satisfied, a complaint
waiting for its revisit is closed; not satisfied or not solved, the case goes back to
handling with special measures due (PROP-12). A question the revisitor cannot answer goes to
management with the date the person was promised an answer by (PROP-7).
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l

from tenants.db import db, utcnow
from tenants.models import User

from .. import history, queries, questionnaire, revisit_rules, stages
from ..errors import InvalidInput, InvalidTransition
from ..models import Case, Deadline, Revisit, RevisitAttempt, SampleDraw
from ..questionnaire import Answers
from ..states import (
    Action,
    CallOutcome,
    CaseKind,
    Closure,
    ContactMethod,
    EventKind,
    Occasion,
    RevisitStatus,
    Stage,
    Status,
)
from . import closing, feedback, repeats
from .guards import check

# The ways a revisit is made; a text carries the questionnaire's link.
REVISIT_METHODS = (ContactMethod.PHONE, ContactMethod.EMAIL, ContactMethod.SMS, ContactMethod.VISIT)
# Attempts that end the revisit at once: nobody to call again.
FINAL_FAILURES = frozenset({CallOutcome.WRONG_NUMBER, CallOutcome.REFUSED})
NOTE_LENGTH = 2000


def plan(
    case: Case,
    occasion: Occasion,
    due_from: dt.datetime,
    due_at: dt.datetime,
    method: ContactMethod,
    *,
    actor: User | None = None,
    draw: SampleDraw | None = None,
) -> Revisit:
    """Plan one revisit of ``case`` (回访计划), due between ``due_from`` and ``due_at``."""
    revisit = Revisit(
        tenant_id=case.tenant_id,
        case_id=case.id,
        occasion=occasion,
        status=RevisitStatus.PLANNED,
        method=method,
        due_from=due_from,
        due_at=due_at,
        draw_id=draw.id if draw is not None else None,
        answers={},
    )
    db.session.add(revisit)
    history.record(
        case,
        EventKind.REVISIT_PLANNED,
        actor,
        changes={
            "occasion": occasion.value,
            "method": method.value,
            "due": due_at.isoformat(" ", "minutes"),
            **({"sample": draw.id} if draw is not None else {}),
        },
    )
    return revisit


def plan_after_handling(case: Case, deadline: Deadline | None, actor: User | None) -> None:
    """A complaint's result is told (or it was answered at once): its revisit is due by the
    revisit deadline the policy set (PROP-9: 3 days); every complaint is revisited (PROP-10)."""
    if deadline is None:
        return
    method = revisit_rules.method_for(case, revisit_rules.rule_for(case.tenant, case.kind))
    plan(case, Occasion.AFTER_HANDLING, deadline.started_at, deadline.due_at, method, actor=actor)


def plan_service(case: Case, actor: User | None, draw: SampleDraw | None = None) -> list[Revisit]:
    """Plan the revisits of a completed service record as its kind's rule says: every one
    (``rate`` "all") when it is recorded, a sampled one (``rate`` "sample") when a draw picks
    it (``draw``); none for a kind not revisited."""
    rule = revisit_rules.rule_for(case.tenant, case.kind)
    if rule is None or rule.rate == "none" or (rule.rate == "sample" and draw is None):
        return []
    method = revisit_rules.method_for(case, rule)
    done_at = case.result_at or case.created_at
    return [
        plan(case, w.occasion, w.due_from, w.due_at, method, actor=actor, draw=draw)
        for w in revisit_rules.windows(case.tenant, case, rule, done_at)
    ]


def _open(revisit: Revisit) -> None:
    if not revisit.is_open:
        raise InvalidTransition(_l("This revisit is over; it takes no more answers."))


def assign(revisit: Revisit, actor: User, revisitor: User | None) -> Revisit:
    """Give the revisit to a revisitor (回访人), or back to everyone's queue."""
    check(revisit.case, actor, Action.REVISIT)
    _open(revisit)
    if revisitor is not None and not revisitor.active:
        raise InvalidInput("revisitor", _l("Choose an active member of staff."))
    before = revisit.assignee.name if revisit.assignee else None
    # The id for whoever reads it now, the relation for the page drawn before the commit.
    revisit.assignee_id, revisit.assignee = (revisitor.id if revisitor else None), revisitor
    history.record(
        revisit.case,
        EventKind.REVISIT_PLANNED,
        actor,
        changes={"revisitor": [before, revisitor.name if revisitor else None]},
    )
    return revisit


def record_call(
    revisit: Revisit, actor: User, outcome: CallOutcome, note: str = "", method: str = ""
) -> Revisit:
    """An attempt that did not reach the person: "no answer" is tried again after the
    tenant's wait; a wrong number, a refusal or the last failed attempt ends the revisit as
    unreachable, and a complaint waiting for it is closed as not reached."""
    case = revisit.case
    check(case, actor, Action.REVISIT)
    _open(revisit)
    if outcome in (CallOutcome.REACHED, CallOutcome.ANSWERED_ONLINE):
        raise InvalidInput(
            "outcome", _l("Record the answers of a revisit that reached the person.")
        )
    note = _note(note)
    how = _method(revisit, method)
    now = utcnow()
    revisit.attempts += 1
    _attempt(revisit, actor, how, outcome, note, now)
    settings = case.tenant.config.revisiting
    gives_up = outcome in FINAL_FAILURES or revisit.attempts >= settings.attempts
    history.record(
        case,
        EventKind.REVISIT_UNREACHABLE if gives_up else EventKind.REVISIT_CALL,
        actor,
        body=note,
        changes={"call_outcome": outcome.value, "attempt": revisit.attempts, "method": how.value},
    )
    if not gives_up:
        revisit.retry_at = now + dt.timedelta(hours=settings.retry_hours)
        return revisit
    revisit.status, revisit.retry_at = RevisitStatus.UNREACHABLE, None
    revisit.done_at, revisit.done_by_id = now, actor.id
    _last_ended(case, actor, now, Closure.NOT_REACHED)
    _plan_next(revisit, actor, now)
    return revisit


def record_answers(
    revisit: Revisit,
    actor: User | None,
    answers: Answers,
    *,
    method: str = "",
    note: str = "",
    online: bool = False,
) -> Revisit:
    """The person answered (on the phone, at the door, or through the link when ``actor``
    is None and ``online``): the answers are kept and the loop closed (:func:`close_loop`)."""
    case = revisit.case
    if actor is not None:
        check(case, actor, Action.REVISIT)
    elif not online:
        raise InvalidInput("actor", _l("Say who made the revisit."))
    _open(revisit)
    note = _note(note)
    how = _method(revisit, method)
    now = utcnow()
    revisit.attempts += 1
    outcome = CallOutcome.ANSWERED_ONLINE if online else CallOutcome.REACHED
    _attempt(revisit, actor, how, outcome, note, now)
    revisit.satisfaction, revisit.solved = answers.satisfaction, answers.solved
    revisit.answers = dict(answers.by_key)
    revisit.comments = answers.comments
    revisit.status, revisit.retry_at = RevisitStatus.DONE, None
    revisit.done_at, revisit.done_by_id = now, actor.id if actor else None
    history.record(
        case,
        EventKind.REVISIT,
        actor,
        actor_label=None if actor else case.complainant_name,
        body=answers.comments or note,
        changes={
            "method": how.value,
            "call_outcome": outcome.value,
            "reached": True,
            "satisfaction": answers.satisfaction,
            "solved": answers.solved,
        },
    )
    close_loop(revisit, actor, now)
    _plan_next(revisit, actor, now)
    return revisit


def _last_ended(case: Case, actor: User | None, now: dt.datetime, closure: Closure) -> None:
    """When no revisit of the case is left to make, its revisit stage is met and a complaint
    waiting for it is closed: revisited, or not reached."""
    if queries.open_revisit(case) is not None:
        return
    stages.finish(case, now, Stage.REVISIT)
    if case.status is Status.AWAITING_REVISIT:
        before = closing.close(case, closure, now)
        history.record(
            case,
            EventKind.CLOSED,
            actor,
            public=True,
            changes={"status": [before.value, Status.CLOSED.value]},
        )


def _plan_next(revisit: Revisit, actor: User | None, now: dt.datetime) -> None:
    """A periodic revisit (a high-value customer, CS-1) plans the next one as it ends."""
    case = revisit.case
    if case.kind is CaseKind.COMPLAINT:
        return
    rule = revisit_rules.rule_for(case.tenant, case.kind)
    window = revisit_rules.next_window(case.tenant, rule, now) if rule is not None else None
    if window is not None:
        plan(case, window.occasion, window.due_from, window.due_at, revisit.method, actor=actor)


def satisfied(revisit: Revisit) -> bool:
    """Satisfied: the score reaches the tenant's floor and the problem is not said unsolved."""
    floor = revisit.case.tenant.config.revisiting.satisfied_from
    if revisit.solved is False:
        return False
    return revisit.satisfaction is None or revisit.satisfaction >= floor


def close_loop(revisit: Revisit, actor: User | None, now: dt.datetime) -> None:
    """After the answers: a satisfied complainant's case is closed (or stays closed); one not
    satisfied, or whose problem is not solved, sends the case back to handling with special
    measures due within the policy's limit (PROP-12: 24 hours)."""
    case = revisit.case
    if revisit.satisfaction is not None:
        case.satisfaction = revisit.satisfaction
    if satisfied(revisit):
        _last_ended(case, actor, now, Closure.REVISITED)
        return
    if case.status in (Status.AWAITING_REVISIT, Status.CLOSED, Status.RESOLVED):
        feedback.reopen(case, actor, now)
    changes: dict = {"reopened": True}
    repeats.special_measures(case, now, changes)
    history.record(case, EventKind.SPECIAL_MEASURES, actor, changes=changes)


def schedule_visit(
    revisit: Revisit, actor: User, at: dt.datetime, address: str, visitor: User | None
) -> Revisit:
    """Book a home visit (上门回访, CS-2) for those who cannot use phone or email."""
    check(revisit.case, actor, Action.REVISIT)
    _open(revisit)
    address = " ".join(address.split())
    if not address:
        raise InvalidInput("address", _l("Give the address to visit."))
    if len(address) > 300:
        raise InvalidInput(
            "address", _l("Please keep it to %(count)d characters or fewer.", count=300)
        )
    if at < utcnow() - dt.timedelta(days=1):
        raise InvalidInput("at", _l("Book the visit for a time to come."))
    revisit.method = ContactMethod.VISIT
    revisit.visit_at, revisit.visit_address = at, address
    if visitor is not None:
        revisit.assignee_id, revisit.assignee = visitor.id, visitor  # as in assign()
    history.record(
        revisit.case,
        EventKind.REVISIT_SCHEDULED,
        actor,
        changes={
            "visit_at": at.isoformat(" ", "minutes"),
            "visit_address": address,
            "revisitor": visitor.name if visitor else None,
        },
    )
    return revisit


def record_revisit(
    case: Case,
    actor: User,
    method: str,
    reached: bool,
    satisfaction: int | None = None,
    comments: str = "",
) -> Revisit:
    """The case page's short form: the case's next revisit reached (with a score) or not."""
    check(case, actor, Action.REVISIT)
    if method not in REVISIT_METHODS:
        raise InvalidInput("method", _l("Choose how the revisit was made."))
    revisit = queries.open_revisit(case) or _plan_now(case, actor)
    if not reached:
        return record_call(revisit, actor, CallOutcome.NO_ANSWER, comments, method)
    if satisfaction is None or not 1 <= satisfaction <= 5:
        raise InvalidInput("satisfaction", _l("Give the satisfaction score from 1 to 5."))
    given = {"overall": str(satisfaction), questionnaire.COMMENTS: comments}
    answers = questionnaire.check_answers(case.tenant, given, complete=False)
    return record_answers(revisit, actor, answers, method=method)


def start(case: Case, actor: User) -> Revisit:
    """The revisit to make of ``case`` now, for the case page's link to it: its open one,
    or one planned now for a case waiting for its revisit without a plan (one from before
    revisits were planned)."""
    check(case, actor, Action.REVISIT)
    return queries.open_revisit(case) or _plan_now(case, actor)


def _plan_now(case: Case, actor: User) -> Revisit:
    """A revisit made before one was planned (a case from before revisit plans): due now."""
    now = utcnow()
    deadline = stages.open_deadline(case, Stage.REVISIT)
    due = deadline.due_at if deadline is not None else now
    method = revisit_rules.method_for(case, None)
    revisit = plan(case, Occasion.AFTER_HANDLING, now, due, method, actor=actor)
    db.session.flush()
    return revisit


def _attempt(
    revisit: Revisit,
    actor: User | None,
    method: ContactMethod,
    outcome: CallOutcome,
    note: str,
    now: dt.datetime,
) -> None:
    db.session.add(
        RevisitAttempt(
            tenant_id=revisit.tenant_id,
            revisit_id=revisit.id,
            case_id=revisit.case_id,
            method=method,
            outcome=outcome,
            note=note,
            by_id=actor.id if actor else None,
            at=now,
        )
    )


def _method(revisit: Revisit, method: str) -> ContactMethod:
    if not method:
        return revisit.method
    if method not in REVISIT_METHODS:
        raise InvalidInput("method", _l("Choose how the revisit was made."))
    return ContactMethod(method)


def _note(note: str) -> str:
    note = note.strip()
    if len(note) > NOTE_LENGTH:
        raise InvalidInput(
            "note", _l("Please keep it to %(count)d characters or fewer.", count=NOTE_LENGTH)
        )
    return note
