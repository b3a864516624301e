"""Forms for the handling plan (处理方案), its approval and referring a case up (上报)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import choices, coerce_id


class PlanForm(FlaskForm):
    measures = TextAreaField(
        _l("What will be done"),
        validators=[DataRequired(), Length(max=5000)],
        render_kw={"rows": 3},
    )
    # Filled with the remedy types (web/cases/actions.py).
    remedy_type = SelectField(_l("Proposed remedy"), validate_choice=False)
    remedy_amount = DecimalField(
        _l("Amount (yuan), for a refund or compensation"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=9999999999.99)],
        render_kw={"inputmode": "decimal"},
    )
    note = TextAreaField(
        _l("Note for the approver"), validators=[Length(max=2000)], render_kw={"rows": 2}
    )


class SubmitPlanForm(FlaskForm):
    """Only a CSRF token: submitting the plan is a deliberate click."""


class DecidePlanForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=choices([("approve", _l("Approve")), ("return", _l("Return for revision"))]),
        validators=[InputRequired(_l("Approve the plan or return it."))],
    )
    comment = TextAreaField(
        _l("Comment (required to return the plan)"),
        validators=[Length(max=2000)],
        render_kw={"rows": 2},
    )


class ReferUpForm(FlaskForm):
    # Filled with who is above the user (web/cases/actions.py).
    to_id = SelectField(_l("Refer to"), coerce=coerce_id, validate_choice=False)
    proposal = TextAreaField(
        _l("Your proposal"),
        validators=[DataRequired(), Length(max=2000)],
        render_kw={"rows": 3},
    )
