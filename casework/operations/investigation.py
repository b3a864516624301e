"""Investigation in depth (CO-3, HOSP-5, ESTATE-2, POWER-1): assisting units, the
investigation group and evidence from staff.

The case's department is the lead unit (主办). It, or a supervisor, asks other departments to
assist (协办): each assist has its own instructions and its own deadline (the policy's
``assist`` stage), reminds that unit's head, and is answered by that unit inside the case.
The lead unit's result waits for every assist, or says why it does not (see
:func:`close_open_assists`, called by the result). For a complex case the lead names an
investigation group (调查组) from several departments, one of them its lead; its members see
the case and add evidence. Files follow the intake's upload rules.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tenants.db import db, utcnow
from tenants.models import Department, Role, User

from .. import alerts, history, notifications, stages
from ..errors import InvalidInput, InvalidTransition
from ..models import Assist, Attachment, Case, CaseMember, Deadline
from ..states import Action, AttachmentSource, EventKind, GroupRole, NotificationKind, Stage
from . import intake
from .guards import Facts, check, precondition

MAX_TEXT = 5000  # characters of instructions, an answer or a statement
# Who may sit in an investigation group: staff who work cases.
GROUP_ROLES = (Role.HANDLER, Role.DEPT_HEAD, Role.SUPERVISOR)


# Assisting units (协办) -------------------------------------------------------------------


def ask_assist(case: Case, actor: User, department_id: int | None, instructions: str) -> Assist:
    """Ask another department to assist the lead unit (协办), with the policy's time limit."""
    facts = check(case, actor, Action.ASK_ASSIST)
    department = db.session.get(Department, department_id) if department_id else None
    if department is None or department.tenant_id != case.tenant_id or not department.active:
        raise InvalidInput("department_id", _l("Choose a department from the list."))
    if department.id == case.department_id:
        raise InvalidInput("department_id", _l("The lead unit cannot assist itself."))
    if facts.open_assist_of(department.id) is not None:
        raise InvalidInput("department_id", _l("This unit is already assisting on the case."))
    text = _text(instructions, "instructions", _l("Say what the unit should look into."))
    assist = Assist(
        case_id=case.id,
        department_id=department.id,
        instructions=text,
        asked_by_id=actor.id,
        asked_at=utcnow(),
    )
    db.session.add(assist)
    deadline = stages.start(case.tenant, case, Stage.ASSIST, assist.asked_at)
    db.session.flush()  # the deadline's id, through which the sweep's alerts find the unit
    assist.deadline_id = deadline.id if deadline else None
    history.record(
        case,
        EventKind.ASSIST_ASKED,
        actor,
        body=text,
        changes={
            "assist_department": [None, department.name],
            "due": [None, deadline.due_at.isoformat(" ", "minutes") if deadline else None],
        },
    )
    notifications.tell(alerts.heads_of_departments({department.id}), case, NotificationKind.ASSIST)
    return assist


def answer_assist(
    case: Case,
    actor: User,
    answer: str,
    attachment_name: str = "",
    attachment_data: bytes = b"",
) -> Assist:
    """The assisting unit answers its part (协办回复), with an optional file; its deadline is
    met, late or not (the time-limit table shows which)."""
    facts = check(case, actor, Action.ANSWER_ASSIST)
    assist = facts.open_assist_of(actor.department_id)
    text = _text(answer, "answer", _l("Write the unit's answer."))
    stored = _store(case, actor, attachment_name, attachment_data, AttachmentSource.ASSIST)
    assist.answer, assist.answered_by_id = text, actor.id
    assist.answered_at = utcnow()
    late = _meet(case, assist, assist.answered_at)
    changes: dict[str, object] = {
        "assist_department": assist.department.name if assist.department else None,
        "answered": [None, assist.answered_at.isoformat(" ", "minutes")],
    }
    if late:
        changes["late"] = True
    if stored is not None:
        changes.update(attachment_id=stored.id, attachment=stored.filename)
    history.record(case, EventKind.ASSIST_ANSWERED, actor, body=text, changes=changes)
    return assist


def open_assists(case: Case) -> list[Assist]:
    """The assists of the case still waiting for an answer."""
    return Facts(case).open_assists


def close_open_assists(case: Case, actor: User, reason: str, now: dt.datetime) -> list[Assist]:
    """Close every unanswered assist because the lead's result does not wait for it, saying
    why; each closing is an event. InvalidInput when some are open and no reason is given.

    Called by the result before it changes anything, so a refusal saves nothing.
    """
    waiting = open_assists(case)
    if not waiting:
        return []
    why = " ".join((reason or "").split())
    if not why:
        raise InvalidInput(
            "not_waiting_reason",
            _l("Some assisting units have not answered: say why the result does not wait."),
        )
    if len(why) > MAX_TEXT:
        raise InvalidInput("not_waiting_reason", _l("The text is too long."))
    for assist in waiting:
        assist.withdrawn_at, assist.withdrawn_reason = now, why
        _meet(case, assist, now)
        history.record(
            case,
            EventKind.ASSIST_WITHDRAWN,
            actor,
            body=why,
            changes={
                "assist_department": assist.department.name if assist.department else None,
                "not_waiting_reason": [None, why],
            },
        )
    return waiting


def _meet(case: Case, assist: Assist, now: dt.datetime) -> bool:
    """Mark this assist's own deadline met (not the other units'); True when it was late."""
    deadline = db.session.get(Deadline, assist.deadline_id) if assist.deadline_id else None
    if deadline is None or deadline.done_at is not None:
        return False
    deadline.done_at, deadline.next_alert_at = now, None
    stages.refresh(case.tenant, case)
    return now > deadline.due_at


# The investigation group (调查组) ----------------------------------------------------------


@precondition(Action.REMOVE_MEMBER)
def _group_not_empty(facts: Facts, _actor: User) -> None:
    if not facts.members:
        raise InvalidTransition(_l("The case has no investigation group."))


def candidates(case: Case) -> list[User]:
    """Active staff who may join the case's investigation group and are not in it yet."""
    taken = sa.select(CaseMember.user_id).where(CaseMember.case_id == case.id)
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.active.is_(True), User.holding(*GROUP_ROLES), User.id.not_in(taken))
            .order_by(User.department_id, User.name)
        )
    )


def add_member(
    case: Case, actor: User, user_id: int | None, role: GroupRole | str = GroupRole.MEMBER
) -> CaseMember:
    """Name a member of the investigation group (HOSP-5); naming a new lead makes the old
    one a member, recorded too."""
    facts = check(case, actor, Action.ADD_MEMBER)
    user = next((u for u in candidates(case) if u.id == user_id), None) if user_id else None
    if user is None:
        raise InvalidInput("user_id", _l("Choose a member of staff from the list."))
    try:
        place = GroupRole(role)
    except ValueError:
        raise InvalidInput("role", _l("Choose the member's role in the group.")) from None
    if place is GroupRole.LEAD:
        for old in facts.members:
            if old.role is GroupRole.LEAD:
                old.role = GroupRole.MEMBER
                history.record(
                    case,
                    EventKind.MEMBER_ADDED,
                    actor,
                    changes={
                        "member": old.user.name,
                        "group_role": [GroupRole.LEAD.value, GroupRole.MEMBER.value],
                    },
                )
    member = CaseMember(case_id=case.id, user_id=user.id, role=place, added_by_id=actor.id)
    db.session.add(member)
    history.record(
        case,
        EventKind.MEMBER_ADDED,
        actor,
        changes={"member": user.name, "group_role": [None, place.value]},
    )
    return member


def remove_member(case: Case, actor: User, user_id: int | None) -> None:
    """Take someone out of the investigation group; they lose sight of the case unless
    another rule gives it to them."""
    facts = check(case, actor, Action.REMOVE_MEMBER)
    member = next((m for m in facts.members if m.user_id == user_id), None)
    if member is None:
        raise InvalidInput("user_id", _l("Choose a member of the group."))
    history.record(
        case,
        EventKind.MEMBER_REMOVED,
        actor,
        changes={"member": member.user.name, "group_role": [member.role.value, None]},
    )
    db.session.delete(member)


# Evidence from staff (调查取证) ---------------------------------------------------------


def add_evidence(
    case: Case,
    actor: User,
    text: str,
    attachment_name: str = "",
    attachment_data: bytes = b"",
) -> Case:
    """A statement, photo or document gathered during handling, by the lead unit or a member
    of the investigation group; internal, under the intake's upload rules."""
    check(case, actor, Action.ADD_EVIDENCE)
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput("body", _l("The text is too long."))
    if not text and not attachment_data:
        raise InvalidInput("body", _l("Describe the evidence, or choose a file."))
    stored = _store(case, actor, attachment_name, attachment_data, AttachmentSource.EVIDENCE)
    changes = {"attachment_id": stored.id, "attachment": stored.filename} if stored else {}
    history.record(case, EventKind.EVIDENCE_ADDED, actor, body=text, changes=changes)
    return case


def _store(
    case: Case, actor: User, name: str, data: bytes, source: AttachmentSource
) -> Attachment | None:
    """The file as an attachment, under the intake's rules (size, type from the bytes)."""
    if not data:
        return None
    return intake.attach(case, intake.check_file(case.tenant, name, data), data, source, actor)


def _text(value: str, field: str, empty: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(field, empty)
    if len(text) > MAX_TEXT:
        raise InvalidInput(field, _l("The text is too long."))
    return text
