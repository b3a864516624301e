"""The revisit settings (回访制度) a tenant tunes: rules per kind of case, the sampling table,
the questionnaire and the retries.

Kept apart from :mod:`tenants.settings`, which holds them as fields, because they are one
subject with its own checks (PROP-9 timing, PROP-10 sampling, PROP-5 questionnaire, CS-1..2).
The domain reads them through casework.revisit_rules and casework.questionnaire.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from .limits import Limit


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RevisitRule(_Frozen):
    """When and how one kind of case is revisited (PROP-9, PROP-10, CS-1).

    ``within`` counts from the case's anchor: the result told (a complaint), the service
    completed (a work order, an event), the contract's midpoint and end (a contracted service),
    the last revisit (a high-value customer, with ``every``). ``rate`` says whether every case
    is revisited, a sample drawn per period by the sampling table, or none. Complaints without
    ``within`` keep the revisit limit of the deadline policy.
    """

    within: Limit | None = None
    method: Literal["phone", "email", "sms", "visit"] = "phone"
    rate: Literal["all", "sample", "none"] = "all"
    every: Limit | None = None  # periodic revisits (high-value customers, CS-1)


class SampleBand(_Frozen):
    """One row of the sampling table (PROP-10): for a period's orders up to ``up_to``
    (None: any number above the rows before), revisit ``take`` of them (all if fewer) or
    ``percent`` of them, rounded up."""

    up_to: int | None = Field(default=None, ge=1, le=1_000_000)
    take: int | None = Field(default=None, ge=1, le=100_000)
    percent: int | None = Field(default=None, ge=1, le=100)

    @model_validator(mode="after")
    def _one_amount(self) -> SampleBand:
        if (self.take is None) == (self.percent is None):
            raise ValueError("a sampling row takes either a number of orders or a percentage")
        return self


# PROP-10: up to 20 orders → 5 (all if fewer); 21–50 → 30%; 51–100 → 15%; over 100 → 20.
PROP10_SAMPLING = (
    SampleBand(up_to=20, take=5),
    SampleBand(up_to=50, percent=30),
    SampleBand(up_to=100, percent=15),
    SampleBand(take=20),
)


class BandError(ValueError):
    """A sampling table out of order; ``reason`` ("open_not_last", "not_rising") lets a form
    say it in the user's language."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def check_bands(bands: tuple[SampleBand, ...]) -> tuple[SampleBand, ...]:
    """Rows in rising order of ``up_to``, only the last one open-ended."""
    limits = [b.up_to for b in bands]
    if any(u is None for u in limits[:-1]):
        raise BandError("open_not_last", "only the last sampling row may leave 'up to' empty")
    closed = [u for u in limits if u is not None]
    if closed != sorted(set(closed)):
        raise BandError("not_rising", "the sampling rows must rise in 'up to', each once")
    return bands


_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
# The keys the product reads itself: the overall score and whether the problem is solved.
BUILT_IN_QUESTIONS = ("overall", "speed", "attitude", "result", "solved", "comments")
# The built-in questions a tenant may leave out: the per-aspect scores. The overall score and
# "solved" decide the loop back, and the free text is where anything else is said.
OPTIONAL_BUILT_IN = ("speed", "attitude", "result")


def _key(value: str) -> str:
    if not _KEY.fullmatch(value):
        raise ValueError(f"question key {value!r}: lower-case letters, digits and _ only")
    return value


class Question(_Frozen):
    """A question the tenant adds to its revisit questionnaire (PROP-5, CS-2).

    A score from 1 to 5, a yes or no, a line of text, or one of ``options``; the text in
    Chinese and, optionally, English (the person's language picks).
    """

    key: Annotated[str, AfterValidator(_key)]
    text: str = Field(min_length=1, max_length=200)
    text_en: str = Field(default="", max_length=200)
    kind: Literal["scale", "yes_no", "text", "choice"] = "scale"
    options: tuple[Annotated[str, Field(min_length=1, max_length=60)], ...] = ()
    required: bool = False

    @model_validator(mode="after")
    def _check(self) -> Question:
        if self.key in BUILT_IN_QUESTIONS:
            raise ValueError(f"question key {self.key!r} is one of the built-in questions")
        if (self.kind == "choice") != bool(self.options):
            raise ValueError(f"question {self.key!r}: options go with a choice question only")
        return self


def check_questions(questions: tuple[Question, ...]) -> tuple[Question, ...]:
    """Each key once."""
    keys = [q.key for q in questions]
    if len(set(keys)) != len(keys):
        raise ValueError("two questions share a key")
    return questions


class Revisiting(_Frozen):
    """Everything about revisits a tenant sets, with the product's defaults."""

    # Rules per kind of case (the words of casework.states.CaseKind); a kind without a rule
    # is revisited like a complaint when it is one, and not at all otherwise.
    rules: dict[str, RevisitRule] = Field(default_factory=dict)
    sampling: Annotated[tuple[SampleBand, ...], AfterValidator(check_bands)] = PROP10_SAMPLING
    # The period one sample is drawn over.
    period: Literal["week", "month"] = "month"
    # Attempts before a revisit is closed as unreachable, and the wait between them.
    attempts: int = Field(default=3, ge=1, le=10)
    retry_hours: int = Field(default=4, ge=1, le=240)
    # A score below this counts as not satisfied and sends the case back (PROP-12).
    satisfied_from: int = Field(default=3, ge=1, le=5)
    # How long the questionnaire's link in a mail or a text stays good.
    link_days: int = Field(default=14, ge=1, le=90)
    # The built-in aspect questions the tenant does not ask (of OPTIONAL_BUILT_IN).
    skip_questions: tuple[Literal["speed", "attitude", "result"], ...] = ()
    # The tenant's own questions, asked after the built-in ones.
    questions: Annotated[tuple[Question, ...], AfterValidator(check_questions)] = ()

    @model_validator(mode="after")
    def _kinds(self) -> Revisiting:
        if not self.rules:
            return self
        from .settings import words  # settings imports this module

        kinds = words("case_kind")
        for kind in self.rules:
            if kind not in kinds:
                raise ValueError(f"unknown case kind {kind!r}; known: {', '.join(kinds)}")
        return self
