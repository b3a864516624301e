"""The daily review's sign-off form (CITY-7)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from casework.review import NOTE_MAX


class SignForm(FlaskForm):
    """Sign one day of intake "reviewed", with an optional note."""

    day = DateField(_l("Day"), validators=[InputRequired()], widget=HiddenInput())
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[Optional(), Length(max=NOTE_MAX)],
        render_kw={"rows": 1},
    )
