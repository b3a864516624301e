"""The forms of the service pages: one record, an upload, a draw."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DateTimeLocalField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from casework import deadlines, labels
from casework.operations import services
from casework.states import CaseKind

from ..forms import choices, coerce_id


def kind_choices(kinds=services.SERVICE_KINDS):
    """The kinds of service, in the user's words."""
    return choices(labels.choices(CaseKind, kinds))


class ServiceForm(FlaskForm):
    """One completed service, entered at the desk (the domain checks it as an import's row)."""

    # The domain refuses a wrong kind, in words that say why.
    kind = SelectField(
        _l("Kind of service"), default=CaseKind.WORK_ORDER.value, validate_choice=False
    )
    source_ref = StringField(
        _l("Order number (in your own system)"),
        validators=[Optional(), Length(max=services.REF_MAX)],
        description=_l("Entered again with the same number, the order is recorded once."),
    )
    completed_at = DateTimeLocalField(
        _l("Completed at"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    description = TextAreaField(
        _l("What was done"),
        validators=[
            DataRequired(_l("Describe the service that was done.")),
            Length(max=services.DESCRIPTION_MAX),
        ],
        render_kw={"rows": 4},
    )
    name = StringField(
        _l("Person served"),
        validators=[
            DataRequired(_l("Give the name of the person served.")),
            Length(max=services.NAME_MAX),
        ],
    )
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=40)])
    location = StringField(_l("Address or place"), validators=[Optional(), Length(max=300)])
    category_id = SelectField(
        _l("Category"), coerce=coerce_id, default=0, validators=[Optional()], validate_choice=False
    )
    service_from = DateField(_l("Contract from"), validators=[Optional()])
    service_until = DateField(_l("Contract until"), validators=[Optional()])

    def set_choices(self, categories) -> None:
        """Offer the service kinds and the tenant's active categories."""
        self.kind.choices = kind_choices()
        none = [(0, _l("— none —"))]
        self.category_id.choices = choices(none + [(c.id, c.name) for c in categories])

    def to_service(self, tz: str) -> services.Service:
        """The form as the domain's record; a time typed in the zone ``tz`` stored in UTC."""
        at = self.completed_at.data
        return services.Service(
            kind=self.kind.data,
            description=self.description.data or "",
            name=self.name.data or "",
            phone=self.phone.data or "",
            location=self.location.data or "",
            category_id=self.category_id.data or None,
            completed_at=deadlines.from_local(at, tz) if at else None,
            source_ref=self.source_ref.data or "",
            service_from=self.service_from.data,
            service_until=self.service_until.data,
        )


class ImportForm(FlaskForm):
    """A CSV or XLSX export of service records, and the kind of rows that name none."""

    file = FileField(_l("File (CSV or XLSX, up to 2 MB)"))
    kind = SelectField(
        _l("Kind of service for rows that name none"),
        default=CaseKind.WORK_ORDER.value,
        validate_choice=False,  # the domain refuses a wrong one
    )

    def set_choices(self) -> None:
        """Offer the service kinds."""
        self.kind.choices = kind_choices()


class ConfirmForm(FlaskForm):
    """Import the previewed file: the id is in the address, the file on the server."""


class DrawForm(FlaskForm):
    """Draw a period of one sampled kind now, rather than wait for the job."""

    kind = SelectField(_l("Kind of service"))
    period = DateField(
        _l("A day of the period"),
        validators=[InputRequired(_l("Give a day of the period to draw."))],
        description=_l("The whole month (or week) holding this day is drawn, once it is over."),
    )

    def set_choices(self, kinds, default_day: dt.date) -> None:
        """Offer the tenant's sampled kinds; the last finished period by default."""
        self.kind.choices = kind_choices(kinds)
        if self.period.data is None and not self.is_submitted():
            self.period.data = default_day
