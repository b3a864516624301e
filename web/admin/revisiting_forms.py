"""The forms of the revisit settings page (回访制度): one per section, each posted whole.

The sampling table and the tenant's questions are lists of rows; their add, remove and move
buttons post the whole form with ``do`` naming the button, so the rows typed so far are kept
with or without JavaScript.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from casework import labels
from casework.revisit_settings import (
    CONTACT_BOUNDS,
    MAX_BANDS,
    MAX_QUESTIONS,
    BandInput,
    QuestionInput,
    RuleInput,
)
from casework.states import CaseKind, ContactMethod
from tenants.limits import Unit
from tenants.revisit_policy import OPTIONAL_BUILT_IN, Revisiting

from ..forms import choices

RATE_LABELS = {
    "all": _l("Every one"),
    "sample": _l("A sample (the sampling table)"),
    "none": _l("Not revisited"),
}
PERIOD_LABELS = {"week": _l("Week"), "month": _l("Month")}
QUESTION_KIND_LABELS = {
    "scale": _l("Score from 1 to 5"),
    "yes_no": _l("Yes or no"),
    "text": _l("Free text"),
    "choice": _l("One of a list"),
}
BUILT_IN_LABELS = {
    "speed": _l("Satisfaction with the speed"),
    "attitude": _l("Satisfaction with the staff's attitude"),
    "result": _l("Satisfaction with the result"),
}
ALWAYS_ASKED = (
    _l("Overall satisfaction (1 to 5)"),
    _l("Is the problem solved?"),
    _l("Anything else to say (free text)"),
)
CONTACT_LABELS = {
    "attempts": _l("Attempts before a revisit is closed as unreachable"),
    "retry_hours": _l("Hours to wait before calling again"),
    "satisfied_from": _l("Satisfied from the score"),
    "link_days": _l("Days a questionnaire link stays good"),
}
# The kinds as the page's headings name them, apart from the kind's label on a case.
KIND_TITLES = {
    CaseKind.COMPLAINT: _l("Complaints"),
    CaseKind.WORK_ORDER: _l("Repair work orders"),
    CaseKind.CONTRACTED: _l("Contracted services"),
    CaseKind.HELP: _l("Help requests"),
    CaseKind.EVENT: _l("Community events"),
    CaseKind.NEW_CUSTOMER: _l("New customers"),
    CaseKind.HIGH_VALUE: _l("High-value customers"),
    CaseKind.OTHER: _l("Other services"),
}
METHODS = [ContactMethod.PHONE, ContactMethod.EMAIL, ContactMethod.SMS, ContactMethod.VISIT]


def _amount(label: Any) -> IntegerField:
    return IntegerField(label, validators=[Optional(), NumberRange(1, 10_000)])


# The rule's choices are checked by the verb: a complaint's row leaves some of them out.
def _unit() -> SelectField:
    return SelectField(
        _l("Unit"),
        choices=choices(labels.choices(Unit)),
        default="calendar_days",
        validate_choice=False,
    )


class RuleRow(Form):
    """One kind's rule: within, method, rate and the period of repeat revisits."""

    within_value = _amount(_l("Revisit within"))
    within_unit = _unit()
    method = SelectField(
        _l("Preferred method"),
        choices=choices(labels.choices(ContactMethod, METHODS)),
        validate_choice=False,
    )
    rate = SelectField(_l("Rate"), choices=choices(RATE_LABELS.items()), validate_choice=False)
    every_value = _amount(_l("Again every (periodic)"))
    every_unit = _unit()

    def limit(self, prefix: str) -> tuple[int, str] | None:
        value = self[f"{prefix}_value"].data
        return (value, self[f"{prefix}_unit"].data) if isinstance(value, int) else None

    def value(self) -> RuleInput:
        return RuleInput(
            self.limit("within"), self.method.data, self.rate.data, self.limit("every")
        )


class RulesForm(FlaskForm):
    """A rule per kind of case (PROP-9, CS-1), each a row named by the kind."""

    def values(self) -> dict[str, RuleInput]:
        return {kind.value: self[kind.value].form.value() for kind in CaseKind}


for _kind in CaseKind:
    setattr(
        RulesForm,
        _kind.value,
        FormField(RuleRow, label=KIND_TITLES.get(_kind, labels.CASE_KIND[_kind])),
    )


def rules_data(settings: Revisiting, defaults: dict) -> dict[str, Any]:
    """The rules as the form shows them: the tenant's, else the product's."""
    out: dict[str, Any] = {}
    for kind in CaseKind:
        rule = settings.rules.get(kind.value) or defaults.get(kind)
        row: dict[str, Any] = {"method": "phone", "rate": "all"}
        if rule is not None:
            row = {"method": rule.method, "rate": rule.rate}
            for prefix in ("within", "every"):
                limit = getattr(rule, prefix)
                if limit is not None:
                    row[f"{prefix}_value"] = limit.value
                    row[f"{prefix}_unit"] = limit.unit.value
        out[kind.value] = row
    return out


class BandRow(Form):
    """A row of the sampling table: up to N orders, revisit K of them or P%."""

    up_to = IntegerField(_l("Up to (orders)"), validators=[Optional(), NumberRange(1, 1_000_000)])
    amount = IntegerField(_l("Revisit"), validators=[InputRequired(), NumberRange(1, 100_000)])
    per = SelectField(
        _l("Counted as"),
        choices=choices([("orders", _l("orders")), ("percent", _l("percent of them"))]),
    )


class SamplingForm(FlaskForm):
    bands = FieldList(FormField(BandRow), min_entries=1, max_entries=MAX_BANDS)
    period = SelectField(_l("A sample is drawn per"), choices=choices(PERIOD_LABELS.items()))

    def values(self) -> list[BandInput]:
        return [
            BandInput(e.form.up_to.data, e.form.amount.data, e.form.per.data == "percent")
            for e in self.bands.entries
        ]


def sampling_data(settings: Revisiting) -> dict[str, Any]:
    return {
        "period": settings.period,
        "bands": [
            {
                "up_to": b.up_to,
                "amount": b.take if b.take is not None else b.percent,
                "per": "orders" if b.take is not None else "percent",
            }
            for b in settings.sampling
        ],
    }


class QuestionRow(Form):
    """A question of the tenant's own."""

    key = StringField(_l("Key"), validators=[Length(max=40)])
    text = StringField(_l("Question (Chinese)"), validators=[Length(max=200)])
    text_en = StringField(_l("Question (English, optional)"), validators=[Length(max=200)])
    kind = SelectField(_l("Answered with"), choices=choices(QUESTION_KIND_LABELS.items()))
    options = TextAreaField(
        _l("Answers to choose from, one a line"),
        validators=[Length(max=2000)],
        render_kw={"rows": 2},
    )
    required = BooleanField(_l("Must be answered"))


class QuestionsForm(FlaskForm):
    ask = SelectMultipleField(
        _l("Aspects asked"), choices=choices(BUILT_IN_LABELS.items()), validate_choice=False
    )
    questions = FieldList(FormField(QuestionRow), min_entries=0, max_entries=MAX_QUESTIONS)

    def skip(self) -> list[str]:
        asked = set(self.ask.data or [])
        return [k for k in OPTIONAL_BUILT_IN if k not in asked]

    def values(self) -> list[QuestionInput]:
        return [
            QuestionInput(
                e.form.key.data or "",
                e.form.text.data or "",
                e.form.text_en.data or "",
                e.form.kind.data or "",
                e.form.options.data or "",
                bool(e.form.required.data),
            )
            for e in self.questions.entries
        ]


def questions_data(settings: Revisiting) -> dict[str, Any]:
    return {
        "ask": [k for k in OPTIONAL_BUILT_IN if k not in settings.skip_questions],
        "questions": [
            {
                "key": q.key,
                "text": q.text,
                "text_en": q.text_en,
                "kind": q.kind,
                "options": "\n".join(q.options),
                "required": q.required,
            }
            for q in settings.questions
        ],
    }


class ContactsForm(FlaskForm):
    """Attempts, the wait between them, the satisfied score and the link's life."""

    def values(self) -> dict[str, int]:
        return {key: self[key].data for key in CONTACT_BOUNDS}


for _key, (_low, _high) in CONTACT_BOUNDS.items():
    setattr(
        ContactsForm,
        _key,
        IntegerField(CONTACT_LABELS[_key], validators=[InputRequired(), NumberRange(_low, _high)]),
    )


def contacts_data(settings: Revisiting) -> dict[str, int]:
    return {key: getattr(settings, key) for key in CONTACT_BOUNDS}
