"""Forms of the dispatch actions beyond the dispatch itself: returning a case (退单) and
recording the arrival on site of field work (CITY-8)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class ReturnForm(FlaskForm):
    """Send a case outside the unit's remit back to the dispatchers, with the basis."""

    basis = TextAreaField(
        _l("Why this case is outside your unit's remit"),
        validators=[DataRequired(), Length(max=500)],
        render_kw={"rows": 2},
    )


class ArriveForm(FlaskForm):
    """The handler reached the scene (到达现场, CITY-8): the time is now; a note if any."""

    note = TextAreaField(
        _l("What you found on the scene (optional)"),
        validators=[Optional(), Length(max=500)],
        render_kw={"rows": 2},
    )
