"""Repeat complaints (重复投诉, CITY-6, PROP-12) and the special measures they may call for."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tenants.db import utcnow
from tenants.models import User

from .. import access, history, stages
from ..errors import InvalidInput, InvalidTransition, NotFound
from ..models import Case
from ..states import Action, EventKind, Priority, Stage
from .guards import Facts, check, precondition


@precondition(Action.MARK_REPEAT)
def _not_marked(facts: Facts, _actor: User) -> None:
    if facts.case.repeat_of_id is not None:
        raise InvalidTransition(_l("This case is already marked as a repeat complaint."))


def mark_repeat(case: Case, actor: User, earlier_number: str, defect: bool, note: str) -> Case:
    """Record that the case repeats an earlier complaint (重复投诉, CITY-6, PROP-12).

    When the complainant says the defect is still there, special measures are due within the
    policy's limit (PROP-12: 24 hours) and the case becomes urgent.
    """
    check(case, actor, Action.MARK_REPEAT)
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
        deadline = stages.start(case.tenant, case, Stage.SPECIAL_MEASURES, utcnow())
        if deadline is not None:
            changes["special_measures_due"] = [None, deadline.due_at.isoformat(" ", "minutes")]
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
