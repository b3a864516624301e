"""Questions a revisit raises (PROP-7): one the revisitor cannot answer goes to management,
the person is told by when the answer will come, and management's answer is recorded.

Apart from casework.operations.revisits, which plans and records the revisits themselves.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tenants.db import db, utcnow
from tenants.models import Role, User

from .. import history, notifications
from ..errors import InvalidInput, InvalidTransition
from ..models import Revisit
from ..states import Action, EventKind, NotificationKind
from .guards import check
from .revisits import NOTE_LENGTH


def ask_management(revisit: Revisit, actor: User, question: str, answer_by: dt.date) -> Revisit:
    """A question the revisitor cannot answer goes to management (PROP-7); the person is
    told by when the answer will come, and the managers are told in the bell."""
    case = revisit.case
    check(case, actor, Action.REVISIT)
    question = question.strip()
    if not question:
        raise InvalidInput("question", _l("Write down the question."))
    if len(question) > NOTE_LENGTH:
        raise InvalidInput(
            "question", _l("Please keep it to %(count)d characters or fewer.", count=NOTE_LENGTH)
        )
    if answer_by < utcnow().date():
        raise InvalidInput("answer_by", _l("Promise a date to come."))
    revisit.question, revisit.answer_by = question, answer_by
    revisit.answer, revisit.answered_at = "", None
    history.record(
        case,
        EventKind.REVISIT_QUESTION,
        actor,
        body=question,
        changes={"answer_by": answer_by.isoformat()},
    )
    managers = db.session.scalars(
        sa.select(User).where(
            User.active.is_(True), User.holding(Role.SUPERVISOR, Role.ADMIN), User.id != actor.id
        )
    )
    notifications.tell(managers, case, NotificationKind.REVISIT_QUESTION)
    return revisit


def answer_question(revisit: Revisit, actor: User, answer: str) -> Revisit:
    """Management's answer to the question a revisit raised (PROP-7)."""
    if not actor.has_role(Role.SUPERVISOR, Role.ADMIN):
        check(revisit.case, actor, Action.REVISIT)
    if not revisit.question or revisit.answered_at is not None:
        raise InvalidTransition(_l("There is no open question on this revisit."))
    answer = answer.strip()
    if not answer:
        raise InvalidInput("answer", _l("Write the answer."))
    revisit.answer, revisit.answered_at = answer[:NOTE_LENGTH], utcnow()
    history.record(revisit.case, EventKind.QUESTION_ANSWERED, actor, body=revisit.answer)
    return revisit
