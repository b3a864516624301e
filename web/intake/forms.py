"""The staff intake form: the public complaint form plus channel, arrival time and priority."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from casework import labels
from casework.states import Channel, Priority

from ..forms import ComplaintForm, choices, coerce_id


class StaffIntakeForm(ComplaintForm):
    """Phone, walk-in and letter complaints taken by staff (same domain call as the web)."""

    channel = SelectField(_l("Channel"))
    received_at = DateTimeLocalField(
        _l("Received at (if before now)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l("When the letter, mail or message arrived; acceptance time runs from it."),
    )
    priority = SelectField(
        _l("Priority"),
        choices=choices([("", _l("The category's default")), *labels.choices(Priority)]),
        default="",
    )
    name = StringField(
        _l("Complainant's name"),
        validators=[DataRequired(_l("Please give a name we can address you by.")), Length(max=100)],
    )

    # PROP-3: a complaint about a named member of staff is restricted to the named managers.
    subject_user_id = SelectField(
        _l("About a member of staff"),
        coerce=coerce_id,
        default=0,
        validators=[Optional()],
        validate_choice=False,  # the domain refuses a wrong one, in words that say why
        description=_l("Only the managers your organisation names will see the case."),
    )
    # PROP-4: a complaint made to a manager directly is handled by that manager.
    direct_manager_id = SelectField(
        _l("Made directly to a manager"),
        coerce=coerce_id,
        default=0,
        validators=[Optional()],
        validate_choice=False,  # the domain refuses a wrong one, in words that say why
        description=_l("The case goes straight to this manager, who handles it."),
    )

    def set_staff(self, staff, managers) -> None:
        """Offer the staff a complaint may be about, and the managers it may be made to."""
        none = [(0, _l("— nobody —"))]
        self.subject_user_id.choices = choices(none + [(u.id, u.name) for u in staff])
        self.direct_manager_id.choices = choices(none + [(u.id, u.name) for u in managers])

    # Checked by the domain (15 digits, or 18 with a final X); the length here only keeps a
    # pasted page out.
    id_number = StringField(
        _l("ID number"),
        validators=[Optional(), Length(max=40)],
        description=_l("Only when the case needs it, e.g. a petition."),
    )

    # A case forwarded by a higher office (the city's 12345 hotline, a petition office):
    # it may be returned there when outside the remit (CITY-5). Checked by the domain.
    forwarded_by = StringField(
        _l("Forwarded by (higher office)"),
        validators=[Optional(), Length(max=100)],
        description=_l("Only for a case a higher office sent you, e.g. the 12345 hotline."),
    )
    forwarded_ref = StringField(
        _l("Their reference number"), validators=[Optional(), Length(max=60)]
    )

    def set_channels(self, channels: list[str]) -> None:
        """Offer the tenant's channels except the web form."""
        self.channel.choices = choices(
            labels.choices(Channel, [Channel(c) for c in channels if c != Channel.WEB])
        )
