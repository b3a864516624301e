"""The revisit page's forms. The call form is built per tenant: its questions are the
tenant's questionnaire (casework.questionnaire), asked in the script's order, and checked by
the domain, so the phone, the home visit and the emailed link accept the same answers."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    Field,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from casework import labels
from casework.operations.revisits import NOTE_LENGTH
from casework.questionnaire import COMMENTS, TEXT_LENGTH, Question
from casework.states import CallOutcome, CaseKind, ContactMethod

from ..forms import choices, coerce_id

# The outcome buttons under the script, in the order they sit.
OUTCOMES = (
    CallOutcome.REACHED,
    CallOutcome.NO_ANSWER,
    CallOutcome.WRONG_NUMBER,
    CallOutcome.REFUSED,
)
SCORES = (
    ("5", _l("5 Very satisfied")),
    ("4", _l("4 Satisfied")),
    ("3", _l("3 Neutral")),
    ("2", _l("2 Dissatisfied")),
    ("1", _l("1 Very dissatisfied")),
)
FIELD_PREFIX = "q_"  # a question's field: q_<key>, so no tenant key meets a form attribute


class QueueFilter(FlaskForm):
    """The revisit queue's filters, read from the query string."""

    class Meta:
        csrf = False

    who = SelectField(
        _l("Whose"),
        choices=choices(
            [("mine", _l("Mine")), ("unassigned", _l("Not given to anyone")), ("all", _l("All"))]
        ),
        default="all",
    )
    kind = SelectField(
        _l("Kind of case"), choices=choices([("", _l("Any"))] + labels.choices(CaseKind))
    )
    method = SelectField(
        _l("Method"), choices=choices([("", _l("Any"))] + labels.choices(ContactMethod))
    )


def _question_field(q: Question) -> Field:
    """The field a question is answered in; values are checked by the domain (so its words
    are the errors), hence no choice check here."""
    if q.kind == "scale":
        return RadioField(q.text, choices=choices(SCORES), validate_choice=False)
    if q.kind == "yes_no":
        return RadioField(
            q.text, choices=choices([("yes", _l("Yes")), ("no", _l("No"))]), validate_choice=False
        )
    if q.kind == "choice":
        return RadioField(q.text, choices=choices((o, o) for o in q.options), validate_choice=False)
    return TextAreaField(q.text, validators=[Optional()], render_kw={"rows": 2})


class CallBase(FlaskForm):
    """What every outcome sends: the note; the button pressed names the outcome."""

    outcome = StringField()
    note = TextAreaField(
        _l("Note on this attempt"),
        validators=[Length(max=NOTE_LENGTH)],
        render_kw={"rows": 2},
    )


def call_form(
    questions: list[Question],
    *,
    submitted: bool,
    base: type[FlaskForm] = CallBase,
    prefix: str = "call",
) -> Any:
    """The call form with a field per question of the tenant's questionnaire, and the
    comments last; with another ``base`` and ``prefix``, the public questionnaire's form
    (web/survey) from the same fields."""
    fields = {FIELD_PREFIX + q.key: _question_field(q) for q in questions}
    fields[FIELD_PREFIX + COMMENTS] = TextAreaField(
        _l("Opinions and suggestions"),
        validators=[Length(max=TEXT_LENGTH)],
        render_kw={"rows": 3},
    )
    form_class = type("CallForm", (base,), fields)
    form = form_class(prefix=prefix) if submitted else form_class(formdata=None, prefix=prefix)
    form.questions = [(q, form[FIELD_PREFIX + q.key]) for q in questions]
    return form


def given_answers(form: Any) -> dict[str, str]:
    """The answers as typed or chosen, by question key, for the domain to check."""
    return {
        name[len(FIELD_PREFIX) :]: str(field.data or "")
        for name, field in form._fields.items()
        if name.startswith(FIELD_PREFIX)
    }


class ByKey:
    """The call form as :func:`web.transaction.attempt` reads it: a domain error naming a
    question's key (or "comments") lands on that question's field."""

    def __init__(self, form: Any) -> None:
        self._form = form
        self.form_errors = form.form_errors

    def __getattr__(self, name: str) -> Any:
        fields = self._form._fields
        return fields.get(FIELD_PREFIX + name) or fields.get(name)


class AssignForm(FlaskForm):
    """Give the revisit to a revisitor, or back to everyone's queue."""

    revisitor_id = SelectField(_l("Give to"), coerce=coerce_id)


class VisitForm(FlaskForm):
    """Book a home visit (上门回访): when, where, who goes."""

    at = DateTimeLocalField(
        _l("Visit at"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Give the date and time of the visit."))],
    )
    address = StringField(
        _l("Address"),
        validators=[DataRequired(_l("Give the address to visit.")), Length(max=300)],
    )
    visitor_id = SelectField(_l("Visitor"), coerce=coerce_id)


class AskForm(FlaskForm):
    """A question the revisitor cannot answer, for management (PROP-7)."""

    question = TextAreaField(
        _l("The person's question"),
        validators=[DataRequired(_l("Write down the question.")), Length(max=NOTE_LENGTH)],
        render_kw={"rows": 2},
    )
    answer_by = DateField(
        _l("Answer promised by"),
        validators=[InputRequired(_l("Give the date the person was promised an answer by."))],
    )


class AnswerForm(FlaskForm):
    """Management's answer to the question (PROP-7)."""

    answer = TextAreaField(
        _l("Answer"),
        validators=[DataRequired(_l("Write the answer.")), Length(max=NOTE_LENGTH)],
        render_kw={"rows": 3},
    )


class SendLinkForm(FlaskForm):
    """Send the questionnaire's link (again); ``seen`` is the send the page showed, so a
    double click or a replayed form sends nothing twice."""

    seen = HiddenField()
