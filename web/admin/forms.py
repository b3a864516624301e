"""The admin's forms: a day of the working calendar, the time limits, rules and reminders."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from casework import labels, policy
from casework.deadlines import Target, Unit
from casework.models import Category
from casework.states import Channel, Priority, Stage

from ..forms import choices


def limit_label(key: str) -> str:
    """A key of the policy (a stage, or the longest extension) in the user's words."""
    if key == policy.EXTENSION:
        return str(labels.EXTENSION_LIMIT)
    if key == policy.RETURN:
        return str(labels.RETURN_LIMIT)
    return labels.label(Stage(key))


class CalendarDayForm(FlaskForm):
    """One of the tenant's own days, closed or working."""

    day = DateField(_l("Date"), validators=[InputRequired()])
    working = RadioField(
        _l("This day is"),
        choices=choices([("closed", _l("Not a working day")), ("working", _l("A working day"))]),
        default="closed",
        validators=[InputRequired()],
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])


def policy_form() -> type[FlaskForm]:
    """A form with a value and a unit for every key of the policy, labelled in the user's words.

    Built per request: its fields follow :data:`casework.policy.KEYS`.
    """

    class PolicyForm(FlaskForm):
        preview_start = DateTimeLocalField(
            _l("Filed at"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
        )

    unit_choices = choices(labels.choices(Unit))
    for key in policy.KEYS:
        setattr(
            PolicyForm,
            f"{key}_value",
            IntegerField(limit_label(key), validators=[Optional(), NumberRange(1, 10000)]),
        )
        setattr(PolicyForm, f"{key}_unit", SelectField(choices=unit_choices))
    return PolicyForm


def targets_from(form: FlaskForm) -> dict[str, Target | None]:
    """The limits a policy form gives, None for each key left empty or out of range."""
    out: dict[str, Target | None] = {}
    for key in policy.KEYS:
        value = getattr(form, f"{key}_value").data
        unit = getattr(form, f"{key}_unit").data
        valid = isinstance(value, int) and 0 < value <= 10000 and unit in Unit.__members__.values()
        out[key] = Target(value, Unit(unit)) if valid else None
    return out


class RuleForm(FlaskForm):
    """A special rule: a stage's target for one channel, category or priority."""

    stage = SelectField(_l("Stage"))
    channel = SelectField(_l("Channel"), default="")
    category = SelectField(_l("Category"), default="")
    priority = SelectField(_l("Priority"), default="")
    value = IntegerField(_l("Time allowed"), validators=[InputRequired(), NumberRange(1, 10000)])
    unit = SelectField(choices=choices(labels.choices(Unit)))

    def fill(self, channels: Iterable[str], categories: Iterable[Category]) -> None:
        """Offer the policy's keys, the tenant's channels and categories, and the priorities."""
        any_ = [("", _("Any"))]
        self.stage.choices = choices((k, limit_label(k)) for k in policy.KEYS)
        self.channel.choices = choices(
            any_ + labels.choices(Channel, [Channel(c) for c in channels])
        )
        self.category.choices = choices(any_ + [(c.code, c.name) for c in categories])
        self.priority.choices = choices(any_ + labels.choices(Priority))


class ReminderForm(FlaskForm):
    """When reminders go out, as percentages of the time allowed."""

    first = IntegerField(_l("First reminder at (%)"), validators=[InputRequired()])
    second = IntegerField(_l("Second reminder at (%)"), validators=[InputRequired()])
