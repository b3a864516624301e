"""The staff intake form: the public complaint form plus channel, arrival time and priority."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from casework import labels
from casework.operations.answered import ANSWER_LENGTH
from casework.operations.intake import Complaint
from casework.states import Channel, Priority

from ..forms import BAD_PHONE, ComplaintForm, choices, coerce_id


class AnsweredAtOnceFields:
    """Answered at once (CITY-3, PROP-1): the question answered or the request solved while
    the person is on the line or at the desk; the answer is required then."""

    answered = BooleanField(_l("Answered at once: the question was answered or the request solved"))
    answer = TextAreaField(
        _l("The answer given"),
        validators=[Optional(), Length(max=ANSWER_LENGTH)],
        render_kw={"rows": 3},
        description=_l("The case is recorded as closed at intake, with this answer."),
    )
    send_receipt = BooleanField(_l("The caller asks for the receipt letter"))

    def validate_answer(self, field) -> None:
        """The answer is what the case is closed with: required once "answered" is ticked."""
        if self.answered.data and not (field.data or "").strip():
            raise ValidationError(_l("Say what the caller was told or what was done."))


class StaffIntakeForm(AnsweredAtOnceFields, ComplaintForm):
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


# The channels a person on the line or at the desk comes by, in the order offered.
PHONE_CHANNELS = (Channel.PHONE, Channel.HOTLINE, Channel.WALK_IN)


class PhoneIntakeForm(AnsweredAtOnceFields, FlaskForm):
    """The fast screen for a call or a walk-in: the few fields a clerk types while the
    person talks, in the order they are asked (CITY-2: always the contact details)."""

    phone = TelField(
        _l("Caller's phone"),
        validators=[
            DataRequired(_l("Take the caller's phone number for the reply and the revisit.")),
            Length(max=40, message=BAD_PHONE),
        ],
    )
    name = StringField(
        _l("Caller's name"),
        validators=[DataRequired(_l("Please give a name we can address you by.")), Length(max=100)],
    )
    channel = RadioField(_l("Channel"))
    category_id = RadioField(
        _l("Category"),
        coerce=coerce_id,
        validators=[DataRequired(_l("Choose a category from the list."))],
    )
    description = TextAreaField(
        _l("What the caller says"),
        validators=[DataRequired(_l("Please describe what happened.")), Length(max=5000)],
        render_kw={"rows": 4},
    )
    location = StringField(_l("Where"), validators=[Optional(), Length(max=300)])
    email = EmailField(
        _l("Email"),
        validators=[Optional(), Email(_l("Enter a valid email address.")), Length(max=200)],
    )

    def set_categories(self, categories) -> None:
        """Offer the tenant's active categories, each with its shortcut key (1–9, then 0)."""
        self.category_id.choices = choices((c.id, c.name) for c in categories)

    def set_channels(self, channels: list[str], wanted: str | None = None) -> None:
        """Offer the tenant's phone and desk channels; ``wanted`` (e.g. walk_in) preset."""
        offered = [c for c in PHONE_CHANNELS if c.value in channels] or [Channel.PHONE]
        self.channel.choices = choices(labels.choices(Channel, offered))
        if not self.channel.data or self.channel.data not in {c.value for c in offered}:
            preset = next((c for c in offered if c.value == wanted), offered[0])
            self.channel.data = preset.value

    def to_complaint(self) -> Complaint:
        """The validated form as the domain's intake record."""
        return Complaint(
            channel=Channel(self.channel.data),
            category_id=self.category_id.data,
            description=self.description.data,
            name=self.name.data,
            phone=self.phone.data or "",
            email=self.email.data or "",
            location=self.location.data or "",
        )


def shortcut(index: int) -> str | None:
    """The key that picks the ``index``-th category (0-based): 1–9, then 0; None after."""
    return str((index + 1) % 10) if index < 10 else None
