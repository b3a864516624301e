"""Time on a case: extension requests (延期) and stopping the clocks while the complainant
is waited for. Nobody edits a due date by hand; each move is a recorded act."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tenants.db import db, utcnow
from tenants.models import User

from .. import alerts, history, labels, notifications, outbox, policy, stages
from ..deadlines import Target
from ..errors import Forbidden, InvalidInput, InvalidTransition
from ..models import Case, Deadline, Extension
from ..states import Action, EventKind, NotificationKind, Stage
from .guards import Facts, check, precondition


@precondition(Action.EXTEND)
def _may_ask(facts: Facts, _actor: User) -> None:
    if facts.open_deadline(Stage.RESULT) is None:
        raise InvalidTransition(_l("This case has no running reply deadline to extend."))
    if facts.pending_extension is not None:
        raise InvalidTransition(_l("An extension request is already waiting for a decision."))


def request_extension(case: Case, actor: User, days: int, reason: str) -> Extension:
    """Ask for more time to answer (延期申请); the approver named by the policy decides.

    ``days`` counts in the unit of the policy's extension limit (working days, or calendar
    days for petitions), up to that limit.
    """
    facts = check(case, actor, Action.EXTEND)
    limit = policy.extension_limit(case.tenant, case)
    if not isinstance(days, int) or not 1 <= days <= limit.value:
        most, unit = limit.value, labels.label(limit.unit)
        raise InvalidInput("days", _l("Ask for 1 to %(most)s %(unit)s.", most=most, unit=unit))
    if not reason.strip():
        raise InvalidInput("reason", _l("Give the reason for the extension."))
    extension = Extension(
        case_id=case.id,
        deadline_id=facts.open_deadline(Stage.RESULT).id,
        days=days,
        unit=limit.unit,
        reason=reason.strip(),
        requested_by_id=actor.id,
    )
    db.session.add(extension)
    history.record(
        case, EventKind.EXTENSION_REQUESTED, actor, body=reason.strip(), changes={"days": days}
    )
    notifications.tell(approvers(case), case, NotificationKind.EXTENSION)
    return extension


@precondition(Action.DECIDE_EXTENSION)
def _may_decide(facts: Facts, actor: User) -> None:
    if facts.pending_extension is None:
        raise InvalidTransition(_l("There is no extension request to decide."))
    if actor.id not in {u.id for u in approvers(facts.case)}:
        raise Forbidden(_l("The policy names another approver for this extension."))


def decide_extension(case: Case, actor: User, approve: bool, note: str = "") -> Extension:
    """Accept or refuse the pending extension; an accepted one moves the due time and the
    complainant is told (no one edits a due date by hand)."""
    extension = check(case, actor, Action.DECIDE_EXTENSION).pending_extension
    extension.status = "approved" if approve else "refused"
    extension.decided_by_id = actor.id
    extension.decided_at = utcnow()
    extension.decision_note = note.strip()
    if not approve:
        history.record(case, EventKind.EXTENSION_REFUSED, actor, body=note.strip())
        return extension
    deadline = db.session.get(Deadline, extension.deadline_id)
    before = case.reply_due_at
    stages.extend(case.tenant, case, deadline, Target(extension.days, extension.unit))
    case.reply_due_at = deadline.due_at
    history.record(
        case,
        EventKind.EXTENDED,
        actor,
        body=extension.reason,
        public=True,
        changes=history.diff({"reply_due": before}, {"reply_due": case.reply_due_at}),
    )
    if case.complainant_email:
        outbox.after_commit("notify.extension", case_id=case.id, extension_id=extension.id)
    return extension


def approvers(case: Case) -> list[User]:
    """Who decides the case's extension requests under the tenant's policy."""
    if policy.extension_approver(case.tenant) == "supervisor":
        return alerts.supervisors()
    return alerts.heads_of(case) or alerts.supervisors()


@precondition(Action.PAUSE)
def _running(facts: Facts, _actor: User) -> None:
    if facts.case.paused_at is not None:
        raise InvalidTransition(_l("The clocks of this case are already stopped."))


def pause_case(case: Case, actor: User, reason: str) -> Case:
    """Stop the clocks while waiting for the complainant (e.g. for documents)."""
    check(case, actor, Action.PAUSE)
    if not reason.strip():
        raise InvalidInput("reason", _l("Say what the case is waiting for."))
    case.paused_at = utcnow()
    stages.pause(case, case.paused_at)
    history.record(case, EventKind.PAUSED, actor, body=reason.strip(), public=True)
    return case


@precondition(Action.RESUME)
def _stopped(facts: Facts, _actor: User) -> None:
    if facts.case.paused_at is None:
        raise InvalidTransition(_l("The clocks of this case are running."))


def resume_case(case: Case, actor: User) -> Case:
    """Restart the clocks; every running deadline moves on by the time spent waiting."""
    check(case, actor, Action.RESUME)
    before = case.reply_due_at
    paused_at, case.paused_at = case.paused_at, None
    stages.resume(case.tenant, case, paused_at, utcnow())
    history.record(
        case,
        EventKind.RESUMED,
        actor,
        public=True,
        changes=history.diff({"reply_due": before}, {"reply_due": case.reply_due_at}),
    )
    return case
