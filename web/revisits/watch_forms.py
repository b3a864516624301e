"""The forms of a watch of an important repair (PROP-11): start it, record an inspection,
close it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from casework import labels
from casework.operations.watches import MAX_INTERVAL, NOTE_LENGTH, SUBJECT_LENGTH
from casework.states import WatchFinding

from ..forms import choices, coerce_id


class WatchForm(FlaskForm):
    """Put a repair under watch: what is watched, by whom, how often."""

    subject = StringField(
        _l("Watched for"),
        validators=[DataRequired(_l("Say what is watched.")), Length(max=SUBJECT_LENGTH)],
    )
    inspector_id = SelectField(_l("Inspector"), coerce=coerce_id)
    interval_days = IntegerField(
        _l("Inspect every (days)"),
        default=30,
        validators=[
            InputRequired(_l("Give a number of days.")),
            NumberRange(1, MAX_INTERVAL),
        ],
    )


class InspectForm(FlaskForm):
    """One inspection made: the day, what was found, a note."""

    inspected_on = DateField(
        _l("Inspected on"), validators=[InputRequired(_l("Give the day of the inspection."))]
    )
    finding = SelectField(
        _l("Finding"),
        choices=choices(labels.choices(WatchFinding)),
        validators=[DataRequired(_l("Choose what the inspection found."))],
    )
    note = TextAreaField(_l("Note"), validators=[Length(max=NOTE_LENGTH)], render_kw={"rows": 2})


class CloseWatchForm(FlaskForm):
    """End the watch, with its reason."""

    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(_l("Give the reason.")), Length(max=NOTE_LENGTH)],
        render_kw={"rows": 2},
    )
