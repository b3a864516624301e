"""The portal's own form; the complaint form is shared with staff intake (web/forms.py)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class StatusForm(FlaskForm):
    """A case number and one proof of it: the access code or the whole phone number."""

    number = StringField(validators=[DataRequired(), Length(max=40)])
    factor = StringField(validators=[DataRequired(), Length(max=40)])
