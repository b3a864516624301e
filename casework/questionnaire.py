"""The revisit questionnaire (回访问卷, PROP-5, CS-2): the questions, and the answers checked.

Every tenant asks the built-in questions (satisfaction overall and per aspect: speed,
attitude, result; is the problem solved; anything else to say) and then its own
(``revisiting.questions``). The phone script, the emailed questionnaire and the home visit's
record all read the same list here, and every answer goes through :func:`check_answers`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from tenants.models import Tenant

from .errors import InvalidInput

SCALE = range(1, 6)
TEXT_LENGTH = 2000


@dataclass(frozen=True)
class Question:
    """One question as asked: its key, its text in the reader's language, its kind."""

    key: str
    text: str
    kind: str  # "scale", "yes_no", "text" or "choice"
    options: tuple[str, ...] = ()
    required: bool = False


def _built_in() -> list[Question]:
    return [
        Question("overall", str(_l("Overall, how satisfied are you?")), "scale", required=True),
        Question("solved", str(_l("Is the problem solved?")), "yes_no"),
        Question("speed", str(_l("How satisfied are you with the speed?")), "scale"),
        Question("attitude", str(_l("How satisfied are you with the staff's attitude?")), "scale"),
        Question("result", str(_l("How satisfied are you with the result?")), "scale"),
    ]


COMMENTS = "comments"


def questions(tenant: Tenant) -> list[Question]:
    """The questions in the order asked: the built-in ones (less the aspects the tenant left
    out), then the tenant's own; the free text (``comments``) is asked last, apart, by every
    form."""
    english = str(get_locale() or "zh").startswith("en")
    own = [
        Question(
            q.key,
            q.text_en if english and q.text_en else q.text,
            q.kind,
            q.options,
            q.required,
        )
        for q in tenant.config.revisiting.questions
    ]
    skipped = set(tenant.config.revisiting.skip_questions)
    return [q for q in _built_in() if q.key not in skipped] + own


@dataclass(frozen=True)
class Answers:
    """A questionnaire's checked answers: the overall score and "solved" apart, since the
    loop back reads them, and every answer by key for the record."""

    satisfaction: int | None
    solved: bool | None
    by_key: dict[str, Any]
    comments: str


def check_answers(tenant: Tenant, given: dict[str, str], *, complete: bool = True) -> Answers:
    """Check the answers given as form text (``"4"``, ``"yes"``...).

    With ``complete`` the required questions must be answered; without it (a person who
    tapped "solved" in the mail and nothing else) whatever was given is kept.
    """
    by_key: dict[str, Any] = {}
    for q in questions(tenant):
        raw = (given.get(q.key) or "").strip()
        if not raw:
            if complete and q.required:
                raise InvalidInput(q.key, _l("Please answer this question."))
            continue
        by_key[q.key] = _value(q, raw)
    comments = (given.get(COMMENTS) or "").strip()
    if len(comments) > TEXT_LENGTH:
        raise InvalidInput(
            COMMENTS, _l("Please keep it to %(count)d characters or fewer.", count=TEXT_LENGTH)
        )
    return Answers(by_key.get("overall"), by_key.get("solved"), by_key, comments)


def _value(q: Question, raw: str) -> Any:
    if q.kind == "scale":
        if raw not in {str(n) for n in SCALE}:
            raise InvalidInput(q.key, _l("Choose a score from 1 to 5."))
        return int(raw)
    if q.kind == "yes_no":
        if raw not in ("yes", "no"):
            raise InvalidInput(q.key, _l("Answer yes or no."))
        return raw == "yes"
    if q.kind == "choice":
        if raw not in q.options:
            raise InvalidInput(q.key, _l("Choose one of the answers offered."))
        return raw
    if len(raw) > TEXT_LENGTH:
        raise InvalidInput(
            q.key, _l("Please keep it to %(count)d characters or fewer.", count=TEXT_LENGTH)
        )
    return raw
