"""Tenant administration: the working calendar and the deadline policy."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
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

from casework import alerts, calendar, deadlines, operations, policy, routing
from casework.deadlines import Target, Unit
from casework.errors import InvalidInput
from casework.models import CalendarDay
from casework.states import Channel, Priority
from tenants.db import db, utcnow
from tenants.models import Role

from ..forms import choices
from ..i18n import CHANNEL_LABELS, STAGE_LABELS
from ..tenancy import staff_required

bp = Blueprint("admin", __name__, url_prefix="/t/<slug>/desk/admin")


@bp.app_template_filter("unit")
def unit_label(unit: str) -> str:
    """A deadline unit in the user's words."""
    try:
        return operations.unit_label(Unit(unit))
    except ValueError:
        return unit


class CalendarDayForm(FlaskForm):
    day = DateField(_l("Date"), validators=[InputRequired()])
    working = RadioField(
        _l("This day is"),
        choices=choices([("closed", _l("Not a working day")), ("working", _l("A working day"))]),
        default="closed",
        validators=[InputRequired()],
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])


@bp.route("/calendar", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def calendar_page():
    """The tenant's own closed and working days (工作日历)."""
    form = CalendarDayForm()
    if form.validate_on_submit():
        existing = db.session.scalars(
            sa.select(CalendarDay).where(CalendarDay.day == form.day.data)
        ).one_or_none()
        row = existing or CalendarDay(day=form.day.data)
        row.working = form.working.data == "working"
        row.note = form.note.data or ""
        db.session.add(row)
        flash(_("Saved."), "success")
        return redirect(url_for("admin.calendar_page"), 303)
    days = db.session.scalars(
        sa.select(CalendarDay)
        .where(CalendarDay.day >= dt.date.today() - dt.timedelta(days=366))
        .order_by(CalendarDay.day)
        .limit(500)
    ).all()
    this_year = dt.date.today().year
    unknown = [y for y in (this_year, this_year + 1) if not calendar.official_schedule_known(y)]
    return render_template("admin/calendar.html", form=form, days=days, unknown_years=unknown)


@bp.post("/calendar/<int:day_id>/delete")
@staff_required(Role.ADMIN)
def calendar_delete(day_id: int):
    """Remove one of the tenant's own days (back to the official schedule)."""
    row = db.session.scalars(sa.select(CalendarDay).where(CalendarDay.id == day_id)).one_or_none()
    if row is None:
        abort(404)
    db.session.delete(row)
    return redirect(url_for("admin.calendar_page"), 303)


def _policy_form():
    class PolicyForm(FlaskForm):
        pass

    unit_choices = choices((u.value, label) for u, label in operations.UNIT_LABELS.items())
    for key in policy.KEYS:
        setattr(
            PolicyForm,
            f"{key}_value",
            IntegerField(STAGE_LABELS[key], validators=[Optional(), NumberRange(1, 10000)]),
        )
        setattr(PolicyForm, f"{key}_unit", SelectField(choices=unit_choices))
    PolicyForm.preview_start = DateTimeLocalField(
        _l("Filed at"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    return PolicyForm


def _targets_from(form) -> dict[str, Target | None]:
    out = {}
    for key in policy.KEYS:
        value = getattr(form, f"{key}_value").data
        unit = getattr(form, f"{key}_unit").data
        valid = isinstance(value, int) and 0 < value <= 10000 and unit in Unit.__members__.values()
        out[key] = Target(value, Unit(unit)) if valid else None
    return out


@bp.route("/policy", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def policy_page():
    """The deadline policy per stage, with a live preview of what it means."""
    form = _policy_form()()
    if request.method == "GET":
        for key, target in policy.limits(g.tenant).items():
            if target is not None:
                getattr(form, f"{key}_value").data = target.value
                getattr(form, f"{key}_unit").data = target.unit.value
    elif form.validate_on_submit():
        policy.set_limits(g.tenant, _targets_from(form))
        flash(_("Saved. Cases already running keep their deadlines."), "success")
        return redirect(url_for("admin.policy_page"), 303)
    rule_form = RuleForm(formdata=None)
    rule_form.fill()
    first, second = alerts.fractions(g.tenant)[:2]
    reminder_form = ReminderForm(
        formdata=None, first=round(first * 100), second=round(second * 100)
    )
    return render_template(
        "admin/policy.html",
        reminder_form=reminder_form,
        form=form,
        keys=policy.KEYS,
        preview=_preview(form),
        overrides=policy.overrides(g.tenant),
        category_names={c.code: c.name for c in routing.categories(g.tenant)},
        rule_form=rule_form,
    )


class RuleForm(FlaskForm):
    """A special rule: a stage's target for one channel, category or priority."""

    stage = SelectField(_l("Stage"))
    channel = SelectField(_l("Channel"), default="")
    category = SelectField(_l("Category"), default="")
    priority = SelectField(_l("Priority"), default="")
    value = IntegerField(_l("Time allowed"), validators=[InputRequired(), NumberRange(1, 10000)])
    unit = SelectField(choices=choices((u.value, lb) for u, lb in operations.UNIT_LABELS.items()))

    def fill(self) -> None:
        any_ = [("", _("Any"))]
        self.stage.choices = choices((k, STAGE_LABELS[k]) for k in policy.KEYS)
        channels = g.tenant.setting("channels", [c.value for c in Channel])
        self.channel.choices = choices(any_ + [(c, CHANNEL_LABELS[Channel(c)]) for c in channels])
        self.category.choices = choices(
            any_ + [(c.code, c.name) for c in routing.categories(g.tenant)]
        )
        self.priority.choices = choices(
            any_ + [(Priority.NORMAL.value, _("Normal")), (Priority.URGENT.value, _("Urgent"))]
        )


@bp.post("/policy/rules")
@staff_required(Role.ADMIN)
def policy_rule_add():
    """Add a special rule to the policy."""
    form = RuleForm()
    form.fill()
    if form.validate_on_submit():
        policy.add_override(
            g.tenant,
            form.stage.data,
            Target(form.value.data, Unit(form.unit.data)),
            channel=form.channel.data,
            category=form.category.data,
            priority=form.priority.data,
        )
        flash(_("Saved. Cases already running keep their deadlines."), "success")
    else:
        flash(_("The rule was not added: give a stage and a time allowed of 1 or more."), "danger")
    return redirect(url_for("admin.policy_page"), 303)


class ReminderForm(FlaskForm):
    """When reminders go out, as percentages of the time allowed."""

    first = IntegerField(_l("First reminder at (%)"), validators=[InputRequired()])
    second = IntegerField(_l("Second reminder at (%)"), validators=[InputRequired()])


@bp.post("/policy/reminders")
@staff_required(Role.ADMIN)
def policy_reminders():
    """Set the two reminder points; overdue and escalation stay at 100% and 200%."""
    form = ReminderForm()
    message = _("Give two percentages between 1 and 99, the first below the second.")
    if form.validate_on_submit():
        try:
            alerts.set_reminders(g.tenant, form.first.data, form.second.data)
        except InvalidInput as exc:
            message = str(exc)
        else:
            flash(_("Saved. Deadlines already running keep their next reminder."), "success")
            return redirect(url_for("admin.policy_page"), 303)
    flash(message, "danger")
    return redirect(url_for("admin.policy_page"), 303)


@bp.post("/policy/rules/<int:index>/delete")
@staff_required(Role.ADMIN)
def policy_rule_delete(index: int):
    """Remove a special rule."""
    try:
        policy.remove_override(g.tenant, index)
    except IndexError:
        abort(404)
    return redirect(url_for("admin.policy_page"), 303)


@bp.get("/policy/preview")
@staff_required(Role.ADMIN)
def policy_preview():
    """The preview alone, for htmx as the admin types."""
    form = _policy_form()(request.args, meta={"csrf": False})
    return render_template("admin/_preview.html", preview=_preview(form))


def _preview(form) -> list[tuple[str, str, object]]:
    start_local = form.preview_start.data
    tz = g.tenant.timezone
    if start_local is None:
        start = utcnow()
    else:
        start = deadlines.from_local(start_local, tz)
    cal = calendar.for_tenant(g.tenant)
    rows = []
    for key, target in _targets_from(form).items():
        if target is None or key == policy.EXTENSION:
            continue
        due = deadlines.compute(start, target, tz, cal)
        rows.append((STAGE_LABELS[key], start, due))
    return rows
