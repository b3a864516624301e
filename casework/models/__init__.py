"""The case lifecycle's tables, every one tenant-scoped, in modules by what they record.

Import models from here (``from casework.models import Case``); the modules are how the
file is kept readable, not a second address.
"""

from .cases import Attachment, Case, CaseCounter, CaseEvent, Category
from .catalogue import Cause, RoutingRule
from .delivery import Letter, Message, Notification, PendingJob
from .disclosure import PersonalDataAccess
from .dossiers import Dossier
from .imports import ServiceImport
from .improvements import ImprovementAction, ImprovementEvent
from .inbound import InboundMail, Mailbox, MailOutcome
from .investigation import Assist, CaseMember
from .lookups import LookupFailures
from .plans import Plan
from .repeats import RepeatContact
from .review import DayReview
from .revisits import Revisit, RevisitAttempt, SampleDraw
from .search import CaseSearch
from .summary_reports import SummaryReport
from .timing import Alert, CalendarDay, Deadline, Extension, Oversight, Rectification
from .watches import RepairWatch, WatchInspection

__all__ = [
    "Alert",
    "Assist",
    "Attachment",
    "CalendarDay",
    "Case",
    "CaseCounter",
    "CaseEvent",
    "CaseMember",
    "DayReview",
    "CaseSearch",
    "Category",
    "Cause",
    "Deadline",
    "Dossier",
    "SummaryReport",
    "Extension",
    "ImprovementAction",
    "ImprovementEvent",
    "InboundMail",
    "Letter",
    "LookupFailures",
    "MailOutcome",
    "Mailbox",
    "Message",
    "Notification",
    "Oversight",
    "PendingJob",
    "Plan",
    "PersonalDataAccess",
    "Rectification",
    "RepairWatch",
    "RepeatContact",
    "Revisit",
    "RevisitAttempt",
    "SampleDraw",
    "ServiceImport",
    "RoutingRule",
    "WatchInspection",
]
