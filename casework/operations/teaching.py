"""Teaching cases (教学案例, HOSP-12): worked cases staff training learns from.

A department head, supervisor or admin marks a case whose handling holds a lesson, and
writes the lesson in a few sentences for staff who never saw the case. The mark is an
annotation, not a change of the case's handling, so an archived case takes it too; the
lesson is what the training list shows.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tenants.models import User

from .. import history
from ..errors import InvalidInput
from ..models import Case
from ..states import Action, EventKind
from .guards import check

LESSON_LENGTH = 1000


def mark_teaching(case: Case, actor: User, teaching: bool, lesson: str = "") -> Case:
    """Mark the case as a teaching case with its lesson, change the lesson, or unmark it.

    A teaching case needs its lesson; unmarking keeps the lesson's text in the history only.
    """
    check(case, actor, Action.MARK_TEACHING)
    lesson = lesson.strip()
    if teaching and not lesson:
        raise InvalidInput("lesson", _l("Write the lesson staff should learn from this case."))
    if len(lesson) > LESSON_LENGTH:
        raise InvalidInput(
            "lesson", _l("Please keep it to %(count)d characters or fewer.", count=LESSON_LENGTH)
        )
    if not teaching:
        lesson = ""
    if (case.teaching, case.lesson) == (teaching, lesson):
        raise InvalidInput("lesson", _l("Nothing changed."))
    before = {"teaching": case.teaching, "lesson": case.lesson or None}
    case.teaching, case.lesson = teaching, lesson
    history.record(
        case,
        EventKind.TEACHING,
        actor,
        body=lesson,
        changes=history.diff(before, {"teaching": teaching, "lesson": lesson or None}),
    )
    return case
