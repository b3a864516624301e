"""The staff intake form: the public complaint form plus channel, arrival time and priority."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from casework import labels
from casework.states import Channel, Priority

from ..forms import ComplaintForm, choices


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

    # Checked by the domain (15 digits, or 18 with a final X); the length here only keeps a
    # pasted page out.
    id_number = StringField(
        _l("ID number"),
        validators=[Optional(), Length(max=40)],
        description=_l("Only when the case needs it, e.g. a petition."),
    )

    def set_channels(self, channels: list[str]) -> None:
        """Offer the tenant's channels except the web form."""
        self.channel.choices = choices(
            labels.choices(Channel, [Channel(c) for c in channels if c != Channel.WEB])
        )
