"""The forms of an improvement action (改进措施, PROP-8): open or change it, complete it with
its outcome, cancel it with the reason."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from casework.operations.improvements import NOTE_LENGTH, TITLE_LENGTH

from ..forms import coerce_id


class ActionForm(FlaskForm):
    """What is to be improved, by whom, by when (and, for a supervisor, which department)."""

    title = StringField(
        _l("What is to be improved"),
        validators=[DataRequired(_l("Say what is to be improved.")), Length(max=TITLE_LENGTH)],
    )
    owner_id = SelectField(_l("Owner"), coerce=coerce_id)
    department_id = SelectField(_l("Department"), coerce=coerce_id)
    due_on = DateField(_l("Due on"), validators=[InputRequired(_l("Give the due day."))])


class CompleteForm(FlaskForm):
    """The action is done: what came of it."""

    outcome = TextAreaField(
        _l("Outcome"),
        validators=[DataRequired(_l("Say what came of it.")), Length(max=NOTE_LENGTH)],
        render_kw={"rows": 3},
    )


class CancelForm(FlaskForm):
    """The action is dropped: why."""

    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(_l("Say why it is dropped.")), Length(max=NOTE_LENGTH)],
        render_kw={"rows": 2},
    )
