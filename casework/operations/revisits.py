"""Revisits (回访, CO-7): asking the complainant, after the result, whether it was put right.

Revisit plans, sampling and questionnaires will join the single revisit here.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tenants.db import db, utcnow
from tenants.models import User

from .. import history, stages
from ..errors import InvalidInput
from ..models import Case, Revisit
from ..states import Action, Closure, ContactMethod, EventKind, Stage, Status
from . import closing
from .guards import check

# A text message cannot carry a revisit's conversation.
REVISIT_METHODS = (ContactMethod.PHONE, ContactMethod.EMAIL, ContactMethod.VISIT)


def record_revisit(
    case: Case,
    actor: User,
    method: str,
    reached: bool,
    satisfaction: int | None = None,
    comments: str = "",
) -> Revisit:
    """Record a revisit (回访, CO-7); reaching the complainant closes and archives the case."""
    check(case, actor, Action.REVISIT)
    if method not in REVISIT_METHODS:
        raise InvalidInput("method", _l("Choose how the revisit was made."))
    if reached and (satisfaction is None or not 1 <= satisfaction <= 5):
        raise InvalidInput("satisfaction", _l("Give the satisfaction score from 1 to 5."))
    if not reached:
        satisfaction = None
    revisit = Revisit(
        tenant_id=case.tenant_id,
        case_id=case.id,
        method=ContactMethod(method),
        reached=reached,
        satisfaction=satisfaction,
        comments=comments.strip(),
        by_id=actor.id,
    )
    db.session.add(revisit)
    history.record(
        case,
        EventKind.REVISIT,
        actor,
        body=comments.strip(),
        changes={
            "method": ContactMethod(method).value,
            "reached": reached,
            "satisfaction": satisfaction,
        },
    )
    if reached and case.status is Status.CLOSED:
        # Answered at once (CITY-3): closed at intake, its revisit now made.
        case.satisfaction = satisfaction
        stages.finish(case, utcnow(), Stage.REVISIT)
    elif reached:
        case.satisfaction = satisfaction
        closing.close(case, Closure.REVISITED, utcnow())
        stages.finish(case, case.closed_at, Stage.REVISIT)
        history.record(
            case,
            EventKind.CLOSED,
            actor,
            public=True,
            changes={"status": [Status.AWAITING_REVISIT.value, Status.CLOSED.value]},
        )
    return revisit
