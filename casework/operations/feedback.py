"""A complainant not satisfied with the result (不满意解释, MALL-6).

The result was sent and the complainant says it does not satisfy them. Staff give a patient
explanation and guide them to a reasonable claim, and both are recorded. Then the case goes
back to handling for a new result, or it is closed as explained (解释结案) — whichever the
tenant's policy allows (``not_satisfied``: "reopen", "close", or "choose" for staff to
decide case by case).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tenants.db import db, utcnow
from tenants.models import User

from .. import history, stages
from ..errors import InvalidInput
from ..models import Case, Revisit
from ..states import Action, Closure, EventKind, Outcome, RevisitStatus, Stage, Status
from . import closing
from .guards import check

TEXT_LENGTH = 2000


def outcomes(case: Case) -> tuple[Outcome, ...]:
    """What the tenant's policy lets staff do after explaining: reopen, close, or either."""
    policy = case.tenant.config.not_satisfied
    return tuple(Outcome) if policy == "choose" else (Outcome(policy),)


def record_not_satisfied(
    case: Case, actor: User, explanation: str, claim: str, outcome: str = ""
) -> Case:
    """Record the explanation given and the complainant's claim; reopen or close the case.

    With one outcome allowed by the policy, ``outcome`` may be left empty; with a choice it
    must name one. Reopening starts a new round of handling (a new result, letter and
    mail) with its own reply deadline; closing archives the case as explained, without the
    revisit it was waiting for.
    """
    check(case, actor, Action.NOT_SATISFIED)
    explanation, claim = explanation.strip(), claim.strip()
    if not explanation:
        raise InvalidInput("explanation", _l("Say what was explained to the complainant."))
    if not claim:
        raise InvalidInput("claim", _l("Record what the complainant asks for."))
    for field, text in (("explanation", explanation), ("claim", claim)):
        if len(text) > TEXT_LENGTH:
            raise InvalidInput(
                field, _l("Please keep it to %(count)d characters or fewer.", count=TEXT_LENGTH)
            )
    allowed = outcomes(case)
    chosen = next((o for o in allowed if o.value == outcome), None)
    if chosen is None and not outcome and len(allowed) == 1:
        chosen = allowed[0]
    if chosen is None:
        raise InvalidInput("outcome", _l("Choose whether the case goes back to handling."))

    now = utcnow()
    stages.finish(case, now, Stage.REVISIT)
    before = case.status
    history.record(
        case,
        EventKind.EXPLAINED,
        actor,
        body=explanation,
        changes={"claim": claim, "outcome": chosen.value},
    )
    if chosen is Outcome.REOPEN:
        reopen(case, actor, now)
    else:
        closing.close(case, Closure.EXPLAINED, now)
        history.record(
            case,
            EventKind.CLOSED,
            actor,
            public=True,
            changes={
                "status": [before.value, case.status.value],
                "closure": Closure.EXPLAINED.value,
            },
        )
    return case


def reopen(case: Case, actor: User, now: dt.datetime) -> None:
    """Send a case whose result was recorded, sent or archived back to handling (重新办理).

    A new round of handling when the result was sent (its own result letter and mail, the
    earlier ones kept as sent), with its own reply deadline; an archived case is open again.
    A case never dispatched (closed at intake) goes back to waiting for dispatch. One
    REOPENED entry, which the complainant sees. Used after "not satisfied" (MALL-6) and by a
    repeat contact saying the defect is still there (CITY-6, PROP-12).
    """
    before, due_before = case.status, case.reply_due_at
    stages.finish(case, now, Stage.REVISIT)
    # The revisits planned for the round that failed are not made: the new round's result
    # plans its own.
    db.session.execute(
        sa.update(Revisit)
        .where(Revisit.case_id == case.id, Revisit.status == RevisitStatus.PLANNED)
        .values(status=RevisitStatus.CANCELLED)
        .execution_options(synchronize_session="fetch")
    )
    if case.result_sent_at is not None:
        case.result_round += 1
        case.result_sent_at = None
    case.closure, case.closed_at = None, None
    if case.department_id is None and case.handler_id is None:
        case.status = Status.ACCEPTED
        stages.start(case.tenant, case, Stage.DISPATCH, now)
    else:
        case.status = Status.IN_PROGRESS
    deadline = stages.start(case.tenant, case, Stage.RESULT, now)
    if deadline is not None:
        case.reply_due_at = deadline.due_at
    history.record(
        case,
        EventKind.REOPENED,
        actor,
        public=True,
        changes={
            "status": [before.value, case.status.value],
            **history.diff({"reply_due": due_before}, {"reply_due": case.reply_due_at}),
        },
    )
