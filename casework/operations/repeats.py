"""Repeat complaints (重复投诉, CITY-6, PROP-12): the special measures they may call for,
another contact recorded on the case it repeats, and two cases merged into one.

Three ways a repeat reaches the case system, each one verb:

- :func:`add_repeat_contact`: intake (or anyone taking the call) finds the case the caller
  is calling about again (:mod:`casework.matching` offers them) and records the contact on it,
  in full; no second case is opened. The handler is told in the bell to call back.
- :func:`mark_repeat`: a second case was opened anyway; it is linked to the earlier one.
- :func:`merge_case`: two cases turn out to be one; the absorbed one is closed into the
  survivor, and its number finds the survivor from then on (:func:`casework.access.survivor`).

When the caller says the defect is still there, special measures are due within the
policy's limit (PROP-12: 24 hours) and the case becomes urgent; a case whose result was
recorded, sent or archived goes back to handling.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l

from tenants.db import db, utcnow
from tenants.models import Role, User

from .. import access, alerts, history, matching, notifications, stages
from ..errors import InvalidInput, InvalidTransition, NotFound
from ..models import Case, RepeatContact
from ..states import (
    Action,
    Channel,
    Closure,
    EventKind,
    NotificationKind,
    Priority,
    Stage,
    Status,
)
from . import closing, feedback, intake, investigation
from .guards import Facts, check, precondition

SAID_MAX = 2000
NAME_MAX = 100
REASON_MAX = 500
# The statuses in which the case says the problem was dealt with: a caller saying the defect
# is still there sends it back to handling.
SOLVED = frozenset({Status.RESOLVED, Status.AWAITING_REVISIT, Status.CLOSED})


def special_measures(case: Case, now: dt.datetime, changes: dict) -> None:
    """The defect is still there (PROP-12): urgent, and special measures due unless they are
    already running; what changed goes into ``changes``."""
    if case.priority is not Priority.URGENT:
        changes["priority"] = [case.priority.value, Priority.URGENT.value]
        case.priority = Priority.URGENT
    if stages.open_deadline(case, Stage.SPECIAL_MEASURES) is not None:
        return
    deadline = stages.start(case.tenant, case, Stage.SPECIAL_MEASURES, now)
    if deadline is not None:
        changes["special_measures_due"] = [None, deadline.due_at.isoformat(" ", "minutes")]


def _call_back(case: Case, actor: User) -> None:
    """Tell whoever must act on the case now (the handler, else the unit's head, else
    intake) to call the complainant back; not the one who took the call."""
    people = [
        u for u in alerts.responsible(case, Stage.FIRST_CONTACT) if u.active and u.id != actor.id
    ]
    notifications.tell(people, case, NotificationKind.REPEAT_CONTACT)


@precondition(Action.MARK_REPEAT)
def _not_marked(facts: Facts, _actor: User) -> None:
    if facts.case.repeat_of_id is not None:
        raise InvalidTransition(_l("This case is already marked as a repeat complaint."))


def mark_repeat(case: Case, actor: User, earlier_number: str, defect: bool, note: str) -> Case:
    """Record that the case repeats an earlier complaint (重复投诉, CITY-6, PROP-12).

    When the complainant says the defect is still there, special measures are due within the
    policy's limit (PROP-12: 24 hours) and the case becomes urgent. The earlier case counts
    one more repeat. A number merged into another case names its survivor.
    """
    check(case, actor, Action.MARK_REPEAT)
    try:
        earlier = access.get_case_by_number(earlier_number)
    except NotFound:
        earlier = None
    if earlier is None or earlier.id == case.id or earlier.created_at > case.created_at:
        raise InvalidInput("earlier", _l("Give the number of an earlier case of ours."))
    case.repeat_of_id = earlier.id
    earlier.repeat_count += 1
    changes: dict = {"repeat_of": [None, earlier.number]}
    if defect:
        special_measures(case, utcnow(), changes)
    history.record(case, EventKind.MARKED_REPEAT, actor, body=note.strip(), changes=changes)
    return case


@precondition(Action.SPECIAL_MEASURES)
def _measures_due(facts: Facts, _actor: User) -> None:
    if facts.open_deadline(Stage.SPECIAL_MEASURES) is None:
        raise InvalidTransition(_l("No special measures are due on this case."))


def record_special_measures(case: Case, actor: User, measures: str) -> Case:
    """Record the special measures taken on a repeat complaint (特别措施, PROP-12)."""
    check(case, actor, Action.SPECIAL_MEASURES)
    if not measures.strip():
        raise InvalidInput("measures", _l("Say what was done."))
    stages.finish(case, utcnow(), Stage.SPECIAL_MEASURES)
    history.record(case, EventKind.SPECIAL_MEASURES, actor, body=measures.strip())
    return case


@precondition(Action.REPEAT_CONTACT)
def _takes_contacts(facts: Facts, _actor: User) -> None:
    case = facts.case
    if case.merged_into_id is not None:
        raise InvalidTransition(
            _l(
                "This case was merged into %(number)s: add the contact there.",
                number=access.survivor(case).number,
            )
        )
    if case.status is Status.CLOSED and not matching.recently_closed(case):
        raise InvalidTransition(
            _l(
                "This case was closed more than %(days)d days ago: file a new complaint "
                "and mark it as a repeat.",
                days=case.tenant.config.repeat_window,
            )
        )


def add_repeat_contact(
    case: Case,
    actor: User,
    channel: str,
    said: str,
    *,
    caller_name: str = "",
    caller_phone: str = "",
    defect: bool = False,
) -> RepeatContact:
    """Record another contact about the case on it (重复来电, CITY-6): one case, every call.

    The contact keeps when, by which channel, who took it, who called and what they said; the
    case counts one more repeat and the one who must act on it is told in the bell to call
    back. When the caller says the defect is still there, special measures are due (PROP-12)
    and a case whose result was recorded, sent or archived goes back to handling. A closed
    case takes a contact only for that, and only within the repeat window (the guards).
    """
    check(case, actor, Action.REPEAT_CONTACT)
    try:
        how = Channel(channel)
    except ValueError:
        raise InvalidInput("channel", _l("Choose how the contact came in.")) from None
    said = said.strip()
    if not said:
        raise InvalidInput("said", _l("Say what the caller said."))
    if len(said) > SAID_MAX:
        raise InvalidInput(
            "said", _l("Please keep it to %(count)d characters or fewer.", count=SAID_MAX)
        )
    name = " ".join(caller_name.split())
    if len(name) > NAME_MAX:
        raise InvalidInput("caller_name", _l("The name is too long."))
    try:
        phone = intake.normalise_phone(caller_phone[:40])
    except InvalidInput as exc:
        raise InvalidInput("caller_phone", str(exc)) from None
    if case.status is Status.CLOSED and not defect:
        raise InvalidInput(
            "defect",
            _l(
                "This case is closed: a further contact reopens it only when the defect is "
                "still there. Otherwise file a new complaint."
            ),
        )

    now = utcnow()
    contact = RepeatContact(
        case_id=case.id,
        at=now,
        channel=how,
        taken_by_id=actor.id,
        taken_by_label=actor.name,
        caller_name=name,
        caller_phone=phone,
        said=said,
        defect=defect,
    )
    db.session.add(contact)
    changes: dict = {
        "channel": how.value,
        "repeat_count": [case.repeat_count, case.repeat_count + 1],
    }
    case.repeat_count += 1
    if defect:
        changes["defect"] = True
        special_measures(case, now, changes)
    history.record(case, EventKind.REPEAT_CONTACT, actor, body=said, changes=changes)
    if defect and case.status in SOLVED:
        feedback.reopen(case, actor, now)
    _call_back(case, actor)
    return contact


@precondition(Action.MERGE)
def _may_merge(facts: Facts, _actor: User) -> None:
    if facts.open_rectification is not None:
        raise InvalidTransition(
            _l(
                "A rectification order of this case is still open: merge the other case "
                "into this one instead."
            )
        )


def _may_work(case: Case, actor: User) -> bool:
    """Whether the actor may merge into ``case``: across the organisation for intake,
    supervisors and admins; a department head only into their department's cases."""
    if actor.has_role(Role.INTAKE, Role.SUPERVISOR, Role.ADMIN):
        return True
    return (
        actor.has_role(Role.DEPT_HEAD)
        and case.department_id is not None
        and case.department_id == actor.department_id
    )


def merge_case(case: Case, actor: User, into_number: str, reason: str) -> Case:
    """Close ``case`` as merged into the case numbered ``into_number`` (合并); the survivor.

    Both histories say so. The absorbed case keeps its history, contacts and files, read
    from its own page (linked from the survivor's), closed as merged; its complaint is
    recorded on the survivor as a repeat contact, and its repeats count there too. Its number
    finds the survivor from then on. Refused: a case into itself, into a case closed or not
    ours, between cases whose readers differ (restricted, PROP-3), or into a case the actor
    may not work.
    """
    check(case, actor, Action.MERGE)
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("reason", _l("Say why the two cases are one."))
    if len(reason) > REASON_MAX:
        raise InvalidInput(
            "reason", _l("Please keep it to %(count)d characters or fewer.", count=REASON_MAX)
        )
    try:
        survivor = access.get_case_by_number(into_number, viewer=actor)
    except NotFound:
        raise InvalidInput("into", _l("Give the number of an open case of ours.")) from None
    if survivor.id == case.id:
        raise InvalidInput("into", _l("A case cannot be merged into itself."))
    if survivor.status is Status.CLOSED:
        raise InvalidInput(
            "into",
            _l(
                "Case %(number)s is closed and archived: merge into an open case.",
                number=survivor.number,
            ),
        )
    if (case.restricted or survivor.restricted) and not (
        case.restricted and survivor.restricted and case.subject_user_id == survivor.subject_user_id
    ):
        raise InvalidInput(
            "into",
            _l(
                "A restricted case is merged only with another restricted case about the "
                "same person: the two are seen by different people."
            ),
        )
    if not _may_work(survivor, actor):
        raise InvalidInput(
            "into", _l("Case %(number)s belongs to another department.", number=survivor.number)
        )

    now = utcnow()
    investigation.close_open_assists(case, actor, reason, now)
    stages.finish(case, now, *Stage)
    before = closing.close(case, Closure.MERGED, now)
    case.merged_into_id = survivor.id
    history.record(
        case,
        EventKind.MERGED,
        actor,
        body=reason,
        public=True,
        changes={
            "status": [before.value, Status.CLOSED.value],
            "closure": Closure.MERGED.value,
            "merged_into": survivor.number,
        },
    )
    db.session.add(
        RepeatContact(
            case_id=survivor.id,
            at=case.received_at or case.created_at,
            channel=case.channel,
            taken_by_id=case.accepted_by_id,
            taken_by_label=case.accepted_by_label,
            caller_name=case.complainant_name,
            caller_phone=case.complainant_phone,
            said=case.description,
            from_case_id=case.id,
        )
    )
    count = survivor.repeat_count + 1 + case.repeat_count
    history.record(
        survivor,
        EventKind.MERGED_IN,
        actor,
        body=reason,
        changes={"merged_from": case.number, "repeat_count": [survivor.repeat_count, count]},
    )
    survivor.repeat_count = count
    _call_back(survivor, actor)
    return survivor
