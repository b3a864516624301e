"""Forms of acceptance (受理, CO-2): accept a mail waiting for acceptance, or decline it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from casework.operations import acceptance


class AcceptForm(FlaskForm):
    """Accept the complaint now, as the signed-in member of staff; nothing to fill in."""


class DeclineForm(FlaskForm):
    """Close a mail that is no complaint (不予受理), with the reason (staff only)."""

    reason = TextAreaField(
        _l("Why this mail is not a complaint (staff only)"),
        validators=[
            DataRequired(_l("Say why this mail is not a complaint.")),
            Length(max=acceptance.REASON_MAX),
        ],
        render_kw={"rows": 2},
    )
