"""The verbs of the case lifecycle, one function per change.

Each checks the action against the state machine and the actor's role, mutates the case,
appends a history event and records after-commit work. None of them commits: the caller
(a view, a job, a CLI command) commits once, so a refused change leaves nothing half-saved.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import phonenumbers
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tenants.db import db, utcnow
from tenants.models import Role, Tenant, User

from . import (
    access,
    alerts,
    calendar,
    deadlines,
    history,
    numbering,
    outbox,
    policy,
    routing,
    stages,
)
from .deadlines import Target, Unit
from .errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from .models import (
    Attachment,
    Case,
    Deadline,
    Department,
    Extension,
    Notification,
    Oversight,
    Rectification,
    Revisit,
)
from .states import TRANSITIONS, Action, Channel, Priority, Stage, Status

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone
CONTACT_METHODS = ("phone", "email", "sms", "visit")
REVISIT_METHODS = ("phone", "email", "visit")
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024


@dataclass
class Complaint:
    """What intake collects, from any channel."""

    channel: Channel
    category_id: int | None
    description: str
    name: str
    phone: str = ""
    email: str = ""
    location: str = ""
    occurred_at: dt.datetime | None = None
    preferred_contact: str = "phone"
    priority: Priority = Priority.NORMAL
    # When a letter, mail or message reached the organisation, if before it was registered.
    received_at: dt.datetime | None = None
    attachment_name: str = ""
    attachment_type: str = ""
    attachment_data: bytes = b""


def normalise_phone(raw: str) -> str:
    """E.164 form of a Chinese mobile or landline number, or InvalidInput."""
    raw = raw.strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        # Short service numbers such as 96310 are fine for staff, never for a complainant.
        raise InvalidInput("phone", _l("Enter a valid phone number, e.g. 138 1234 5678."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def open_case(tenant: Tenant, complaint: Complaint, actor: User | None = None) -> Case:
    """Accept a complaint (受理): number it, promise a reply date, ask for the receipt."""
    description = complaint.description.strip()
    if not description:
        raise InvalidInput("description", _l("Please describe what happened."))
    if not complaint.name.strip():
        raise InvalidInput("name", _l("Please give a name we can address you by."))
    phone = normalise_phone(complaint.phone)
    if not phone and not complaint.email.strip():
        raise InvalidInput("phone", _l("Leave a phone number or an email so we can reply."))
    category = None
    if complaint.category_id is not None:
        category = routing.category(tenant, complaint.category_id)
        if category is None:
            raise InvalidInput("category_id", _l("Choose a category from the list."))
    if complaint.attachment_data and len(complaint.attachment_data) > MAX_ATTACHMENT_BYTES:
        raise InvalidInput("attachment", _l("The attachment is larger than 5 MB."))

    now = utcnow()
    received = complaint.received_at or now
    if received > now:
        raise InvalidInput("received_at", _l("The complaint cannot have arrived in the future."))
    if received < now - dt.timedelta(days=366):
        raise InvalidInput("received_at", _l("Give an arrival time within the last year."))
    day = deadlines.local_today(now, tenant.timezone)
    if actor is not None:
        accepted_label, accepted_contact = actor.name, actor.phone or tenant.duty_contact_phone
    else:
        accepted_label, accepted_contact = tenant.duty_contact_name, tenant.duty_contact_phone
    case = Case(
        tenant_id=tenant.id,
        access_code="".join(secrets.choice(_CODE_ALPHABET) for _ in range(8)),
        status=Status.ACCEPTED,
        channel=complaint.channel,
        priority=complaint.priority,
        category_id=category.id if category else None,
        description=description,
        location=complaint.location.strip(),
        occurred_at=complaint.occurred_at,
        complainant_name=complaint.name.strip(),
        complainant_phone=phone,
        complainant_email=complaint.email.strip(),
        preferred_contact=complaint.preferred_contact,
        received_at=received,
        accepted_at=now,
        accepted_by_id=actor.id if actor else None,
        accepted_by_label=accepted_label,
        accepted_by_contact=accepted_contact,
        created_at=now,
    )
    cal = calendar.for_tenant(tenant)
    # Acceptance (受理, CO-2) ran from arrival to now: its deadline is met here, on time or
    # late, and counted either way. The clocks of the stages ahead start now.
    acceptance = stages.plan(tenant, case, Stage.ACCEPTANCE, received, cal)
    if acceptance is not None:
        acceptance.done_at, acceptance.next_alert_at = now, None
    ahead = [stages.plan(tenant, case, s, now, cal) for s in (Stage.DISPATCH, Stage.RESULT)]
    planned = [d for d in (acceptance, *ahead) if d is not None]
    # The reply date promised on the receipt (ESTATE-1) is the result stage's deadline.
    case.reply_due_at = next((d.due_at for d in planned if d.stage is Stage.RESULT), None)
    for deadline in planned:
        stages.track(case, deadline, tenant)  # the badge goes in with the INSERT, not after

    # Everything above only read. The case number's row lock is held from here to commit,
    # so the writes that follow are few and together.
    case.number = numbering.next_number(tenant, day)
    db.session.add(case)
    db.session.flush()  # the case id, for the attachment, the deadlines and the outbox
    for deadline in planned:
        stages.attach(tenant, case, deadline)
    if complaint.attachment_data:
        db.session.add(
            Attachment(
                case_id=case.id,
                filename=complaint.attachment_name[:200] or "attachment",
                content_type=complaint.attachment_type[:100] or "application/octet-stream",
                size=len(complaint.attachment_data),
                data=complaint.attachment_data,
            )
        )
    history.record(
        case,
        "accepted",
        actor,
        actor_label=accepted_label,
        public=True,
        changes={
            "status": [None, Status.ACCEPTED.value],
            "channel": [None, case.channel.value],
            **({"received": [None, received.isoformat(" ", "minutes")]} if received < now else {}),
        },
    )
    outbox.after_commit("letters.acknowledge", case_id=case.id)
    return case


def _check(case: Case, actor: User, action: Action) -> None:
    transition = TRANSITIONS[action]
    if case.status not in transition.sources:
        raise InvalidTransition(
            _l(
                "A case that is %(status)s cannot take this action.",
                status=status_label(case.status),
            )
        )
    if actor.role not in transition.roles:
        raise Forbidden()
    # Handlers work their own cases; department heads their department's.
    if action not in (Action.DISPATCH, Action.REVISIT, Action.RECTIFIED):
        if actor.role is Role.HANDLER and case.handler_id != actor.id:
            raise Forbidden(_l("Only the assigned handler may work this case."))
        if actor.role is Role.DEPT_HEAD and case.department_id != actor.department_id:
            raise Forbidden(_l("This case belongs to another department."))
    if action is Action.DISPATCH and actor.role is Role.DEPT_HEAD:
        if case.department_id not in (None, actor.department_id):
            raise Forbidden(_l("This case belongs to another department."))


def dispatch_case(
    case: Case, actor: User, department_id: int, handler_id: int | None, note: str = ""
) -> Case:
    """Route a case to a department and a named handler (派单, CITY-4, ESTATE-2)."""
    _check(case, actor, Action.DISPATCH)
    department = db.session.get(Department, department_id)
    if department is None or department.tenant_id != case.tenant_id:
        raise InvalidInput("department_id", _l("Choose a department from the list."))
    handler = None
    if handler_id is not None:
        handler = db.session.get(User, handler_id)
        if handler is None or handler.tenant_id != case.tenant_id or not handler.active:
            raise InvalidInput("handler_id", _l("Choose a handler from the list."))
        if handler.department_id != department.id:
            raise InvalidInput("handler_id", _l("The handler must belong to that department."))
    before = {"department": _name(case.department), "handler": _name(case.handler)}
    # Set the keys as well as the relationships: role checks read the keys before a flush.
    case.department, case.department_id = department, department.id
    case.handler, case.handler_id = handler, (handler.id if handler else None)
    case.status = Status.DISPATCHED
    if case.dispatched_at is None:
        now = utcnow()
        case.dispatched_at = now
        stages.finish(case, now, Stage.DISPATCH)
        stages.start(_tenant(case), case, Stage.FIRST_CONTACT, now)
    history.record(
        case,
        "dispatched",
        actor,
        body=note.strip(),
        public=True,
        changes=history.diff(before, {"department": department.name, "handler": _name(handler)}),
    )
    return case


def add_note(case: Case, actor: User, body: str, public: bool = False) -> Case:
    """An investigation note (调查记录), internal or visible to the complainant (CO-3)."""
    _check(case, actor, Action.NOTE)
    if not body.strip():
        raise InvalidInput("body", _l("The note is empty."))
    _start_work(case, actor)
    history.record(case, "note", actor, body=body.strip(), public=public)
    return case


def record_contact(case: Case, actor: User, method: str, body: str) -> Case:
    """A contact with the complainant, e.g. to verify facts (CO-3, ESTATE-3)."""
    _check(case, actor, Action.CONTACT)
    if method not in CONTACT_METHODS:
        raise InvalidInput("method", _l("Choose how you contacted the complainant."))
    if not body.strip():
        raise InvalidInput("body", _l("Say what was discussed."))
    _start_work(case, actor)
    stages.finish(case, utcnow(), Stage.FIRST_CONTACT)
    history.record(
        case, "contact", actor, body=body.strip(), public=False, changes={"method": method}
    )
    return case


def record_result(case: Case, actor: User, result: str, remedy: str = "") -> Case:
    """The handling result and any remedy or compensation (处理结果, CO-4, CO-5)."""
    _check(case, actor, Action.RESULT)
    if not result.strip():
        raise InvalidInput("result", _l("Say how the complaint was resolved."))
    before = {"status": case.status.value}
    case.result_text = result.strip()
    case.remedy_text = remedy.strip()
    case.result_at = utcnow()
    stages.finish(case, case.result_at, Stage.URGE_RESPONSE)
    case.status = Status.RESOLVED
    history.record(
        case,
        "result",
        actor,
        body=case.result_text,
        changes=history.diff(before, {"status": case.status.value, "remedy": case.remedy_text}),
    )
    return case


def send_result(case: Case, actor: User) -> Case:
    """Tell the complainant the result (反馈); the case then waits for its revisit."""
    _check(case, actor, Action.SEND_RESULT)
    case.status = Status.AWAITING_REVISIT
    case.result_sent_at = now = utcnow()
    # The result reached the complainant: first contact is made too.
    stages.finish(case, now, Stage.RESULT, Stage.SUPERVISION, Stage.FIRST_CONTACT)
    stages.start(_tenant(case), case, Stage.REVISIT, now)
    body = case.result_text + (f"\n{case.remedy_text}" if case.remedy_text else "")
    history.record(
        case,
        "result_sent",
        actor,
        body=body,
        public=True,
        changes={"status": [Status.RESOLVED.value, Status.AWAITING_REVISIT.value]},
    )
    if case.complainant_email:
        outbox.after_commit("notify.result", case_id=case.id)
    return case


def record_revisit(
    case: Case,
    actor: User,
    method: str,
    reached: bool,
    satisfaction: int | None = None,
    comments: str = "",
) -> Revisit:
    """Record a revisit (回访, CO-7); reaching the complainant closes and archives the case."""
    _check(case, actor, Action.REVISIT)
    if method not in REVISIT_METHODS:
        raise InvalidInput("method", _l("Choose how the revisit was made."))
    if reached and (satisfaction is None or not 1 <= satisfaction <= 5):
        raise InvalidInput("satisfaction", _l("Give the satisfaction score from 1 to 5."))
    if not reached:
        satisfaction = None
    revisit = Revisit(
        tenant_id=case.tenant_id,
        case_id=case.id,
        method=method,
        reached=reached,
        satisfaction=satisfaction,
        comments=comments.strip(),
        by_id=actor.id,
    )
    db.session.add(revisit)
    history.record(
        case,
        "revisit",
        actor,
        body=comments.strip(),
        changes={"method": method, "reached": reached, "satisfaction": satisfaction},
    )
    if reached:
        case.satisfaction = satisfaction
        case.status = Status.CLOSED
        case.closed_at = utcnow()
        stages.finish(case, case.closed_at, Stage.REVISIT)
        history.record(
            case,
            "closed",
            actor,
            public=True,
            changes={"status": [Status.AWAITING_REVISIT.value, Status.CLOSED.value]},
        )
    return revisit


def request_extension(case: Case, actor: User, days: int, reason: str) -> Extension:
    """Ask for more time to answer (延期申请); the approver named by the policy decides.

    ``days`` counts in the unit of the policy's extension limit (working days, or calendar
    days for petitions), up to that limit.
    """
    _check(case, actor, Action.EXTEND)
    limit = policy.extension_limit(_tenant(case), case)
    if not isinstance(days, int) or not 1 <= days <= limit.value:
        most, unit = limit.value, unit_label(limit.unit)
        raise InvalidInput("days", _l("Ask for 1 to %(most)s %(unit)s.", most=most, unit=unit))
    if not reason.strip():
        raise InvalidInput("reason", _l("Give the reason for the extension."))
    deadline = stages.open_deadline(case, Stage.RESULT)
    if deadline is None:
        raise InvalidTransition(_l("This case has no running reply deadline to extend."))
    if pending_extension(case) is not None:
        raise InvalidTransition(_l("An extension request is already waiting for a decision."))
    extension = Extension(
        case_id=case.id,
        deadline_id=deadline.id,
        days=days,
        unit=limit.unit.value,
        reason=reason.strip(),
        requested_by_id=actor.id,
    )
    db.session.add(extension)
    history.record(case, "extension_requested", actor, body=reason.strip(), changes={"days": days})
    for user in _approvers(case):
        db.session.add(Notification(user_id=user.id, case_id=case.id, kind="extension"))
    return extension


def pending_extension(case: Case) -> Extension | None:
    """The extension request waiting for a decision, if any."""
    return db.session.scalars(
        sa.select(Extension).where(Extension.case_id == case.id, Extension.status == "pending")
    ).first()


def decide_extension(case: Case, actor: User, approve: bool, note: str = "") -> Extension:
    """Accept or refuse the pending extension; an accepted one moves the due time and the
    complainant is told (no one edits a due date by hand)."""
    _check(case, actor, Action.DECIDE_EXTENSION)
    extension = pending_extension(case)
    if extension is None:
        raise InvalidTransition(_l("There is no extension request to decide."))
    if actor.id not in {u.id for u in _approvers(case)}:
        raise Forbidden(_l("The policy names another approver for this extension."))
    tenant = _tenant(case)
    extension.status = "approved" if approve else "refused"
    extension.decided_by_id = actor.id
    extension.decided_at = utcnow()
    extension.decision_note = note.strip()
    if not approve:
        history.record(case, "extension_refused", actor, body=note.strip())
        return extension
    deadline = db.session.get(Deadline, extension.deadline_id)
    before = case.reply_due_at
    stages.extend(tenant, case, deadline, Target(extension.days, Unit(extension.unit)))
    case.reply_due_at = deadline.due_at
    history.record(
        case,
        "extended",
        actor,
        body=extension.reason,
        public=True,
        changes=history.diff({"reply_due": before}, {"reply_due": case.reply_due_at}),
    )
    if case.complainant_email:
        outbox.after_commit("notify.extension", case_id=case.id, extension_id=extension.id)
    return extension


def urge_case(case: Case, actor: User, note: str) -> Oversight:
    """Send an urging notice (催办) to the handler, copied to the unit's head."""
    return _oversee(case, actor, Action.URGE, Stage.URGE_RESPONSE, "urge", note)


def supervise_case(case: Case, actor: User, note: str) -> Oversight:
    """Put a case under supervision (督办): its result now has a supervisor's deadline."""
    if case.under_supervision:
        raise InvalidTransition(_l("This case is already under supervision."))
    oversight = _oversee(case, actor, Action.SUPERVISE, Stage.SUPERVISION, "supervise", note)
    case.under_supervision = True
    return oversight


def _oversee(
    case: Case, actor: User, action: Action, stage: Stage, kind: str, note: str
) -> Oversight:
    _check(case, actor, action)
    if not note.strip():
        raise InvalidInput("note", _l("Say what is expected."))
    now = utcnow()
    tenant = _tenant(case)
    deadline = stages.start(tenant, case, stage, now)
    oversight = Oversight(
        case_id=case.id,
        kind=kind,
        department_id=case.department_id,
        deadline_id=deadline.id if deadline else None,
        note=note.strip(),
        by_id=actor.id,
    )
    db.session.add(oversight)
    db.session.flush()
    history.record(
        case,
        "urged" if kind == "urge" else "supervised",
        actor,
        body=note.strip(),
        changes={"due": [None, str(deadline.due_at) if deadline else None]},
    )
    people = alerts.responsible(case, Stage.RESULT)
    people += alerts.heads_of(case)
    for user in {u.id: u for u in people}.values():
        db.session.add(
            Notification(user_id=user.id, case_id=case.id, oversight_id=oversight.id, kind=kind)
        )
    outbox.after_commit("notify.oversight", oversight_id=oversight.id)
    return oversight


def pause_case(case: Case, actor: User, reason: str) -> Case:
    """Stop the clocks while waiting for the complainant (e.g. for documents)."""
    _check(case, actor, Action.PAUSE)
    if case.paused_at is not None:
        raise InvalidTransition(_l("The clocks of this case are already stopped."))
    if not reason.strip():
        raise InvalidInput("reason", _l("Say what the case is waiting for."))
    case.paused_at = utcnow()
    stages.pause(case, case.paused_at)
    history.record(case, "paused", actor, body=reason.strip(), public=True)
    return case


def resume_case(case: Case, actor: User) -> Case:
    """Restart the clocks; every running deadline moves on by the time spent waiting."""
    _check(case, actor, Action.RESUME)
    if case.paused_at is None:
        raise InvalidTransition(_l("The clocks of this case are running."))
    before = case.reply_due_at
    paused_at, case.paused_at = case.paused_at, None
    stages.resume(_tenant(case), case, paused_at, utcnow())
    history.record(
        case,
        "resumed",
        actor,
        public=True,
        changes=history.diff({"reply_due": before}, {"reply_due": case.reply_due_at}),
    )
    return case


def mark_repeat(case: Case, actor: User, earlier_number: str, defect: bool, note: str) -> Case:
    """Record that the case repeats an earlier complaint (重复投诉, CITY-6, PROP-12).

    When the complainant says the defect is still there, special measures are due within the
    policy's limit (PROP-12: 24 hours) and the case becomes urgent.
    """
    _check(case, actor, Action.MARK_REPEAT)
    if case.repeat_of_id is not None:
        raise InvalidTransition(_l("This case is already marked as a repeat complaint."))
    try:
        earlier = access.get_case_by_number(earlier_number)
    except NotFound:
        earlier = None
    if earlier is None or earlier.id == case.id or earlier.created_at > case.created_at:
        raise InvalidInput("earlier", _l("Give the number of an earlier case of ours."))
    case.repeat_of_id = earlier.id
    changes: dict = {"repeat_of": [None, earlier.number]}
    if defect:
        if case.priority is not Priority.URGENT:
            changes["priority"] = [case.priority.value, Priority.URGENT.value]
            case.priority = Priority.URGENT
        deadline = stages.start(_tenant(case), case, Stage.SPECIAL_MEASURES, utcnow())
        if deadline is not None:
            changes["special_measures_due"] = [None, deadline.due_at.isoformat(" ", "minutes")]
    history.record(case, "marked_repeat", actor, body=note.strip(), changes=changes)
    return case


def record_special_measures(case: Case, actor: User, measures: str) -> Case:
    """Record the special measures taken on a repeat complaint (特别措施, PROP-12)."""
    _check(case, actor, Action.SPECIAL_MEASURES)
    if stages.open_deadline(case, Stage.SPECIAL_MEASURES) is None:
        raise InvalidTransition(_l("No special measures are due on this case."))
    if not measures.strip():
        raise InvalidInput("measures", _l("Say what was done."))
    stages.finish(case, utcnow(), Stage.SPECIAL_MEASURES)
    history.record(case, "special_measures", actor, body=measures.strip())
    return case


def order_rectification(
    case: Case, actor: User, department_id: int, instructions: str
) -> Rectification:
    """Order the department at fault to rectify (整改, CO-6), with the policy's time limit."""
    _check(case, actor, Action.ORDER_RECTIFICATION)
    department = db.session.get(Department, department_id)
    if department is None or department.tenant_id != case.tenant_id:
        raise InvalidInput("department_id", _l("Choose a department from the list."))
    if not instructions.strip():
        raise InvalidInput("instructions", _l("Say what must be put right."))
    if open_rectification(case) is not None:
        raise InvalidTransition(_l("A rectification order on this case is still open."))
    rectification = Rectification(
        case_id=case.id,
        department_id=department.id,
        instructions=instructions.strip(),
        ordered_by_id=actor.id,
        ordered_at=utcnow(),
    )
    db.session.add(rectification)
    db.session.flush()  # alerts.responsible finds the unit through the open order
    deadline = stages.start(_tenant(case), case, Stage.RECTIFICATION, rectification.ordered_at)
    rectification.deadline_id = deadline.id if deadline else None
    history.record(
        case,
        "rectification_ordered",
        actor,
        body=instructions.strip(),
        changes={
            "department": [None, department.name],
            "due": [None, deadline.due_at.isoformat(" ", "minutes") if deadline else None],
        },
    )
    for user in alerts.heads_of_departments({department.id}):
        db.session.add(Notification(user_id=user.id, case_id=case.id, kind="rectification"))
    return rectification


def open_rectification(case: Case) -> Rectification | None:
    """The case's rectification order not yet reported done, if any."""
    return db.session.scalars(
        sa.select(Rectification).where(
            Rectification.case_id == case.id, Rectification.done_at.is_(None)
        )
    ).first()


def rectifications(case: Case) -> list[Rectification]:
    """The case's rectification orders, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Rectification)
            .where(Rectification.case_id == case.id)
            .order_by(Rectification.id)
        )
    )


def complete_rectification(case: Case, actor: User, report: str) -> Rectification:
    """The unit at fault reports the rectification done (整改完成); its deadline is met."""
    _check(case, actor, Action.RECTIFIED)
    rectification = open_rectification(case)
    if rectification is None:
        raise InvalidTransition(_l("There is no open rectification order on this case."))
    at_fault = rectification.department_id
    if actor.role in (Role.HANDLER, Role.DEPT_HEAD) and actor.department_id != at_fault:
        raise Forbidden(_l("Only the unit ordered to rectify may report it done."))
    if not report.strip():
        raise InvalidInput("report", _l("Say what was put right."))
    rectification.done_at, rectification.done_by_id = utcnow(), actor.id
    rectification.report = report.strip()
    stages.finish(case, rectification.done_at, Stage.RECTIFICATION)
    history.record(case, "rectified", actor, body=report.strip())
    return rectification


def _approvers(case: Case) -> list[User]:
    if policy.extension_approver(_tenant(case)) == "supervisor":
        return alerts.supervisors()
    return alerts.heads_of(case) or alerts.supervisors()


def _tenant(case: Case) -> Tenant:
    return db.session.get(Tenant, case.tenant_id)


def _start_work(case: Case, actor: User) -> None:
    # Any work by the handler answers an urging notice (催办回复).
    stages.finish(case, utcnow(), Stage.URGE_RESPONSE)
    if case.status is Status.DISPATCHED:
        case.status = Status.IN_PROGRESS
        history.record(
            case,
            "started",
            actor,
            public=True,
            changes={"status": [Status.DISPATCHED.value, Status.IN_PROGRESS.value]},
        )


def _name(obj: Department | User | None) -> str | None:
    return obj.name if obj is not None else None


STATUS_LABELS = {
    Status.ACCEPTED: _l("Accepted"),
    Status.DISPATCHED: _l("Dispatched"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.RESOLVED: _l("Resolved"),
    Status.AWAITING_REVISIT: _l("Awaiting revisit"),
    Status.CLOSED: _l("Closed"),
}


UNIT_LABELS = {
    Unit.MINUTES: _l("minutes"),
    Unit.HOURS: _l("hours"),
    Unit.CALENDAR_DAYS: _l("calendar days"),
    Unit.WORKING_DAYS: _l("working days"),
}


def unit_label(unit: Unit) -> str:
    """A time unit in the user's words."""
    return str(UNIT_LABELS[unit])


def status_label(status: Status) -> str:
    """The status in the user's words."""
    return str(STATUS_LABELS[status])
