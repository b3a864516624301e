"""The portal's own form; the complaint form is shared with staff intake (web/forms.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from casework.operations.complainant import MAX_TEXT

from ..forms import attachment_field


class StatusForm(FlaskForm):
    """A case number and one proof of it: the access code or the whole phone number."""

    number = StringField(validators=[DataRequired(), Length(max=40)])
    factor = StringField(validators=[DataRequired(), Length(max=40)])


class AddInformationForm(FlaskForm):
    """What the complainant adds to their case (补充材料): text, a file, or both."""

    text = TextAreaField(
        _l("What you want to add"),
        validators=[
            Length(
                max=MAX_TEXT,
                message=_l("Please keep it to %(count)d characters or fewer.", count=MAX_TEXT),
            )
        ],
    )
    attachment = attachment_field()
