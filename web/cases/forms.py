"""Forms for the actions on a case; one per verb of the domain."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from casework import disclosure, labels, searchtext
from casework.states import ContactMethod, Finding

from ..forms import choices, coerce_id


class QueueFilter(FlaskForm):
    """The queue's filters; a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), default="open")
    category = SelectField(_l("Category"), default="")
    department = SelectField(_l("Department"), default="")
    channel = SelectField(_l("Channel"), default="")
    due = SelectField(
        _l("Deadline"),
        default="",
        choices=choices(
            [("", _l("Any")), ("soon", _l("Due within 24 hours")), ("overdue", _l("Overdue"))]
        ),
    )
    mine = BooleanField(_l("Only mine"))
    unassigned = BooleanField(_l("My department, unassigned"))
    q = StringField(_l("Case number"), validators=[Optional(), Length(max=40)])
    received_from = DateField(_l("Received from"), validators=[Optional()])
    received_to = DateField(_l("Received to"), validators=[Optional()])
    location = StringField(_l("Place"), validators=[Optional(), Length(max=300)])


# The dashboard's drill-down filters the queue keeps as they came (issue 13), with no field;
# ``handler`` is the assessment's (POWER-5): one handler's cases, still within sight().
DRILL_DOWN = ("kind", "cause", "finding", "repeated", "answered", "reopened", "handler")


class RevealForm(FlaskForm):
    """Show the complainant's full details (查看完整信息): the reason goes to the access log."""

    reason = StringField(
        _l("Why do you need them?"),
        validators=[
            DataRequired(_l("Say why you need the complainant's full details.")),
            Length(
                max=disclosure.MAX_REASON,
                message=_l(
                    "Keep the reason under %(count)s characters.", count=disclosure.MAX_REASON
                ),
            ),
        ],
    )
    page = HiddenField(default="case", validators=[AnyOf(disclosure.PAGES)])


class DispatchForm(FlaskForm):
    department_id = SelectField(_l("Department"), coerce=coerce_id, validators=[DataRequired()])
    handler_id = SelectField(_l("Handler"), coerce=coerce_id, validators=[Optional()])
    note = TextAreaField(
        _l("Instructions for the department (internal)"),
        validators=[Length(max=2000)],
        render_kw={"rows": 2},
    )


class TakeForm(FlaskForm):
    """Only a CSRF token: taking a case is one deliberate click."""


class NoteForm(FlaskForm):
    body = TextAreaField(
        _l("Investigation note"),
        validators=[DataRequired(), Length(max=5000)],
        render_kw={"rows": 3},
    )
    public = BooleanField(_l("Visible to the complainant"))


class ContactForm(FlaskForm):
    method = SelectField(_l("How"), choices=choices(labels.choices(ContactMethod)), default="phone")
    body = TextAreaField(
        _l("What was discussed"),
        validators=[DataRequired(), Length(max=5000)],
        render_kw={"rows": 3},
    )


class ResultForm(FlaskForm):
    result = TextAreaField(
        _l("Result: how the problem was solved (sent to the complainant)"),
        validators=[DataRequired(), Length(max=5000)],
        render_kw={"rows": 4},
    )
    finding = RadioField(
        _l("Finding"),
        choices=choices(labels.choices(Finding)),
        validators=[InputRequired(_l("Choose what the investigation found."))],
    )
    # Filled from the tenant's active causes (web/cases/actions.py); required unless not valid.
    cause_id = SelectField(_l("Cause"), coerce=coerce_id, validate_choice=False)
    cause_analysis = TextAreaField(
        _l("Cause analysis (internal)"),
        validators=[Length(max=2000)],
        render_kw={"rows": 2},
    )
    remedy_type = SelectField(_l("Remedy type"), validate_choice=False)
    remedy_amount = DecimalField(
        _l("Amount (yuan), for a refund or compensation"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=9999999999.99)],
        render_kw={"inputmode": "decimal"},
    )
    remedy_approved_by = StringField(
        _l("Remedy approved by (leave empty for yourself)"), validators=[Length(max=100)]
    )
    remedy = TextAreaField(
        _l("Remedy or compensation, if any (sent to the complainant)"),
        validators=[Length(max=2000)],
        render_kw={"rows": 2},
    )
    # Shown only while an assisting unit has not answered (协办): the domain requires it then.
    not_waiting_reason = TextAreaField(
        _l("Why the result does not wait for the assisting units (internal)"),
        validators=[Length(max=5000)],
        render_kw={"rows": 2},
    )


class SendResultForm(FlaskForm):
    """Only a CSRF token: sending the result is a deliberate click."""


class ExtendForm(FlaskForm):
    # The most allowed, and its unit, come from the policy: the domain checks them.
    days = IntegerField(
        _l("Extra time"),
        validators=[InputRequired(), NumberRange(1, 10000, _l("Ask for 1 or more."))],
    )
    reason = TextAreaField(
        _l("Reason (internal)"),
        validators=[DataRequired(), Length(max=2000)],
        render_kw={"rows": 2},
    )


class DecideExtensionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=choices([("approve", _l("Approve")), ("refuse", _l("Refuse"))]),
        validators=[InputRequired(_l("Approve or refuse the request."))],
    )
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)], render_kw={"rows": 2})


class OversightForm(FlaskForm):
    note = TextAreaField(
        _l("What is expected"),
        validators=[DataRequired(), Length(max=2000)],
        render_kw={"rows": 2},
    )


class PauseForm(FlaskForm):
    reason = TextAreaField(
        _l("Waiting for (internal)"),
        validators=[DataRequired(), Length(max=2000)],
        render_kw={"rows": 2},
    )


class ResumeForm(FlaskForm):
    """Only a CSRF token: restarting the clocks is a deliberate click."""


class RepeatForm(FlaskForm):
    earlier = StringField(
        _l("Number of the earlier case"), validators=[DataRequired(), Length(max=40)]
    )
    defect = BooleanField(_l("The complainant says the defect is still there (special measures)"))
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)], render_kw={"rows": 2})


class SpecialMeasuresForm(FlaskForm):
    measures = TextAreaField(
        _l("Measures taken"), validators=[DataRequired(), Length(max=5000)], render_kw={"rows": 3}
    )


class RectifyForm(FlaskForm):
    department_id = SelectField(
        _l("Department to rectify"),
        coerce=coerce_id,
        validators=[InputRequired(_l("Choose a department from the list."))],
    )
    instructions = TextAreaField(
        _l("What must be put right"),
        validators=[DataRequired(), Length(max=5000)],
        render_kw={"rows": 3},
    )


class RectifiedForm(FlaskForm):
    report = TextAreaField(
        _l("What was put right"),
        validators=[DataRequired(), Length(max=5000)],
        render_kw={"rows": 3},
    )


class NotSatisfiedForm(FlaskForm):
    """The explanation to a complainant not satisfied with the result, and their claim."""

    explanation = TextAreaField(
        _l("What was explained to the complainant"),
        validators=[
            DataRequired(_l("Say what was explained to the complainant.")),
            Length(max=2000),
        ],
        render_kw={"rows": 3},
    )
    claim = TextAreaField(
        _l("What the complainant asks for"),
        validators=[DataRequired(_l("Record what the complainant asks for.")), Length(max=2000)],
        render_kw={"rows": 2},
    )
    # Filled from the tenant's policy (web/cases/actions.py): one choice, or reopen and close.
    outcome = RadioField(_l("Then"), validate_choice=False, validators=[Optional()])


class TeachingForm(FlaskForm):
    """Mark a case as a teaching case with its lesson, or unmark it (HOSP-12)."""

    teaching = BooleanField(_l("Use this case in staff training"))
    lesson = TextAreaField(
        _l("The lesson, for staff who never saw the case"),
        validators=[Length(max=1000)],
        render_kw={"rows": 3},
    )


class RestrictForm(FlaskForm):
    """Mark a case sensitive (列为敏感件, PROP-3): only the named managers see it after."""

    reason = TextAreaField(
        _l("Why the case is sensitive"),
        validators=[DataRequired(), Length(max=500)],
        render_kw={"rows": 2},
    )


class LiftRestrictionForm(FlaskForm):
    """Lift the restriction again, with the reason in the history."""

    reason = TextAreaField(
        _l("Why the restriction is lifted"),
        validators=[DataRequired(), Length(max=500)],
        render_kw={"rows": 2},
    )


class SearchForm(QueueFilter):
    """The desk's search box with the queue's filters; a GET form, so no CSRF token."""

    status = SelectField(_l("Status"), default="all")
    q = StringField(
        _l("Search"),
        validators=[
            Optional(),
            Length(
                max=searchtext.MAX_QUERY,
                message=_l("Search for at most %(max)d characters."),
            ),
        ],
    )
