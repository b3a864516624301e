"""Answered at once (当场答复, CITY-3, PROP-1): a question answered or a request solved
during the call or the visit.

It is still a case: numbered, counted, its history saying it was opened, answered at once
and closed. It is closed at intake with the answer given as its result; the receipt letter
goes out only when the complainant asks for one; and when the tenant's policy sets a
revisit limit the revisit deadline starts, so the case is revisited as any other (PROP-9,
PROP-10: every complaint is revisited). The revisit of such a case is the one action a
closed case may still take: it meets the revisit deadline and leaves the case closed.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tenants.models import Tenant, User

from .. import history, labels, queries, stages
from ..errors import InvalidInput, InvalidTransition
from ..models import Case
from ..states import Action, Closure, EventKind, Stage, Status
from . import closing, intake, revisits
from .guards import Facts, precondition

ANSWER_LENGTH = 2000
# Every stage intake opens is met by the answer: nothing is left to dispatch or reply.
_MET_AT_INTAKE = (Stage.ACCEPTANCE, Stage.DISPATCH, Stage.FIRST_CONTACT, Stage.RESULT)


def check_answer(answer: str) -> str:
    """The answer given, stripped, or InvalidInput: required, and of a sensible length."""
    answer = answer.strip()
    if not answer:
        raise InvalidInput("answer", _l("Say what the caller was told or what was done."))
    if len(answer) > ANSWER_LENGTH:
        raise InvalidInput(
            "answer", _l("Please keep it to %(count)d characters or fewer.", count=ANSWER_LENGTH)
        )
    return answer


def answer_at_once(
    tenant: Tenant,
    complaint: intake.Complaint,
    answer: str,
    actor: User,
    *,
    receipt: bool = False,
) -> Case:
    """Record a complaint answered during the call or visit: opened, answered, closed.

    ``receipt`` asks for the acknowledgement letter, as the complainant wishes. The revisit
    deadline starts when the policy sets one for the case.
    """
    answer = check_answer(answer)
    if complaint.direct_manager_id:
        raise InvalidInput(
            "direct_manager_id", _l("A case answered at once is not handed to a manager.")
        )
    case = intake.open_case(tenant, complaint, actor, receipt=receipt)
    now = case.accepted_at
    stages.finish(case, now, *_MET_AT_INTAKE)
    # The answer is the result, told already; no result letter follows (result_sent_at is
    # the sending of that letter, and stays empty).
    case.result_text = answer
    case.result_at = now
    case.answered_at_once = True
    history.record(
        case,
        EventKind.ANSWERED_AT_ONCE,
        actor,
        body=answer,
        public=True,
        changes={"receipt": receipt},
    )
    revisit = stages.start(tenant, case, Stage.REVISIT, now)
    revisits.plan_after_handling(case, revisit, actor)
    before = closing.close(case, Closure.ANSWERED_AT_ONCE, now)
    history.record(
        case,
        EventKind.CLOSED,
        actor,
        public=True,
        changes={
            "status": [before.value, Status.CLOSED.value],
            "closure": Closure.ANSWERED_AT_ONCE.value,
            **({"revisit_due": revisit.due_at.isoformat(" ", "minutes")} if revisit else {}),
        },
    )
    return case


@precondition(Action.REVISIT)
def _revisit_open(facts: Facts, actor: User) -> None:
    """A closed case takes a revisit only while one is planned for it: a case answered at
    once, or a service record (a work order done) picked for its revisit."""
    case = facts.case
    if case.status is Status.CLOSED and queries.open_revisit(case) is None:
        raise InvalidTransition(
            _l(
                "A case that is %(status)s cannot take this action.",
                status=labels.label(case.status),
            )
        )
