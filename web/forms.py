"""The forms every area shares; each field's label is a lazy string in the user's language."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileSize
from wtforms import (
    DateTimeLocalField,
    EmailField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from casework import deadlines, labels
from casework.operations.intake import MAX_ATTACHMENT_BYTES, Complaint
from casework.states import Channel, ContactMethod, Priority
from tenants.db import MAX_KEY

MAX_ID = MAX_KEY  # the largest key the databases store
UPLOAD_MB = MAX_ATTACHMENT_BYTES // (1024 * 1024)  # the attachment limit, as people say it


def attachment_field() -> FileField:
    """A file a complainant or staff attach: one label and one size limit everywhere."""
    return FileField(
        _l("Attachment (photo or document, up to %(size)s MB)", size=UPLOAD_MB),
        validators=[
            FileSize(
                MAX_ATTACHMENT_BYTES,
                message=_l("The attachment is larger than %(size)s MB.", size=UPLOAD_MB),
            )
        ],
    )


def query_id(value: str | None) -> int | None:
    """A positive id from a query string, or None for anything else (never a 500)."""
    if not value or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def coerce_id(value) -> int:
    """Coerce a submitted id; out-of-range numbers are invalid input, not a database error."""
    number = int(value)
    if not 0 <= number <= MAX_ID:
        raise ValueError("id out of range")
    return number


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms' choice objects."""
    return [SelectChoice(value, label) for value, label in pairs]


# The message of a phone number that cannot be one (casework.operations.intake says it so).
BAD_PHONE = _l("Enter a valid phone number, e.g. 138 1234 5678.")


class ComplaintForm(FlaskForm):
    """The complaint form of the public portal; staff intake adds the channel."""

    category_id = SelectField(_l("Category"), coerce=coerce_id, validators=[DataRequired()])
    description = TextAreaField(
        _l("What happened"),
        validators=[DataRequired(_l("Please describe what happened.")), Length(max=5000)],
        render_kw={"rows": 6},
    )
    location = StringField(_l("Where"), validators=[Optional(), Length(max=300)])
    occurred_at = DateTimeLocalField(_l("When"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Please give a name we can address you by.")), Length(max=100)],
    )
    # Too long to be a number is said as a wrong number is, in the user's language.
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=40, message=BAD_PHONE)])
    email = EmailField(
        _l("Email"),
        validators=[Optional(), Email(_l("Enter a valid email address.")), Length(max=200)],
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    preferred_contact = SelectField(
        _l("Preferred way to reach you"),
        choices=choices(
            labels.choices(
                ContactMethod, (ContactMethod.PHONE, ContactMethod.EMAIL, ContactMethod.SMS)
            )
        ),
    )
    attachment = attachment_field()

    def to_complaint(self, channel: Channel, tz: str) -> Complaint:
        """The validated form as the domain's intake record; times typed in the tenant's
        zone ``tz`` are stored in UTC."""
        upload = self.attachment.data
        # Staff intake only; none asked (the portal, or left empty) is the category's default.
        asked = getattr(self, "priority", None)
        received = getattr(self, "received_at", None)
        id_number = getattr(self, "id_number", None)
        return Complaint(
            channel=channel,
            priority=Priority(asked.data) if asked is not None and asked.data else None,
            category_id=self.category_id.data,
            description=self.description.data,
            name=self.name.data,
            phone=self.phone.data or "",
            email=self.email.data or "",
            location=self.location.data or "",
            occurred_at=_utc(self.occurred_at.data, tz),
            received_at=_utc(received.data, tz) if received is not None else None,
            preferred_contact=self.preferred_contact.data,
            address=self.address.data or "",
            # Staff intake only: the portal does not ask for an ID number.
            id_number=id_number.data or "" if id_number is not None else "",
            attachment_name=upload.filename if upload else "",
            attachment_data=upload.read() if upload else b"",
        )

    def set_categories(self, categories) -> None:
        """Fill the category list from the tenant's catalogue."""
        self.category_id.choices = choices((c.id, c.name) for c in categories)


def _utc(local: dt.datetime | None, tz: str) -> dt.datetime | None:
    return deadlines.from_local(local, tz) if local is not None else None
