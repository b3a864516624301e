"""Forms for the investigation (调查): assisting units (协办), the investigation group
(调查组) and staff evidence, each with the intake's upload limit."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from casework import labels
from casework.states import GroupRole

from ..forms import attachment_field, choices, coerce_id


class AskAssistForm(FlaskForm):
    department_id = SelectField(
        _l("Assisting unit"),
        coerce=coerce_id,
        validators=[InputRequired(_l("Choose a department from the list."))],
    )
    instructions = TextAreaField(
        _l("What the unit should look into"),
        validators=[DataRequired(), Length(max=5000)],
        render_kw={"rows": 3},
    )


class AnswerAssistForm(FlaskForm):
    answer = TextAreaField(
        _l("The unit's answer"),
        validators=[DataRequired(), Length(max=5000)],
        render_kw={"rows": 3},
    )
    attachment = attachment_field()


class AddMemberForm(FlaskForm):
    user_id = SelectField(
        _l("Member of staff"),
        coerce=coerce_id,
        validators=[InputRequired(_l("Choose a member of staff from the list."))],
    )
    role = RadioField(
        _l("Role in the group"),
        choices=choices(labels.choices(GroupRole)),
        default=GroupRole.MEMBER.value,
        validators=[InputRequired(_l("Choose the member's role in the group."))],
    )


class RemoveMemberForm(FlaskForm):
    user_id = SelectField(
        _l("Member of the group"),
        coerce=coerce_id,
        validators=[InputRequired(_l("Choose a member of the group."))],
    )


class EvidenceForm(FlaskForm):
    body = TextAreaField(
        _l("Statement or description (internal)"),
        validators=[Length(max=5000)],
        render_kw={"rows": 3},
    )
    attachment = attachment_field()
