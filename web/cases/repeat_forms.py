"""Forms of repeat contacts and merges (CITY-6): one form each, for the case page and for
the intake's offer of the matching cases alike."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from casework import labels
from casework.models import Case
from casework.states import Channel
from tenants.models import Tenant

from ..forms import choices

# The prefix of the repeat contact's fields wherever the form is shown: the case page's
# action registry posts with it, so the intake's offer posts the same names.
PREFIX = "repeat_contact"


class RepeatContactForm(FlaskForm):
    """Another contact about a case, recorded on it (重复来电)."""

    channel = SelectField(_l("Channel"), default=Channel.PHONE.value, validate_choice=False)
    said = TextAreaField(
        _l("What the caller said"),
        validators=[DataRequired(), Length(max=2000)],
        render_kw={"rows": 3},
    )
    caller_name = StringField(_l("Caller's name"), validators=[Optional(), Length(max=100)])
    caller_phone = TelField(_l("Caller's phone"), validators=[Optional(), Length(max=40)])
    defect = BooleanField(
        _l("The caller says the defect is still there (special measures; a solved case reopens)")
    )

    def set_channels(self, tenant: Tenant) -> None:
        """Offer the tenant's channels but the web form: a repeat is a call, a visit, a letter."""
        staff = [Channel(c) for c in tenant.config.channels if c != Channel.WEB]
        self.channel.choices = choices(labels.choices(Channel, staff or [Channel.PHONE]))


def offer_form(case: Case, **prefill: str) -> RepeatContactForm:
    """The repeat contact form for one offered case, filled from what intake typed so far.

    Its fields carry the case id in their ids, so several offers on one page stay distinct.
    """
    form = RepeatContactForm(formdata=None, prefix=PREFIX, data=prefill)
    form.set_channels(case.tenant)
    if form.channel.data not in {choice.value for choice in form.channel.choices}:
        form.channel.data = Channel.PHONE.value
    for f in form:
        f.id = f"{f.id}-{case.id}"
    return form


class MergeForm(FlaskForm):
    """Close this case as merged into another, the survivor (合并)."""

    into = StringField(
        _l("Number of the case that goes on"), validators=[DataRequired(), Length(max=40)]
    )
    reason = TextAreaField(
        _l("Why the two cases are one"),
        validators=[DataRequired(), Length(max=500)],
        render_kw={"rows": 2},
    )
