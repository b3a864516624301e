"""The label book: every word of the domain's vocabulary in the user's language.

One table per enum, keyed by its members, so a status, stage or history entry is named the
same on the desk, the portal, letters and emails, and a member without a label is caught by
a test (tests/casework/test_labels.py) instead of showing a raw key. Labels are lazy strings:
they come out in the language of whoever reads them.
"""

from __future__ import annotations

import enum
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from tenants.models import Role

from .deadlines import Unit
from .states import (
    Action,
    AttachmentSource,
    CallOutcome,
    CaseKind,
    Channel,
    Closure,
    ContactMethod,
    DeadlineState,
    DossierState,
    EventKind,
    Finding,
    GroupRole,
    NotificationKind,
    Occasion,
    Outcome,
    PlanState,
    Priority,
    RemedyType,
    RevisitStatus,
    Stage,
    Status,
    WatchFinding,
)

STATUS = {
    Status.ACCEPTED: _l("Accepted"),
    Status.DISPATCHED: _l("Dispatched"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.RESOLVED: _l("Resolved"),
    Status.AWAITING_REVISIT: _l("Awaiting revisit"),
    Status.CLOSED: _l("Closed"),
}
CHANNEL = {
    Channel.WEB: _l("Web form"),
    Channel.PHONE: _l("Phone"),
    Channel.HOTLINE: _l("Hotline"),
    Channel.WALK_IN: _l("In person"),
    Channel.LETTER: _l("Letter"),
    Channel.EMAIL: _l("Email"),
    Channel.COMPLAINT_BOX: _l("Complaint box"),
}
STAGE = {
    Stage.ACCEPTANCE: _l("Acceptance"),
    Stage.DISPATCH: _l("Dispatch"),
    Stage.FIRST_CONTACT: _l("First contact"),
    Stage.RESULT: _l("Reply with the result"),
    Stage.REVISIT: _l("Revisit"),
    Stage.SPECIAL_MEASURES: _l("Special measures"),
    Stage.RECTIFICATION: _l("Rectification"),
    Stage.URGE_RESPONSE: _l("Answer the urging notice"),
    Stage.SUPERVISION: _l("Supervised result"),
    Stage.PLAN_APPROVAL: _l("Approve the handling plan"),
    Stage.ASSIST: _l("Assisting unit's answer"),
    Stage.ON_SITE: _l("Arrival on site"),
}
# The policy's limit on extensions sits beside the stages' limits in the admin's form.
EXTENSION_LIMIT = _l("Longest extension")
RETURN_LIMIT = _l("Time to return a misrouted case")
PRIORITY = {Priority.NORMAL: _l("Normal"), Priority.URGENT: _l("Urgent")}
ROLE = {
    Role.INTAKE: _l("Intake clerk"),
    Role.HANDLER: _l("Handler"),
    Role.DEPT_HEAD: _l("Department head"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.ADMIN: _l("Tenant admin"),
}
EVENT_KIND = {
    EventKind.ACCEPTED: _l("Complaint accepted"),
    EventKind.DISPATCHED: _l("Dispatched"),
    EventKind.TAKEN: _l("Taken by a handler of the department"),
    EventKind.STARTED: _l("Handling started"),
    EventKind.NOTE: _l("Investigation note"),
    EventKind.CONTACT: _l("Contact with the complainant"),
    EventKind.RESULT: _l("Result recorded"),
    EventKind.RESULT_SENT: _l("Result sent to the complainant"),
    EventKind.REVISIT: _l("Revisit"),
    EventKind.CLOSED: _l("Closed and archived"),
    EventKind.EXTENSION_REQUESTED: _l("Extension requested"),
    EventKind.EXTENDED: _l("Reply date extended"),
    EventKind.EXTENSION_REFUSED: _l("Extension refused"),
    EventKind.URGED: _l("Urging notice sent"),
    EventKind.SUPERVISED: _l("Put under supervision"),
    EventKind.PAUSED: _l("Clocks stopped: waiting for the complainant"),
    EventKind.RESUMED: _l("Clocks restarted"),
    EventKind.MARKED_REPEAT: _l("Marked as a repeat complaint"),
    EventKind.SPECIAL_MEASURES: _l("Special measures taken"),
    EventKind.RECTIFICATION_ORDERED: _l("Rectification ordered"),
    EventKind.RECTIFIED: _l("Rectification reported done"),
    EventKind.COMPLAINANT_ADDED: _l("Information added by the complainant"),
    EventKind.EXPLAINED: _l("Not satisfied: explanation given"),
    EventKind.REOPENED: _l("Back to handling for a new result"),
    EventKind.TEACHING: _l("Teaching case"),
    EventKind.PLAN_DRAFTED: _l("Handling plan drafted"),
    EventKind.PLAN_SUBMITTED: _l("Handling plan submitted for approval"),
    EventKind.PLAN_APPROVED: _l("Handling plan approved"),
    EventKind.PLAN_RETURNED: _l("Handling plan returned for revision"),
    EventKind.REFERRED_UP: _l("Referred up"),
    EventKind.RESTRICTED: _l("Restricted to the named managers"),
    EventKind.RESTRICTION_LIFTED: _l("Restriction lifted"),
    EventKind.ASSIST_ASKED: _l("Assisting unit asked"),
    EventKind.ASSIST_ANSWERED: _l("Assisting unit answered"),
    EventKind.ASSIST_WITHDRAWN: _l("Assist closed unanswered"),
    EventKind.MEMBER_ADDED: _l("Investigation group member added"),
    EventKind.MEMBER_REMOVED: _l("Investigation group member removed"),
    EventKind.EVIDENCE_ADDED: _l("Evidence added"),
    EventKind.RETURNED: _l("Returned to dispatch"),
    EventKind.ARRIVED: _l("Arrived on site"),
    EventKind.ANSWERED_AT_ONCE: _l("Answered at once"),
    EventKind.REPEAT_CONTACT: _l("Repeat contact"),
    EventKind.MERGED: _l("Merged into another case"),
    EventKind.MERGED_IN: _l("Another case merged into this one"),
    EventKind.REFERRED_OUT: _l("Referred to another body"),
    EventKind.RETURNED_UPSTREAM: _l("Returned to the forwarding office"),
    EventKind.SERVICE_RECORDED: _l("Service recorded"),
    EventKind.REVISIT_PLANNED: _l("Revisit planned"),
    EventKind.REVISIT_CALL: _l("Revisit attempt"),
    EventKind.REVISIT_LINK_SENT: _l("Questionnaire sent"),
    EventKind.REVISIT_SCHEDULED: _l("Home visit booked"),
    EventKind.REVISIT_UNREACHABLE: _l("Revisit gave up: unreachable"),
    EventKind.REVISIT_QUESTION: _l("Question for management"),
    EventKind.QUESTION_ANSWERED: _l("Management answered the question"),
    EventKind.WATCH_STARTED: _l("Put under watch"),
    EventKind.WATCH_INSPECTED: _l("Watch inspection"),
    EventKind.WATCH_CLOSED: _l("Watch closed"),
}
ACTION = {
    Action.DISPATCH: _l("Dispatch"),
    Action.TAKE: _l("Take this case"),
    Action.NOTE: _l("Investigation note"),
    Action.CONTACT: _l("Contact with the complainant"),
    Action.RESULT: _l("Result and remedy"),
    Action.SEND_RESULT: _l("Send the result to the complainant"),
    Action.REVISIT: _l("Revisit"),
    Action.EXTEND: _l("Ask for more time"),
    Action.DECIDE_EXTENSION: _l("Decide the extension request"),
    Action.URGE: _l("Urge the handler"),
    Action.SUPERVISE: _l("Put under supervision"),
    Action.PAUSE: _l("Stop the clocks: waiting for the complainant"),
    Action.RESUME: _l("Restart the clocks"),
    Action.MARK_REPEAT: _l("Mark as a repeat complaint"),
    Action.SPECIAL_MEASURES: _l("Special measures"),
    Action.ORDER_RECTIFICATION: _l("Order rectification"),
    Action.RECTIFIED: _l("Report the rectification done"),
    Action.NOT_SATISFIED: _l("Not satisfied with the result"),
    Action.MARK_TEACHING: _l("Teaching case"),
    Action.DRAFT_PLAN: _l("Handling plan"),
    Action.SUBMIT_PLAN: _l("Submit the plan for approval"),
    Action.DECIDE_PLAN: _l("Decide the handling plan"),
    Action.REFER_UP: _l("Refer up"),
    Action.RESTRICT: _l("Mark sensitive"),
    Action.LIFT_RESTRICTION: _l("Lift the restriction"),
    Action.ASK_ASSIST: _l("Ask another unit to assist"),
    Action.ANSWER_ASSIST: _l("Answer as assisting unit"),
    Action.ADD_MEMBER: _l("Add to the investigation group"),
    Action.REMOVE_MEMBER: _l("Remove from the investigation group"),
    Action.ADD_EVIDENCE: _l("Add evidence"),
    Action.RETURN_CASE: _l("Return to dispatch"),
    Action.ARRIVE: _l("Record arrival on site"),
    Action.REPEAT_CONTACT: _l("Add a repeat contact"),
    Action.MERGE: _l("Merge into another case"),
    Action.REFER_OUT: _l("Refer out of scope"),
    Action.RETURN_UPSTREAM: _l("Return to the forwarding office"),
}
CONTACT_METHOD = {
    ContactMethod.PHONE: _l("Phone"),
    ContactMethod.EMAIL: _l("Email"),
    ContactMethod.SMS: _l("Text message"),
    ContactMethod.VISIT: _l("Home or site visit"),
}
NOTIFICATION_KIND = {
    NotificationKind.REMINDER: _l("Reminder"),
    NotificationKind.OVERDUE: _l("Overdue"),
    NotificationKind.ESCALATION: _l("Escalation"),
    NotificationKind.EXTENSION: _l("Extension request"),
    NotificationKind.URGE: _l("Urging notice"),
    NotificationKind.SUPERVISE: _l("Supervision"),
    NotificationKind.RECTIFICATION: _l("Rectification order"),
    NotificationKind.COMPLAINANT_INFO: _l("Information from the complainant"),
    NotificationKind.PLAN: _l("Handling plan"),
    NotificationKind.REFERRAL: _l("Case referred up to you"),
    NotificationKind.ASSIST: _l("Request to assist"),
    NotificationKind.RETURNED: _l("Case returned for re-dispatch"),
    NotificationKind.REPEAT_CONTACT: _l("Repeat contact: call the complainant back"),
    NotificationKind.REVISIT_QUESTION: _l("A question from a revisit to answer"),
}
DEADLINE_STATE = {
    DeadlineState.OK: _l("running"),
    DeadlineState.SOON: _l("Due soon"),
    DeadlineState.OVERDUE: _l("Overdue"),
    DeadlineState.ON_TIME: _l("on time"),
    DeadlineState.LATE: _l("late"),
}
FINDING = {
    Finding.VALID: _l("Valid"),
    Finding.PARTLY_VALID: _l("Partly valid"),
    Finding.NOT_VALID: _l("Not valid (not the organisation's responsibility)"),
}
REMEDY_TYPE = {
    RemedyType.APOLOGY: _l("Apology"),
    RemedyType.REPAIR: _l("Repair"),
    RemedyType.REPLACEMENT: _l("Replacement"),
    RemedyType.REFUND: _l("Refund"),
    RemedyType.COMPENSATION: _l("Compensation"),
    RemedyType.OTHER: _l("Other remedy"),
}
CLOSURE = {
    Closure.REVISITED: _l("Closed after the revisit"),
    Closure.EXPLAINED: _l("Closed as explained"),
    Closure.ANSWERED_AT_ONCE: _l("Answered at once"),
    Closure.MERGED: _l("Closed as merged into another case"),
    Closure.REFERRED_OUT: _l("Closed as referred out"),
    Closure.RETURNED_UPSTREAM: _l("Closed as returned to the forwarding office"),
    Closure.COMPLETED: _l("Service completed"),
    Closure.NOT_REACHED: _l("Closed: the revisit could not reach the person"),
}
# Revisits (回访): what a case records, where a revisit stands, what an attempt came to.
CASE_KIND = {
    # The kind of case, not the complaint's text (which "Complaint" names elsewhere).
    CaseKind.COMPLAINT: lazy_pgettext("case kind", "Complaint"),
    CaseKind.WORK_ORDER: _l("Repair work order"),
    CaseKind.CONTRACTED: _l("Contracted service"),
    CaseKind.HELP: _l("Help request"),
    CaseKind.EVENT: _l("Community event"),
    CaseKind.NEW_CUSTOMER: _l("New customer"),
    CaseKind.HIGH_VALUE: _l("High-value customer"),
    CaseKind.OTHER: _l("Other service"),
}
REVISIT_STATUS = {
    RevisitStatus.PLANNED: _l("To revisit"),
    RevisitStatus.DONE: _l("Revisited"),
    RevisitStatus.UNREACHABLE: _l("Unreachable"),
    RevisitStatus.CANCELLED: _l("Cancelled"),
}
CALL_OUTCOME = {
    CallOutcome.REACHED: _l("Reached"),
    CallOutcome.NO_ANSWER: _l("No answer"),
    CallOutcome.WRONG_NUMBER: _l("Wrong number"),
    CallOutcome.REFUSED: _l("Refused the revisit"),
    CallOutcome.ANSWERED_ONLINE: _l("Answered the questionnaire"),
}
OCCASION = {
    Occasion.AFTER_HANDLING: _l("After handling"),
    Occasion.AFTER_SERVICE: _l("After the service"),
    Occasion.MID_CONTRACT: _l("Mid-contract"),
    Occasion.CONTRACT_END: _l("At the contract's end"),
    Occasion.PERIODIC: _l("Periodic"),
}
OUTCOME = {
    Outcome.REOPEN: _l("Back to handling for a new result"),
    Outcome.CLOSE: _l("Close the case as explained"),
}
PLAN_STATE = {
    PlanState.DRAFTED: _l("Draft"),
    PlanState.SUBMITTED: _l("Waiting for approval"),
    PlanState.APPROVED: _l("Approved"),
    PlanState.RETURNED: _l("Returned for revision"),
    PlanState.SUPERSEDED: _l("Replaced by a newer draft"),
}
UNIT = {
    Unit.MINUTES: _l("minutes"),
    Unit.HOURS: _l("hours"),
    Unit.CALENDAR_DAYS: _l("calendar days"),
    Unit.WORKING_DAYS: _l("working days"),
    Unit.MONTHS: _l("months"),
}
DOSSIER_STATE = {
    DossierState.QUEUED: _l("Waiting to be built"),
    DossierState.BUILDING: _l("Being built"),
    DossierState.DONE: _l("Ready"),
    DossierState.FAILED: _l("Could not be built"),
}

# Every enum the book names, with its table: what label() and the completeness test read.
GROUP_ROLE = {GroupRole.LEAD: _l("Group lead"), GroupRole.MEMBER: _l("Group member")}
ATTACHMENT_SOURCE = {
    AttachmentSource.INTAKE: _l("with the complaint"),
    AttachmentSource.COMPLAINANT: _l("added by the complainant"),
    AttachmentSource.EVIDENCE: _l("evidence from staff"),
    AttachmentSource.ASSIST: _l("with an assisting unit's answer"),
}
WATCH_FINDING = {
    WatchFinding.HOLDING: _l("The repair holds"),
    WatchFinding.SIGNS: _l("Early signs, watch closer"),
    WatchFinding.RECURRED: _l("The defect is back"),
}

BOOK: dict[type[enum.Enum], dict[Any, Any]] = {
    Status: STATUS,
    Channel: CHANNEL,
    Stage: STAGE,
    Priority: PRIORITY,
    Role: ROLE,
    EventKind: EVENT_KIND,
    Action: ACTION,
    ContactMethod: CONTACT_METHOD,
    NotificationKind: NOTIFICATION_KIND,
    DeadlineState: DEADLINE_STATE,
    Finding: FINDING,
    RemedyType: REMEDY_TYPE,
    Unit: UNIT,
    Closure: CLOSURE,
    Outcome: OUTCOME,
    DossierState: DOSSIER_STATE,
    PlanState: PLAN_STATE,
    GroupRole: GROUP_ROLE,
    AttachmentSource: ATTACHMENT_SOURCE,
    CaseKind: CASE_KIND,
    RevisitStatus: REVISIT_STATUS,
    CallOutcome: CALL_OUTCOME,
    Occasion: OCCASION,
    WatchFinding: WATCH_FINDING,
}

# The fields a history entry's before/after may name (its ``changes`` keys).
CHANGE_FIELD = {
    "status": _l("Status"),
    "channel": _l("Channel"),
    "department": _l("Department"),
    "handler": _l("Handler"),
    "method": _l("Method"),
    "reached": _l("Reached"),
    "resent": _l("Sent again"),
    "satisfaction": _l("Satisfaction"),
    "remedy": _l("Remedy"),
    "finding": _l("Finding"),
    "cause": _l("Cause"),
    "cause_analysis": _l("Cause analysis"),
    "remedy_type": _l("Remedy type"),
    "remedy_amount": _l("Amount"),
    "remedy_approved_by": _l("Remedy approved by"),
    "days": _l("Days"),
    "due": _l("Due"),
    "reply_due": _l("Reply due"),
    "received": _l("Received"),
    "repeat_of": _l("Repeats"),
    "priority": _l("Priority"),
    "special_measures_due": _l("Special measures due"),
    # A file the complainant added (补充材料): its name, and the row it is stored as.
    "attachment": _l("Attachments"),
    "attachment_id": _l("Attachment number"),
    "claim": _l("The complainant's claim"),
    "outcome": _l("Then"),
    "closure": _l("Closed as"),
    "teaching": _l("Teaching case"),
    "lesson": _l("Lesson"),
    # A handling plan's version and state, and who a case was referred up to.
    "plan": _l("Plan version"),
    "plan_state": _l("Plan state"),
    "approver": _l("Approver"),
    "measures": _l("Measures"),
    # A restricted case (PROP-3): whether it is, about whom, why; the manager it was made to.
    "restricted": _l("Restricted"),
    "subject": _l("About staff member"),
    "restricted_reason": _l("Reason for restriction"),
    "direct_manager": _l("Made directly to manager"),
    "assist_department": _l("Assisting unit"),
    "answered": _l("Answered"),
    "not_waiting_reason": _l("Why the result did not wait"),
    "member": _l("Group member"),
    "group_role": _l("Role in the group"),
    "late": _l("Answered late"),
    # 到达现场 (CITY-8): when the handler reached the scene, and whether within the limit.
    "arrived": _l("Arrived on site"),
    "on_site_late": _l("Arrived late"),
    # Repeat contacts and merges (CITY-6): the count, the cases joined, the defect still there.
    "repeat_count": _l("Repeat contacts"),
    "merged_into": _l("Merged into"),
    "merged_from": _l("Merged from"),
    "defect": _l("Defect still there"),
    "reopened": _l("Reopened"),
    # Out of scope (CITY-5): the body the person was referred to, the forwarding office.
    "referred_to": _l("Referred to"),
    "referred_contact": _l("Its contact"),
    "forwarded_by": _l("Forwarded by"),
    "forwarded_ref": _l("Their reference"),
    "suggested_destination": _l("Suggested destination"),
    # Revisits: the kind of record, why a revisit is due, how an attempt went, the answers.
    "kind": _l("Kind"),
    "occasion": _l("Occasion"),
    "call_outcome": _l("Outcome"),
    "attempt": _l("Attempt"),
    "solved": _l("Problem solved"),
    "revisitor": _l("Revisitor"),
    "visit_at": _l("Visit at"),
    "visit_address": _l("Visit address"),
    "answer_by": _l("Answer promised by"),
    "sample": _l("Sample draw"),
    "completed": _l("Completed"),
    "source_ref": _l("Order number"),
    # Watches of important repairs (PROP-11): who inspects, how often, what was found.
    "inspector": _l("Inspector"),
    "interval_days": _l("Inspect every (days)"),
    "next_due": _l("Next inspection by"),
    "watch_subject": _l("Watched for"),
    "inspected_on": _l("Inspected on"),
    "watch_finding": _l("Finding"),
    "close_reason": _l("Reason"),
}
# Change fields that hold a member of an enum, stored by value in the history's JSON.
CHANGE_ENUMS: dict[str, type[enum.Enum]] = {
    "status": Status,
    "channel": Channel,
    "method": ContactMethod,
    "priority": Priority,
    "finding": Finding,
    "remedy_type": RemedyType,
    "closure": Closure,
    "outcome": Outcome,
    "plan_state": PlanState,
    "group_role": GroupRole,
    "kind": CaseKind,
    "occasion": Occasion,
    "call_outcome": CallOutcome,
    "watch_finding": WatchFinding,
}
# Change fields that hold a time, stored as naive UTC text.
CHANGE_TIMES = frozenset(
    {
        "due",
        "reply_due",
        "received",
        "special_measures_due",
        "answered",
        "arrived",
        "visit_at",
        "completed",
    }
)


def label(member: enum.Enum) -> str:
    """The member's label in the user's language."""
    return str(BOOK[type(member)][member])


def choices(enum_class: type[enum.Enum], members: Any = None) -> list[tuple[str, Any]]:
    """(value, label) pairs for a form's list, in the enum's order or the order given."""
    table = BOOK[enum_class]
    return [(m.value, table[m]) for m in (members if members is not None else enum_class)]
