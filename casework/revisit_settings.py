"""The revisit settings (回访制度) as the tenant admin changes them, one part at a time.

Each verb checks its part with messages in the user's language (the settings' own checks
speak English to whoever writes a preset), saves it through the tenant's settings and leaves
an audit event with the part before and after. The settings themselves are
:class:`tenants.revisit_policy.Revisiting`; the domain reads them through
:mod:`casework.revisit_rules` and :mod:`casework.questionnaire`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from pydantic import ValidationError

from tenants import audit
from tenants.limits import Limit, Unit
from tenants.models import Tenant, User
from tenants.revisit_policy import (
    BUILT_IN_QUESTIONS,
    OPTIONAL_BUILT_IN,
    BandError,
    Question,
    RevisitRule,
    SampleBand,
    check_bands,
)

from .errors import InvalidInput
from .states import CaseKind

METHODS = ("phone", "email", "sms", "visit")
RATES = ("all", "sample", "none")
PERIODS = ("week", "month")
QUESTION_KINDS = ("scale", "yes_no", "text", "choice")
MAX_BANDS = 20
MAX_QUESTIONS = 30
TEXT_LENGTH = 200
OPTION_LENGTH = 60
KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
# The limits an amount of time may take, as the deadline policy's.
LIMIT_MAX = 10_000


@dataclass(frozen=True)
class RuleInput:
    """One kind's rule as a form gives it; amounts None when left empty."""

    within: tuple[int, str] | None
    method: str
    rate: str
    every: tuple[int, str] | None = None


def _limit(field: str, given: tuple[int, str] | None) -> dict[str, Any] | None:
    if given is None:
        return None
    value, unit = given
    if unit not in {u.value for u in Unit} or not 1 <= value <= LIMIT_MAX:
        raise InvalidInput(
            field, _l("Give a number from 1 to %(count)d and a unit.", count=LIMIT_MAX)
        )
    return Limit(value=value, unit=Unit(unit)).model_dump(mode="json")


def set_rules(tenant: Tenant, actor: User | None, given: dict[str, RuleInput]) -> bool:
    """The rules per kind of case (PROP-9, CS-1); False when nothing changed.

    A complaint keeps the revisit limit of the deadline policy and is revisited every time
    (PROP-10: 100%), so only its method is kept. Any other kind revisited needs its time."""
    rules: dict[str, dict[str, Any]] = {}
    for kind, rule in given.items():
        kind = CaseKind(kind)
        if rule.method not in METHODS:
            raise InvalidInput(f"{kind.value}-method", _l("Choose a method from the list."))
        if kind is CaseKind.COMPLAINT:
            rules[kind.value] = {"method": rule.method, "rate": "all"}
            continue
        if rule.rate not in RATES:
            raise InvalidInput(f"{kind.value}-rate", _l("Choose a rate from the list."))
        within = _limit(f"{kind.value}-within_value", rule.within)
        every = _limit(f"{kind.value}-every_value", rule.every)
        if within is None and rule.rate != "none":
            raise InvalidInput(
                f"{kind.value}-within_value",
                _l("Give the time within which these are revisited, or choose “none”."),
            )
        row: dict[str, Any] = {"method": rule.method, "rate": rule.rate}
        if within is not None:
            row["within"] = within
        if every is not None:
            row["every"] = every
        rules[kind.value] = RevisitRule.model_validate(row).model_dump(
            mode="json", exclude_none=True
        )
    return _save(tenant, actor, "revisiting.rules", {"rules": rules})


@dataclass(frozen=True)
class BandInput:
    """A row of the sampling table as a form gives it: up to ``up_to`` orders (None: any
    more), revisit ``amount`` orders, or ``amount`` percent when ``percent``."""

    up_to: int | None
    amount: int
    percent: bool


def set_sampling(tenant: Tenant, actor: User | None, rows: list[BandInput], period: str) -> bool:
    """The sampling table (PROP-10) and the period a sample is drawn over."""
    if period not in PERIODS:
        raise InvalidInput("period", _l("Choose a period from the list."))
    if not rows:
        raise InvalidInput("sampling", _l("The table needs at least one row."))
    if len(rows) > MAX_BANDS:
        raise InvalidInput(
            "sampling", _l("The table takes at most %(count)d rows.", count=MAX_BANDS)
        )
    bands = []
    for i, row in enumerate(rows):
        if row.up_to is not None and not 1 <= row.up_to <= 1_000_000:
            raise InvalidInput(
                f"bands-{i}-up_to", _l("Give a number of orders from 1 to 1,000,000.")
            )
        if row.percent and not 1 <= row.amount <= 100:
            raise InvalidInput(f"bands-{i}-amount", _l("Give a percentage from 1 to 100."))
        if not row.percent and not 1 <= row.amount <= 100_000:
            raise InvalidInput(
                f"bands-{i}-amount", _l("Give a number of orders from 1 to 100,000.")
            )
        amount = {"percent": row.amount} if row.percent else {"take": row.amount}
        bands.append(SampleBand(up_to=row.up_to, **amount))
    try:
        check_bands(tuple(bands))
    except BandError as exc:
        raise InvalidInput("sampling", _BAND_MESSAGES[exc.reason]) from None
    table = [b.model_dump(mode="json", exclude_none=True) for b in bands]
    return _save(tenant, actor, "revisiting.sampling", {"sampling": table, "period": period})


_BAND_MESSAGES = {
    "open_not_last": _l("Only the last row may leave “up to” empty."),
    "not_rising": _l("Each row's “up to” must be larger than the row's above it."),
}


@dataclass(frozen=True)
class QuestionInput:
    """A question of the tenant's own as a form gives it; ``options`` one per line."""

    key: str
    text: str
    text_en: str
    kind: str
    options: str
    required: bool


def options_of(text: str) -> list[str]:
    """The answers a choice question offers: one a line (or split by commas and 、)."""
    return [o.strip() for o in re.split(r"[\n,，、;；]", text) if o.strip()]


def set_questionnaire(
    tenant: Tenant, actor: User | None, skip: list[str], given: list[QuestionInput]
) -> bool:
    """The questionnaire (PROP-5, CS-2): the aspect questions left out and the tenant's own
    questions, in the order asked."""
    if any(k not in OPTIONAL_BUILT_IN for k in skip):
        raise InvalidInput(
            "skip", _l("Only the speed, attitude and result questions may be left out.")
        )
    if len(given) > MAX_QUESTIONS:
        raise InvalidInput(
            "questions",
            _l("The questionnaire takes at most %(count)d questions.", count=MAX_QUESTIONS),
        )
    questions, seen = [], set()
    for i, q in enumerate(given):
        key = q.key.strip()
        if not KEY.fullmatch(key):
            raise InvalidInput(
                f"questions-{i}-key",
                _l("A key starts with a letter: lower-case letters, digits and _ only, up to 40."),
            )
        if key in BUILT_IN_QUESTIONS:
            raise InvalidInput(
                f"questions-{i}-key", _l("This key is one of the built-in questions.")
            )
        if key in seen:
            raise InvalidInput(f"questions-{i}-key", _l("Another question has this key."))
        seen.add(key)
        text, text_en = " ".join(q.text.split()), " ".join(q.text_en.split())
        if not text:
            raise InvalidInput(f"questions-{i}-text", _l("Write the question."))
        for field, value in ((f"questions-{i}-text", text), (f"questions-{i}-text_en", text_en)):
            if len(value) > TEXT_LENGTH:
                raise InvalidInput(
                    field,
                    _l("Please keep it to %(count)d characters or fewer.", count=TEXT_LENGTH),
                )
        if q.kind not in QUESTION_KINDS:
            raise InvalidInput(f"questions-{i}-kind", _l("Choose a kind from the list."))
        options = options_of(q.options) if q.kind == "choice" else []
        if q.kind == "choice" and len(options) < 2:
            raise InvalidInput(
                f"questions-{i}-options", _l("Give at least two answers, one a line.")
            )
        if any(len(o) > OPTION_LENGTH for o in options):
            raise InvalidInput(
                f"questions-{i}-options",
                _l("Keep each answer to %(count)d characters or fewer.", count=OPTION_LENGTH),
            )
        if len(set(options)) != len(options):
            raise InvalidInput(f"questions-{i}-options", _l("An answer is offered twice."))
        row = Question(
            key=key,
            text=text,
            text_en=text_en,
            kind=q.kind,
            options=tuple(options),
            required=q.required,
        )
        questions.append(row.model_dump(mode="json"))
    skipped = [k for k in OPTIONAL_BUILT_IN if k in skip]
    return _save(
        tenant,
        actor,
        "revisiting.questionnaire",
        {"skip_questions": skipped, "questions": questions},
    )


# The bounds of the numbers the contact part takes, as the settings hold them.
CONTACT_BOUNDS = {
    "attempts": (1, 10),
    "retry_hours": (1, 240),
    "satisfied_from": (1, 5),
    "link_days": (1, 90),
}


def set_contacts(tenant: Tenant, actor: User | None, **numbers: int) -> bool:
    """Attempts before unreachable, the wait between them, the score that counts as
    satisfied and how long a questionnaire's link stays good."""
    for key, value in numbers.items():
        low, high = CONTACT_BOUNDS[key]
        if not isinstance(value, int) or not low <= value <= high:
            raise InvalidInput(
                key, _l("Give a number from %(low)d to %(high)d.", low=low, high=high)
            )
    return _save(tenant, actor, "revisiting.contacts", dict(numbers))


def _save(tenant: Tenant, actor: User | None, kind: str, changes: dict[str, Any]) -> bool:
    """Store ``changes`` in the revisit settings and audit them; False when they are as now."""
    current = tenant.config.revisiting
    shown = current.model_dump(mode="json", exclude_none=True)
    before = {k: shown.get(k) for k in changes}
    if before == changes:
        return False
    stored = current.model_dump(mode="json", exclude_unset=True, exclude_none=True)
    try:
        tenant.update_config(revisiting={**stored, **changes})
    except ValidationError as exc:  # a check this module missed: refused, never a 500
        raise InvalidInput("revisiting", _l("These settings cannot be saved.")) from exc
    event = audit.record(actor, kind, "revisiting", {"before": before, "after": changes})
    event.tenant_id = tenant.id
    return True
