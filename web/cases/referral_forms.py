"""Forms of the out-of-scope actions (CITY-5): refer out, return to the forwarding office."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from casework.operations import referrals


class ReferOutForm(FlaskForm):
    """Close a case outside the remit, telling the person which body to turn to."""

    reason = TextAreaField(
        _l("Why it is outside your organisation's remit (the complainant reads this)"),
        validators=[DataRequired(), Length(max=referrals.REASON_MAX)],
        render_kw={"rows": 2},
    )
    body = StringField(
        _l("The body to turn to"),
        validators=[DataRequired(), Length(max=referrals.BODY_MAX)],
    )
    contact = StringField(
        _l("Its contact (optional)"),
        validators=[Optional(), Length(max=referrals.CONTACT_MAX)],
    )


class ReturnUpstreamForm(FlaskForm):
    """Return a forwarded case to the higher office, with the reason and a destination."""

    reason = TextAreaField(
        _l("Why it is outside your organisation's remit"),
        validators=[DataRequired(), Length(max=referrals.REASON_MAX)],
        render_kw={"rows": 2},
    )
    destination = StringField(
        _l("Suggested destination"),
        validators=[DataRequired(), Length(max=referrals.BODY_MAX)],
    )
